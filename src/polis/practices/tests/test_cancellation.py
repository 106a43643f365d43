"""Annullamento (issue #23): a practice not yet in force is cancelled with a reason; a premium
already collected goes back whole to the client's IBAN by SEPA, posted only when its batch is
sent."""

from datetime import timedelta
from decimal import Decimal

import pytest
from django.urls import reverse
from django.utils import timezone

from polis.accounting import selectors as ledger
from polis.accounting import services as accounting
from polis.accounting.models import Account, Payout, Transaction
from polis.audit.models import AuditEvent
from polis.core.errors import DomainError, InvalidTransition, PermissionDenied
from polis.practices import services
from polis.practices.actions import allowed_actions
from polis.practices.models import Payment, Practice
from polis.practices.selectors import (
    collected_premium,
    mga_commission,
    policies_cancelled_between,
)
from polis.practices.tests.factories import PracticeFactory, signed_practice
from polis.practices.tests.test_completion import receipt
from polis.signatures.models import SignatureRequest

pytestmark = pytest.mark.django_db
S = Practice.Status
K = Account.Kind
CLIENT_IBAN = "IT42L1234512345123456789012"


def _balance(kind, **holder):
    return ledger.balance(accounting.account(kind, **holder))


def _completed(collaborator, operator, *, verify=True):
    """A signed practice starting in ten days, its first instalment paid (perfezionata)."""
    start = timezone.localdate() + timedelta(days=10)
    practice = signed_practice(
        collaborator,
        effective_date=start,
        end_date=start + timedelta(days=365),
        issued_at=timezone.now() - timedelta(days=1),
    )
    payment = services.record_payment(
        actor=collaborator,
        practice=practice,
        method="transfer",
        paid_on=timezone.localdate(),
        amount=practice.instalments[0],
        receipt=receipt(),
    )
    if verify:
        services.verify_payment(actor=operator, payment=payment)
    practice.refresh_from_db()
    assert practice.status == S.COMPLETED
    return practice


def test_a_draft_is_cancelled_with_its_reason_and_no_money(collaborator_a):
    practice = PracticeFactory(created_by=collaborator_a, status=S.DRAFT)
    assert "cancel" in allowed_actions(practice, collaborator_a)
    with pytest.raises(DomainError) as refused:
        services.cancel_practice(actor=collaborator_a, practice=practice, reason="  ")
    assert refused.value.field == "reason"

    cancelled = services.cancel_practice(
        actor=collaborator_a, practice=practice, reason="Il cliente ha rinunciato"
    )

    assert (cancelled.status, cancelled.review_reason) == (S.CANCELLED, "Il cliente ha rinunciato")
    event = AuditEvent.objects.get(action="practice.cancelled")
    assert event.data["reason"] == "Il cliente ha rinunciato"
    assert not Payout.objects.exists()
    assert "cancel" not in allowed_actions(cancelled, collaborator_a)


def test_the_mga_cancels_too_another_firm_cannot(collaborator_b, collaborator_a, operator):
    practice = PracticeFactory(created_by=collaborator_a, status=S.DRAFT)
    assert "cancel" not in allowed_actions(practice, collaborator_b)
    with pytest.raises(PermissionDenied):
        services.cancel_practice(actor=collaborator_b, practice=practice, reason="Errore")
    practice.refresh_from_db()
    assert practice.status == S.DRAFT

    assert "cancel" in allowed_actions(practice, operator)
    services.cancel_practice(actor=operator, practice=practice, reason="Errore")
    practice.refresh_from_db()
    assert practice.status == S.CANCELLED


def test_a_practice_in_force_cannot_be_cancelled(collaborator_a):
    practice = signed_practice(collaborator_a, status=S.IN_FORCE)
    assert "cancel" not in allowed_actions(practice, collaborator_a)
    with pytest.raises(InvalidTransition):
        services.cancel_practice(actor=collaborator_a, practice=practice, reason="Errore")
    practice.refresh_from_db()
    assert practice.status == S.IN_FORCE


def test_a_payment_waiting_for_verification_is_checked_first(collaborator_a, operator):
    practice = _completed(collaborator_a, operator, verify=False)
    with pytest.raises(DomainError) as refused:
        services.cancel_practice(
            actor=collaborator_a, practice=practice, reason="Errore", iban=CLIENT_IBAN
        )
    assert refused.value.code == "payment_to_verify"
    practice.refresh_from_db()
    assert practice.status == S.COMPLETED


@pytest.mark.parametrize("iban", [None, "", "IT00X0000000000000000000000"])
def test_a_collected_premium_needs_the_clients_iban(collaborator_a, operator, iban):
    practice = _completed(collaborator_a, operator)
    with pytest.raises(DomainError) as refused:
        services.cancel_practice(
            actor=collaborator_a, practice=practice, reason="Errore", iban=iban
        )
    assert refused.value.field == "iban"
    practice.refresh_from_db()
    assert practice.status == S.COMPLETED
    assert not Payout.objects.exists()


def test_a_completed_practice_is_cancelled_and_its_premium_refunded_when_the_batch_is_sent(
    collaborator_a, operator
):
    practice = _completed(collaborator_a, operator)
    insurer, firm = practice.product.insurer, practice.firm
    paid = practice.instalments[0]
    assert collected_premium(practice) == paid
    # what the verified payment posted: its share of the tax and of the MGA's commission, and
    # the firm's commission on it
    share = {
        "tax": practice.shares(practice.tax)[0],
        "firm": Payment.objects.get().commission,
        "mga": practice.shares(mga_commission(practice))[0],
    }
    assert 0 < share["firm"] < share["mga"]
    before = {
        "separate": _balance(K.SEPARATE),
        "tax": _balance(K.PREMIUM_TAX, insurer=insurer),
        "insurer": _balance(K.INSURER, insurer=insurer),
        "mga": _balance(K.MGA_COMMISSION),
        "commissions": _balance(K.COMMISSIONS, firm=firm),
    }
    posted = Transaction.objects.count()

    services.cancel_practice(
        actor=collaborator_a, practice=practice, reason="Il cliente recede", iban=CLIENT_IBAN
    )

    practice.refresh_from_db()
    assert practice.status == S.CANCELLED
    payout = Payout.objects.get()
    assert (payout.kind, payout.subject_kind, payout.practice_id, payout.gross, payout.iban) == (
        "refund",
        "cancellation",
        practice.pk,
        paid,
        CLIENT_IBAN,
    )
    assert (payout.tax, payout.clawback, payout.mga_clawback) == (
        share["tax"],
        share["firm"],
        share["mga"],
    )
    assert collected_premium(practice) == Decimal(0)
    assert Transaction.objects.count() == posted  # nothing posted before the transfer

    batch = accounting.export_payout_batch(
        actor=operator, kind="refund", execution_date=timezone.localdate()
    )
    assert Transaction.objects.count() == posted
    accounting.confirm_payout_batch(actor=operator, batch=batch)

    refund = Transaction.objects.get(kind="refund")
    assert (refund.practice_id, refund.subject_kind) == (practice.pk, "cancellation")
    assert _balance(K.SEPARATE) == before["separate"] - paid
    assert _balance(K.PREMIUM_TAX, insurer=insurer) == before["tax"] + share["tax"]
    assert _balance(K.INSURER, insurer=insurer) == (
        before["insurer"] + paid - share["tax"] - share["mga"]
    )
    assert _balance(K.MGA_COMMISSION) == before["mga"] + share["mga"] - share["firm"]
    assert _balance(K.COMMISSIONS, firm=firm) == before["commissions"] + share["firm"]
    # all the payment posted is undone, to the cent
    for kind, holder in (
        (K.SEPARATE, {}),
        (K.PREMIUM_TAX, {"insurer": insurer}),
        (K.INSURER, {"insurer": insurer}),
        (K.MGA_COMMISSION, {}),
        (K.COMMISSIONS, {"firm": firm}),
    ):
        assert _balance(kind, **holder) == 0, kind


def test_an_open_signature_request_is_voided(collaborator_a):
    practice = signed_practice(collaborator_a, status=S.SIGNING)
    request = SignatureRequest.objects.get(subject_kind="practice", subject_id=practice.pk)
    SignatureRequest.objects.filter(pk=request.pk).update(status=SignatureRequest.Status.SENT)

    services.cancel_practice(actor=collaborator_a, practice=practice, reason="Errore")

    request.refresh_from_db()
    practice.refresh_from_db()
    assert (request.status, practice.status) == (SignatureRequest.Status.VOIDED, S.CANCELLED)


def test_the_risk_bordereau_lists_the_cancelled_policy(collaborator_a, operator):
    practice = _completed(collaborator_a, operator)
    services.cancel_practice(actor=operator, practice=practice, reason="Recesso", iban=CLIENT_IBAN)
    now = timezone.now()
    listed = policies_cancelled_between(
        insurer_id=practice.product.insurer_id,
        start=now - timedelta(hours=1),
        end=now + timedelta(hours=1),
    )
    assert [p.pk for p in listed] == [practice.pk]


# --- Where it shows: the page and the API ---------------------------------------------------


def test_the_page_asks_for_the_iban_and_a_bad_one_changes_nothing(
    client_for, collaborator_a, operator
):
    practice = _completed(collaborator_a, operator)
    page = client_for(collaborator_a)
    shown = page.get(reverse("practices:detail", args=[practice.pk])).content.decode()
    assert "Annulla pratica" in shown
    assert 'name="iban"' in shown

    url = reverse("practices:cancel", args=[practice.pk])
    refused = page.post(url, {"reason": "Recesso", "iban": "IT00 1234"}, follow=True)
    assert "IBAN non valido" in refused.content.decode()
    practice.refresh_from_db()
    assert practice.status == S.COMPLETED
    assert not Payout.objects.exists()

    done = page.post(url, {"reason": "Recesso", "iban": CLIENT_IBAN}, follow=True)
    assert "Pratica annullata." in done.content.decode()
    practice.refresh_from_db()
    assert practice.status == S.CANCELLED
    assert Payout.objects.get().gross == practice.instalments[0]


def test_a_draft_page_asks_no_iban(client_for, collaborator_a):
    practice = PracticeFactory(created_by=collaborator_a, status=S.DRAFT)
    shown = client_for(collaborator_a).get(reverse("practices:detail", args=[practice.pk]))
    assert "Annulla pratica" in shown.content.decode()
    assert 'name="iban"' not in shown.content.decode()


def test_the_api_cancels_and_offers_it_in_allowed_actions(client_for, collaborator_a, operator):
    practice = _completed(collaborator_a, operator)
    api = client_for(collaborator_a)
    assert "cancel" in api.get(f"/api/practices/{practice.pk}").json()["allowed_actions"]
    url = f"/api/practices/{practice.pk}/cancel"
    missing = api.post(url, {"reason": "Recesso"}, content_type="application/json")
    assert missing.status_code == 422
    assert not Payout.objects.exists()

    done = api.post(
        url, {"reason": "Recesso", "iban": CLIENT_IBAN}, content_type="application/json"
    )
    assert (done.status_code, done.json()["status"]) == (200, "cancelled")
    assert Payout.objects.get().iban == CLIENT_IBAN
