from datetime import timedelta
from decimal import Decimal

import pytest
from django.urls import reverse
from django.utils import timezone

from polis.audit.models import AuditEvent
from polis.clients.tests.factories import ClientFactory
from polis.core.errors import DomainError, InvalidTransition, PermissionDenied
from polis.ledger.models import LedgerEntry
from polis.notify.models import OutboundMessage
from polis.practices import services
from polis.practices.models import Practice
from polis.quotes import services as quotes
from polis.quotes.models import Quote
from polis.quotes.tests.factories import demo_product
from polis.quotes.tests.test_quotes import ARCHITECT

pytestmark = pytest.mark.django_db


@pytest.fixture
def quote(collaborator_a):
    return quotes.create_quote(
        actor=collaborator_a,
        client=ClientFactory(created_by=collaborator_a),
        product=demo_product("RCP"),
        answers=ARCHITECT,
        effective_date=timezone.localdate(),
    )


def test_quote_to_issued_policy(collaborator_a, quote):
    # when
    practice = services.convert_quote(actor=collaborator_a, quote=quote)
    issued = services.issue_practice(actor=collaborator_a, practice=practice)
    # then
    year = timezone.localdate().year
    assert (issued.status, issued.policy_number) == (Practice.Status.ISSUED, f"RCP-{year}-000001")
    assert issued.gross == Decimal("843.34")
    quote.refresh_from_db()
    assert quote.status == Quote.Status.CONVERTED
    entry = LedgerEntry.objects.get(type="policy.issued")
    assert (entry.ref, entry.sha256) == (str(issued.uuid), issued.contract.sha256)
    assert [d["kind"] for d in issued.disclosures] == ["mup", "privacy_notice"]


def test_the_audit_says_from_which_status_to_which(collaborator_a, quote):
    # when
    practice = services.convert_quote(actor=collaborator_a, quote=quote)
    issued = services.issue_practice(actor=collaborator_a, practice=practice)
    # then: one event per change, each with where it came from and where it went
    events = AuditEvent.objects.filter(
        object_type__in=["quotes.quote", "practices.practice"], actor=collaborator_a
    ).order_by("pk")
    assert [(e.object_type, e.action, e.data) for e in events] == [
        ("quotes.quote", "quote.priced", {"gross": "843.34"}),
        (
            "quotes.quote",
            "quote.converted",
            {"from": "priced", "to": "converted", "practice": practice.pk},
        ),
        ("practices.practice", "practice.created", {"quote": quote.number}),
        (
            "practices.practice",
            "practice.issued",
            {"from": "draft", "to": "issued", "policy_number": issued.policy_number},
        ),
    ]


def test_policy_numbers_follow_each_other_without_gaps(collaborator_a):
    # given
    product = demo_product("RCP")
    numbers = []
    for _ in range(3):
        quote = quotes.create_quote(
            actor=collaborator_a,
            client=ClientFactory(created_by=collaborator_a),
            product=product,
            answers=ARCHITECT,
            effective_date=timezone.localdate(),
        )
        practice = services.convert_quote(actor=collaborator_a, quote=quote)
        numbers.append(
            services.issue_practice(actor=collaborator_a, practice=practice).policy_number[-6:]
        )
    # then
    assert numbers == ["000001", "000002", "000003"]


def test_above_the_automatic_limit_the_mga_reviews(collaborator_a, operator, quote):
    # given
    quote.product.auto_issue_max_gross = Decimal("500")
    quote.product.save()
    practice = services.convert_quote(actor=collaborator_a, quote=quote)
    # when
    waiting = services.issue_practice(actor=collaborator_a, practice=practice)
    # then
    assert (waiting.status, waiting.policy_number) == (Practice.Status.IN_REVIEW, None)
    assert OutboundMessage.objects.filter(
        recipient=operator.email, subject__startswith="Pratica da revisionare"
    ).exists()
    with pytest.raises(PermissionDenied):
        services.approve_practice(actor=collaborator_a, practice=waiting)
    issued = services.approve_practice(actor=operator, practice=waiting)
    assert issued.status == Practice.Status.ISSUED
    with pytest.raises(InvalidTransition):
        services.approve_practice(actor=operator, practice=issued)


def test_a_quote_converts_once_and_not_when_expired(collaborator_a, quote):
    # given
    services.convert_quote(actor=collaborator_a, quote=quote)
    # when / then
    with pytest.raises(InvalidTransition):
        services.convert_quote(actor=collaborator_a, quote=quote)
    Quote.objects.filter(pk=quote.pk).update(
        status=Quote.Status.PRICED, valid_until=timezone.localdate().replace(year=2020)
    )
    quote.refresh_from_db()
    with pytest.raises(DomainError, match="scaduto"):
        services.convert_quote(actor=collaborator_a, quote=quote)
    assert Practice.objects.count() == 1


def test_issuing_twice_is_refused_and_changes_nothing(collaborator_a, quote):
    # given
    practice = services.issue_practice(
        actor=collaborator_a, practice=services.convert_quote(actor=collaborator_a, quote=quote)
    )
    # when / then
    with pytest.raises(InvalidTransition, match="Emessa"):
        services.issue_practice(actor=collaborator_a, practice=practice)
    assert LedgerEntry.objects.filter(type="policy.issued").count() == 1


def test_the_collaborator_issues_from_the_pages_and_downloads_the_contract(
    client_for, collaborator_a, collaborator_b, quote
):
    # given
    page = client_for(collaborator_a)
    # when
    page.post(reverse("practices:convert", args=[quote.pk]))
    practice = Practice.objects.get()
    page.post(reverse("practices:issue", args=[practice.pk]))
    contract = page.get(reverse("practices:contract", args=[practice.pk]))
    # then
    assert contract.status_code == 200
    assert b"".join(contract.streaming_content).startswith(b"%PDF-")
    listing = page.get(reverse("practices:list"), {"stato": "issued"})
    assert [p.pk for p in listing.context["page"]] == [practice.pk]
    other = client_for(collaborator_b)
    assert other.get(reverse("practices:detail", args=[practice.pk])).status_code == 404
    assert other.post(reverse("practices:issue", args=[practice.pk])).status_code == 404


def test_operator_declines_from_the_queue_with_a_reason(
    client_for, collaborator_a, operator, quote
):
    # given
    quote.product.auto_issue_max_gross = Decimal("500")
    quote.product.save()
    waiting = services.issue_practice(
        actor=collaborator_a, practice=services.convert_quote(actor=collaborator_a, quote=quote)
    )
    staff = client_for(operator)
    assert [p.pk for p in staff.get(reverse("practices:review_queue")).context["page"]] == [
        waiting.pk
    ]
    # when
    staff.post(reverse("practices:decline", args=[waiting.pk]), {"reason": "  "})
    unchanged = Practice.objects.get(pk=waiting.pk).status
    staff.post(
        reverse("practices:decline", args=[waiting.pk]),
        {"reason": "Sinistri pregressi non dichiarati"},
    )
    # then
    declined = Practice.objects.get(pk=waiting.pk)
    assert unchanged == Practice.Status.IN_REVIEW
    assert (declined.status, declined.review_reason) == (
        Practice.Status.DECLINED,
        "Sinistri pregressi non dichiarati",
    )
    assert OutboundMessage.objects.filter(
        recipient=collaborator_a.email, subject__startswith="Pratica non accettata"
    ).exists()


def test_a_new_practice_from_scratch_is_rated_and_issued(collaborator_a):
    client = ClientFactory(created_by=collaborator_a)
    practice = services.create_practice(
        actor=collaborator_a,
        client=client,
        product=demo_product("RCP"),
        answers=ARCHITECT,
        effective_date=timezone.localdate(),
    )
    assert (practice.status, practice.gross, practice.quote) == (
        Practice.Status.DRAFT,
        Decimal("843.34"),
        None,
    )
    assert practice.end_date == practice.effective_date.replace(
        year=practice.effective_date.year + 1
    )
    practice.tariff.refresh_from_db()
    assert practice.tariff.in_use
    issued = services.issue_practice(actor=collaborator_a, practice=practice)
    assert issued.status == Practice.Status.ISSUED


def test_a_new_practice_refuses_bad_input_and_saves_nothing(collaborator_a, collaborator_b):
    product = demo_product("RCP")
    mine = ClientFactory(created_by=collaborator_a)
    today = timezone.localdate()
    with pytest.raises(PermissionDenied):
        services.create_practice(
            actor=collaborator_b,
            client=mine,
            product=product,
            answers=ARCHITECT,
            effective_date=today,
        )
    with pytest.raises(DomainError, match="nel passato"):
        services.create_practice(
            actor=collaborator_a,
            client=mine,
            product=product,
            answers=ARCHITECT,
            effective_date=today - timedelta(days=1),
        )
    with pytest.raises(DomainError, match="preventivo personalizzato"):
        services.create_practice(
            actor=collaborator_a,
            client=mine,
            product=product,
            answers={**ARCHITECT, "limit": "5000000", "turnover_band": "F5"},
            effective_date=today,
        )
    product.active = False
    product.save()
    for create in (services.create_practice, quotes.create_quote):
        with pytest.raises(DomainError, match="non è più in vendita"):
            create(
                actor=collaborator_a,
                client=mine,
                product=product,
                answers=ARCHITECT,
                effective_date=today,
            )
    assert not Practice.objects.exists()
    assert not Quote.objects.exists()


def _in_review(collaborator_a):
    quote = quotes.create_quote(
        actor=collaborator_a,
        client=ClientFactory(created_by=collaborator_a),
        product=demo_product("RCP"),
        answers=ARCHITECT,
        effective_date=timezone.localdate(),
    )
    practice = services.convert_quote(actor=collaborator_a, quote=quote)
    practice.product.auto_issue_max_gross = Decimal("100")
    practice.product.save()
    return services.issue_practice(actor=collaborator_a, practice=practice)


def test_the_mga_asks_for_information_and_the_firm_answers(collaborator_a, operator):
    from polis.practices.selectors import review_queue, thread_of

    practice = _in_review(collaborator_a)
    assert practice.status == Practice.Status.IN_REVIEW
    services.request_practice_information(
        actor=operator, practice=practice, text="Serve la visura camerale"
    )
    practice.refresh_from_db()
    assert practice.status == Practice.Status.INFO_REQUESTED
    assert list(review_queue()) == [practice]
    thread = thread_of(practice)
    assert thread.open_requests == 1
    with pytest.raises(DomainError, match="risposta"):
        services.answer_practice_information(actor=collaborator_a, practice=practice, text="")
    services.answer_practice_information(
        actor=collaborator_a, practice=practice, text="Allegata la visura"
    )
    practice.refresh_from_db()
    thread.refresh_from_db()
    assert practice.status == Practice.Status.IN_REVIEW
    assert thread.open_requests == 0
    assert services.approve_practice(actor=operator, practice=practice).status == "issued"


def test_two_operators_at_once_the_second_is_told_and_nothing_changes(
    collaborator_a, operator, admin_user
):
    practice = _in_review(collaborator_a)
    seen = practice.version
    services.approve_practice(actor=operator, practice=practice, version=seen)
    with pytest.raises(DomainError, match="modificata da un altro utente"):
        services.decline_practice(actor=admin_user, practice=practice, reason="no", version=seen)
    practice.refresh_from_db()
    assert practice.status == Practice.Status.ISSUED
    assert practice.review_reason != "no"


def test_required_documents_are_checked_before_issuing(collaborator_a, collaborator_b):
    from polis.practices.selectors import uploaded_documents
    from polis.signatures.tests.support import PNG

    product = demo_product("RCP")
    product.required_documents = [{"code": "identita", "label": "Documento d'identità"}]
    product.save()
    practice = services.create_practice(
        actor=collaborator_a,
        client=ClientFactory(created_by=collaborator_a),
        product=product,
        answers=ARCHITECT,
        effective_date=timezone.localdate(),
    )
    with pytest.raises(DomainError, match="Prima di emettere carica: Documento d'identità"):
        services.issue_practice(actor=collaborator_a, practice=practice)
    with pytest.raises(PermissionDenied):
        services.add_practice_documents(
            actor=collaborator_b, practice=practice, kind="identita", uploads=[("id.png", PNG)]
        )
    with pytest.raises(DomainError):
        services.add_practice_documents(
            actor=collaborator_a, practice=practice, kind="identita", uploads=[("x.exe", b"MZ")]
        )
    for _ in range(2):
        services.add_practice_documents(
            actor=collaborator_a, practice=practice, kind="identita", uploads=[("id.png", PNG)]
        )
    assert [d.number for d in uploaded_documents(practice)] == [2, 1]
    issued = services.issue_practice(actor=collaborator_a, practice=practice)
    assert issued.status == Practice.Status.ISSUED


def test_demands_and_needs_decide_whether_the_policy_can_be_issued(collaborator_a):
    from polis.devdata.catalog import NEEDS_QUESTIONNAIRES

    product = demo_product("RCP")
    product.needs_questionnaire = NEEDS_QUESTIONNAIRES["RCP"]
    product.save()
    practice = services.create_practice(
        actor=collaborator_a,
        client=ClientFactory(created_by=collaborator_a),
        product=product,
        answers=ARCHITECT,
        effective_date=timezone.localdate(),
    )
    with pytest.raises(DomainError, match="raccogli le esigenze"):
        services.issue_practice(actor=collaborator_a, practice=practice)
    with pytest.raises(DomainError, match="Rispondi a ogni domanda"):
        services.record_demands_and_needs(actor=collaborator_a, practice=practice, answers={})
    services.record_demands_and_needs(
        actor=collaborator_a, practice=practice, answers={}, refused=True
    )
    with pytest.raises(DomainError, match="non ha risposto"):
        services.issue_practice(actor=collaborator_a, practice=practice)
    answers = {"need": "si", "registered": "si", "other_policy": "si"}
    services.record_demands_and_needs(
        actor=collaborator_a, practice=practice, answers=answers, medium="paper"
    )
    with pytest.raises(DomainError, match=r"non coerente.*Ha già una polizza"):
        services.issue_practice(actor=collaborator_a, practice=practice)
    answers["other_policy"] = "no"
    practice = services.record_demands_and_needs(
        actor=collaborator_a, practice=practice, answers=answers, medium="paper"
    )
    assert practice.needs["consistent"]
    assert practice.needs["version"] == "2026-01"
    assert services.issue_practice(actor=collaborator_a, practice=practice).status == "issued"
