"""allowed_actions: for every status and every kind of user, an action is offered exactly when
its service accepts it (tried in a savepoint that is rolled back); the page shows a button
only then."""

from collections.abc import Callable
from datetime import timedelta

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.db import transaction
from django.urls import reverse
from django.utils import timezone

from polis.clients.tests.factories import ClientFactory
from polis.core.errors import DomainError, PermissionDenied
from polis.documents.tests.test_validation import pdf_bytes
from polis.practices import services
from polis.practices.actions import allowed_actions
from polis.practices.models import Practice
from polis.practices.tests.factories import PracticeFactory
from polis.quotes import services as quotes
from polis.quotes.tests.factories import demo_product
from polis.quotes.tests.test_quotes import ARCHITECT
from polis.signatures.actions import ACTIONS as SIGNATURE_ACTIONS
from polis.signatures.models import SignatureRequest
from polis.signatures.services import (
    resend_signature_request,
    send_reminders,
    void_signature_request,
)
from polis.signatures.tests.support import PNG, send

pytestmark = pytest.mark.django_db
S = Practice.Status


class _Undo(Exception):
    pass


def _accepted(call: Callable[[], object]) -> bool:
    """Whether the service accepts the call; nothing it did stays."""
    try:
        with transaction.atomic():
            call()
            raise _Undo
    except _Undo:
        return True
    except DomainError:
        return False


def _payment(user, practice):
    return services.record_payment(
        actor=user,
        practice=practice,
        method="transfer",
        paid_on=timezone.localdate(),
        amount=practice.instalments[0],
        receipt=SimpleUploadedFile("ricevuta.pdf", pdf_bytes()),
    )


# action -> the service call with valid input, as the page's form would post it
CALLS = {
    "issue": lambda u, p: services.issue_practice(actor=u, practice=p),
    "approve": lambda u, p: services.approve_practice(actor=u, practice=p),
    "decline": lambda u, p: services.decline_practice(actor=u, practice=p, reason="Fuori rischio"),
    "request_information": lambda u, p: services.request_practice_information(
        actor=u, practice=p, text="Serve la visura camerale"
    ),
    "answer_information": lambda u, p: services.answer_practice_information(
        actor=u, practice=p, text="Ecco la visura"
    ),
    "needs": lambda u, p: services.record_demands_and_needs(
        actor=u, practice=p, answers={}, medium=Practice.DeliveryMedium.PAPER
    ),
    "add_documents": lambda u, p: services.add_practice_documents(
        actor=u, practice=p, kind="altro", uploads=[("foto.png", PNG)]
    ),
    "record_payment": _payment,
    "renew": lambda u, p: services.renew_practice(actor=u, practice=p),
    "send_for_signature": send,
    "cancel": lambda u, p: services.cancel_practice(
        actor=u, practice=p, reason="Il cliente rinuncia", iban="IT42L1234512345123456789012"
    ),
    "endorse": lambda u, p: services.request_endorsement(
        actor=u,
        practice=p,
        answers={**ARCHITECT, "deductible": "1000"},
        effective_date=timezone.localdate(),
    ),
}


@pytest.fixture
def users(collaborator_a, collaborator_b, operator, adjuster, admin_user):
    return {
        "collaborator of the firm": collaborator_a,
        "collaborator of another firm": collaborator_b,
        "operator": operator,
        "adjuster": adjuster,
        "admin": admin_user,
    }


@pytest.mark.parametrize("status", S.values)
def test_an_action_is_offered_exactly_when_the_service_accepts_it(status, users, collaborator_a):
    # given: a practice of firm A in `status`
    practice = PracticeFactory(created_by=collaborator_a, status=status)
    # when
    offered, accepted = {}, {}
    for who, user in users.items():
        fresh = Practice.objects.get(pk=practice.pk)
        allowed = allowed_actions(fresh, user)
        for action, call in CALLS.items():
            offered[who, action] = action in allowed
            accepted[who, action] = _accepted(
                lambda call=call, user=user: call(user, Practice.objects.get(pk=practice.pk))
            )
    # then
    assert offered == accepted
    practice.refresh_from_db()
    assert practice.status == status


def test_the_renewal_window_decides_the_renew_action(collaborator_a):
    # given: in force and ending in 20 days (renewable), and one ending in a year (not yet)
    end = timezone.localdate() + timedelta(days=20)
    ending = PracticeFactory(
        created_by=collaborator_a,
        status=S.IN_FORCE,
        effective_date=end - timedelta(days=365),
        end_date=end,
    )
    later = PracticeFactory(created_by=collaborator_a, status=S.IN_FORCE)
    # then
    for practice, renewable in ((ending, True), (later, False)):
        assert ("renew" in allowed_actions(practice, collaborator_a)) is renewable
        assert _accepted(lambda p=practice: CALLS["renew"](collaborator_a, p)) is renewable


def _buttons(page) -> set[str]:
    html = page.content.decode()
    names = {
        "issue": reverse("practices:issue", args=[page.context["practice"].pk]),
        "approve": reverse("practices:approve", args=[page.context["practice"].pk]),
        "decline": reverse("practices:decline", args=[page.context["practice"].pk]),
        "request_information": reverse(
            "practices:request_information", args=[page.context["practice"].pk]
        ),
        "answer_information": reverse(
            "practices:answer_information", args=[page.context["practice"].pk]
        ),
        "cancel": reverse("practices:cancel", args=[page.context["practice"].pk]),
    }
    return {name for name, url in names.items() if f'action="{url}"' in html}


@pytest.mark.parametrize(
    ("status", "who", "expected"),
    [
        (S.DRAFT, "collaborator of the firm", {"issue", "cancel"}),
        (S.DRAFT, "operator", {"cancel"}),
        (S.IN_REVIEW, "collaborator of the firm", {"cancel"}),
        (S.IN_REVIEW, "operator", {"approve", "decline", "request_information", "cancel"}),
        (S.INFO_REQUESTED, "collaborator of the firm", {"answer_information", "cancel"}),
        (S.INFO_REQUESTED, "admin", {"decline", "cancel"}),
        (S.ISSUED, "collaborator of the firm", {"cancel"}),
        (S.ISSUED, "operator", {"cancel"}),
        (S.COMPLETED, "collaborator of the firm", {"cancel"}),
        (S.IN_FORCE, "collaborator of the firm", set()),
        (S.CANCELLED, "operator", set()),
    ],
)
def test_the_page_shows_a_button_only_for_an_allowed_action(
    status, who, expected, users, collaborator_a, client_for
):
    # given
    practice = PracticeFactory(created_by=collaborator_a, status=status)
    # when
    page = client_for(users[who]).get(reverse("practices:detail", args=[practice.pk]))
    # then
    assert page.status_code == 200
    assert _buttons(page) == expected


def test_a_refused_action_posted_anyway_changes_nothing(collaborator_a, client_for):
    # given: an issued practice, which the page offers no "Emetti polizza" for
    practice = PracticeFactory(created_by=collaborator_a, status=S.ISSUED)
    page = client_for(collaborator_a)
    assert (
        "issue" not in page.get(reverse("practices:detail", args=[practice.pk])).context["actions"]
    )
    # when
    response = page.post(reverse("practices:issue", args=[practice.pk]), follow=True)
    # then
    assert "non si può emettere" in response.content.decode()
    practice.refresh_from_db()
    assert practice.status == S.ISSUED


def _issued(collaborator) -> Practice:
    """An issued contract, its pre-contractual documents ready: it can be sent for signature."""
    quote = quotes.create_quote(
        actor=collaborator,
        client=ClientFactory(created_by=collaborator),
        product=demo_product("RCP"),
        answers=ARCHITECT,
        effective_date=timezone.localdate(),
    )
    return services.issue_practice(
        actor=collaborator, practice=services.convert_quote(actor=collaborator, quote=quote)
    )


def test_sending_a_contract_ready_to_sign_is_offered_exactly_to_whom_the_service_accepts(
    users, collaborator_a
):
    # given: an issued contract whose documents are ready
    practice = _issued(collaborator_a)
    # when
    offered, accepted = {}, {}
    for who, user in users.items():
        offered[who] = "send_for_signature" in allowed_actions(practice, user)
        accepted[who] = _accepted(
            lambda user=user: send(user, Practice.objects.get(pk=practice.pk))
        )
    # then: the firm and the MGA; not another firm, nor an adjuster (whose work is the claims)
    assert offered == accepted
    assert accepted == {
        "collaborator of the firm": True,
        "collaborator of another firm": False,
        "operator": True,
        "adjuster": False,
        "admin": True,
    }
    practice.refresh_from_db()
    assert practice.status == S.ISSUED
    assert not SignatureRequest.objects.exists()


def test_an_adjuster_cannot_send_a_contract_for_signature(adjuster, collaborator_a):
    # given: an issued contract ready to sign
    practice = _issued(collaborator_a)
    # when an adjuster sends it
    with pytest.raises(PermissionDenied):
        send(adjuster, practice)
    # then nothing was sent
    practice.refresh_from_db()
    assert practice.status == S.ISSUED
    assert not SignatureRequest.objects.exists()


def test_an_expired_contract_request_is_not_sent_again_once_the_practice_is_back_to_issued(
    collaborator_a, client_for
):
    # given: a contract sent for signature whose link expired: the practice is issued again
    practice = _issued(collaborator_a)
    send(collaborator_a, practice)
    SignatureRequest.objects.update(expires_at=timezone.now() - timedelta(minutes=1))
    send_reminders()
    signature = SignatureRequest.objects.get()
    practice.refresh_from_db()
    assert (signature.status, practice.status) == (SignatureRequest.Status.EXPIRED, S.ISSUED)
    # then: no fresh link is offered, the service refuses one, and the page shows no button
    assert "resend" not in signature_actions(signature, collaborator_a)
    with pytest.raises(DomainError, match="scaduta"):
        resend_signature_request(actor=collaborator_a, request=signature)
    page = client_for(collaborator_a).get(reverse("practices:detail", args=[practice.pk]))
    assert _signature_buttons(page, signature) == set()
    signature.refresh_from_db()
    assert signature.status == SignatureRequest.Status.EXPIRED


def signature_actions(signature, user) -> frozenset[str]:
    return SIGNATURE_ACTIONS.allowed(signature, user)


def _signature_buttons(page, signature) -> set[str]:
    html = page.content.decode()
    return {
        name
        for name in ("resend", "void")
        if f'action="{reverse(f"signatures:{name}", args=[signature.pk])}"' in html
    }


def test_the_contracts_signature_request_offers_resend_and_void_while_open(
    collaborator_a, operator, client_for
):
    # given: an issued contract sent for signature
    practice = _issued(collaborator_a)
    send(collaborator_a, practice)
    signature = SignatureRequest.objects.get()
    url = reverse("practices:detail", args=[practice.pk])
    # then: the firm and the MGA may send a fresh link or withdraw it
    for user in (collaborator_a, operator):
        assert _signature_buttons(client_for(user).get(url), signature) == {"resend", "void"}
    # when: withdrawn
    void_signature_request(actor=operator, request=signature)
    # then: nothing more to do with it
    assert _signature_buttons(client_for(collaborator_a).get(url), signature) == set()
