"""The money of a variazione (issue #23): an additional premium is collected like an instalment
(recorded by the collaborator, verified by the MGA, posted); a return premium is paid back to
the client's IBAN by SEPA and posted, with the commission on it charged back, only when its
batch is sent."""

from datetime import timedelta
from decimal import Decimal
from unittest import mock

import pytest
from django.utils import timezone

from conftest import login_verified
from polis.accounting import selectors as ledger
from polis.accounting import services as accounting
from polis.accounting.models import Account, Payout, Transaction
from polis.accounting.money import commission_on
from polis.catalog.selectors import mga_commission_rates
from polis.core.errors import DomainError, InvalidTransition, PermissionDenied
from polis.practices import services
from polis.practices.models import Payment
from polis.practices.selectors import endorsements_with_money_due, premium_change
from polis.practices.tests.test_completion import receipt
from polis.practices.tests.test_endorsements import (
    LOWER_DEDUCTIBLE,
    LOWER_LIMIT,
    _effective,
    _policy,
    _request,
)

pytestmark = pytest.mark.django_db
K = Account.Kind
CLIENT_IBAN = "IT42L1234512345123456789012"


def _mga(endorsement):
    """The MGA's whole commission on the variazione's net difference, at its tariff's rate."""
    tariff = endorsement.practice.tariff_id
    return commission_on(endorsement.difference_net, mga_commission_rates({tariff})[tariff])


def _balance(kind, **holder):
    return ledger.balance(accounting.account(kind, **holder))


def _pay(actor, endorsement, amount=None, **overrides):
    return services.record_endorsement_payment(
        actor=actor,
        endorsement=endorsement,
        **{
            "method": "transfer",
            "paid_on": timezone.localdate(),
            "amount": amount if amount is not None else endorsement.difference_gross,
            "receipt": receipt(),
            **overrides,
        },
    )


def _premium_collected(collaborator, operator, practice):
    first = practice.instalments[0]
    payment = services.record_payment(
        actor=collaborator,
        practice=practice,
        method="transfer",
        paid_on=timezone.localdate() - timedelta(days=1),
        amount=first,
        receipt=receipt(),
    )
    services.verify_payment(actor=operator, payment=payment)
    return first


# --- Increase: an additional premium to collect ---------------------------------------------


def test_an_effective_increase_is_due_from_the_client(collaborator_a):
    endorsement = _effective(collaborator_a, _policy(collaborator_a), LOWER_DEDUCTIBLE)

    change = premium_change(endorsement)
    assert (change.status, change.amount, change.refund) == (
        "due",
        endorsement.difference_gross,
        False,
    )
    assert list(endorsements_with_money_due(collaborator_a)) == [endorsement]


def test_a_draft_variazione_has_nothing_to_collect(collaborator_a):
    endorsement = _request(collaborator_a, _policy(collaborator_a), LOWER_DEDUCTIBLE)
    assert premium_change(endorsement) is None
    with pytest.raises(InvalidTransition):
        _pay(collaborator_a, endorsement)
    assert not Payment.objects.exists()


def test_the_additional_premium_is_recorded_then_verified_and_posted(collaborator_a, operator):
    practice = _policy(collaborator_a)
    endorsement = _effective(collaborator_a, practice, LOWER_DEDUCTIBLE)
    gross, commission = endorsement.difference_gross, endorsement.difference_commission

    with pytest.raises(DomainError) as wrong:
        _pay(collaborator_a, endorsement, amount=gross - Decimal("1.00"))
    assert wrong.value.field == "amount"
    payment = _pay(collaborator_a, endorsement)
    # recorded, not yet verified: nothing in the ledger, the variazione waits for the check
    assert premium_change(endorsement).status == Payment.Status.TO_VERIFY
    assert not Transaction.objects.exists()
    assert list(endorsements_with_money_due(collaborator_a)) == []
    with pytest.raises(InvalidTransition):
        _pay(collaborator_a, endorsement)

    services.verify_payment(actor=operator, payment=payment)

    posted = Transaction.objects.get()
    assert (posted.kind, posted.practice_id, posted.reference) == (
        "premium",
        practice.pk,
        f"{practice.policy_number} appendice 1",
    )
    insurer, firm = practice.product.insurer, practice.firm
    tax, mga = endorsement.difference_tax, _mga(endorsement)
    assert mga > commission > 0
    # the separate account takes it whole; the insurer is owed its tax apart and the rest less
    # the MGA's commission, out of which the firm's is owed
    assert _balance(K.SEPARATE) == gross
    assert _balance(K.PREMIUM_TAX, insurer=insurer) == -tax
    assert _balance(K.INSURER, insurer=insurer) == -(gross - tax - mga)
    assert _balance(K.MGA_COMMISSION) == -(mga - commission)
    assert _balance(K.COMMISSIONS, firm=firm) == -commission
    assert premium_change(endorsement).label == "Premio incassato"


def test_a_rejected_additional_premium_is_due_again(collaborator_a, operator):
    endorsement = _effective(collaborator_a, _policy(collaborator_a), LOWER_DEDUCTIBLE)
    payment = _pay(collaborator_a, endorsement)
    services.reject_payment(actor=operator, payment=payment, reason="Bonifico non arrivato")
    assert premium_change(endorsement).status == "due"
    assert _pay(collaborator_a, endorsement).status == Payment.Status.TO_VERIFY


def test_another_firm_cannot_record_it(collaborator_a, collaborator_b):
    endorsement = _effective(collaborator_a, _policy(collaborator_a), LOWER_DEDUCTIBLE)
    with pytest.raises(PermissionDenied):
        _pay(collaborator_b, endorsement)


# --- Decrease: a return premium refunded by SEPA --------------------------------------------


@pytest.fixture
def refund(collaborator_a, operator):
    practice = _policy(collaborator_a)
    _premium_collected(collaborator_a, operator, practice)
    return _effective(collaborator_a, practice, LOWER_LIMIT)


def test_the_refund_needs_a_valid_iban_and_changes_nothing_without(refund, collaborator_a):
    with pytest.raises(DomainError) as refused:
        services.request_endorsement_refund(
            actor=collaborator_a, endorsement=refund, iban="IT00X0000000000000000000000"
        )
    assert refused.value.field == "iban"
    assert not Payout.objects.exists()
    assert premium_change(refund).status == "to_refund"
    assert list(endorsements_with_money_due(collaborator_a)) == [refund]


def test_the_refund_is_posted_only_when_its_batch_is_sent(refund, collaborator_a, operator):
    practice = refund.practice
    amount, clawback = -refund.difference_gross, -refund.difference_commission
    collected = Transaction.objects.count()
    tax, mga_clawback = -refund.difference_tax, -_mga(refund)
    before = {
        "separate": _balance(K.SEPARATE),
        "tax": _balance(K.PREMIUM_TAX, insurer=practice.product.insurer),
        "insurer": _balance(K.INSURER, insurer=practice.product.insurer),
        "mga": _balance(K.MGA_COMMISSION),
        "commissions": _balance(K.COMMISSIONS, firm=practice.firm),
    }

    payout = services.request_endorsement_refund(
        actor=collaborator_a, endorsement=refund, iban="it42 l123 4512 3451 2345 6789 012"
    )
    assert (payout.kind, payout.gross, payout.clawback, payout.iban) == (
        "refund",
        amount,
        clawback,
        CLIENT_IBAN,
    )
    assert payout.payee_name == practice.client.display_name
    assert premium_change(refund).label == "Rimborso da mettere in distinta SEPA"
    with pytest.raises(InvalidTransition):
        services.request_endorsement_refund(
            actor=collaborator_a, endorsement=refund, iban=CLIENT_IBAN
        )

    batch = accounting.export_payout_batch(
        actor=operator, kind="refund", execution_date=timezone.localdate()
    )
    assert CLIENT_IBAN in batch.xml
    assert f'<InstdAmt Ccy="EUR">{amount}</InstdAmt>' in batch.xml
    assert premium_change(refund).status == Payout.Status.BATCHED
    assert Transaction.objects.count() == collected  # exported is not paid

    accounting.confirm_payout_batch(actor=operator, batch=batch)

    posted = Transaction.objects.get(kind="refund")
    assert (posted.practice_id, posted.subject_kind, posted.subject_id) == (
        practice.pk,
        "endorsement",
        refund.pk,
    )
    # the premium leaves the separate account: its tax and the rest less the MGA's commission
    # no longer owed to the insurer; the MGA's commission charged back, the firm's share of it too
    assert _balance(K.SEPARATE) == before["separate"] - amount
    assert _balance(K.PREMIUM_TAX, insurer=practice.product.insurer) == before["tax"] + tax
    insurer = _balance(K.INSURER, insurer=practice.product.insurer)
    assert insurer == before["insurer"] + amount - tax - mga_clawback
    assert _balance(K.MGA_COMMISSION) == before["mga"] + mga_clawback - clawback
    assert _balance(K.COMMISSIONS, firm=practice.firm) == before["commissions"] + clawback
    assert premium_change(refund).label == "Rimborsato"
    # the firm's commission statement has the clawback on the refund's own line
    month = timezone.localdate().replace(day=1)
    (line,) = [
        t for t in ledger.commission_statement(practice.firm_id, month) if t.kind == "refund"
    ]
    assert (line.reference, line.premium, line.commission) == (
        f"Rimborso appendice 1 polizza {practice.policy_number}",
        -amount,
        -clawback,
    )


def test_no_refund_of_a_premium_not_collected(collaborator_a):
    endorsement = _effective(collaborator_a, _policy(collaborator_a), LOWER_LIMIT)
    with pytest.raises(DomainError) as refused:
        services.request_endorsement_refund(
            actor=collaborator_a, endorsement=endorsement, iban=CLIENT_IBAN
        )
    assert refused.value.code == "not_collected"
    assert not Payout.objects.exists()


def test_another_firm_cannot_ask_for_the_refund(refund, collaborator_b):
    with pytest.raises(PermissionDenied):
        services.request_endorsement_refund(
            actor=collaborator_b, endorsement=refund, iban=CLIENT_IBAN
        )
    assert not Payout.objects.exists()


# --- Where it shows: the pages and the API --------------------------------------------------


def test_the_pages_show_the_premium_to_collect_and_take_the_payment(
    client, collaborator_a, operator
):
    practice = _policy(collaborator_a)
    endorsement = _effective(collaborator_a, practice, LOWER_DEDUCTIBLE)
    login_verified(client, collaborator_a)

    page = client.get(f"/variazioni/{endorsement.pk}/").content.decode()
    assert "Premio da incassare" in page
    assert "Registra il pagamento del cliente" in page
    assert "Premio da incassare" in client.get(f"/pratiche/{practice.pk}/").content.decode()
    dashboard = client.get("/dashboard/").content.decode()
    assert f'href="/variazioni/{endorsement.pk}/"' in dashboard
    paid = client.post(
        f"/variazioni/{endorsement.pk}/pagamento/",
        {
            "method": "transfer",
            "paid_on": timezone.localdate().isoformat(),
            "amount": str(endorsement.difference_gross).replace(".", ","),
            "receipt": receipt(),
        },
        follow=True,
    ).content.decode()
    assert "Pagamento registrato: l&#x27;MGA lo verificherà." in paid
    assert "Pagamento da verificare" in paid
    assert f'href="/variazioni/{endorsement.pk}/"' not in client.get("/dashboard/").content.decode()
    assert Payment.objects.get(endorsement=endorsement).amount == endorsement.difference_gross


def test_a_bad_iban_on_the_page_is_told_and_changes_nothing(client, refund, collaborator_a):
    login_verified(client, collaborator_a)
    answer = client.post(
        f"/variazioni/{refund.pk}/rimborso/", {"iban": "IT00 1234"}, follow=True
    ).content.decode()
    assert "IBAN non valido" in answer
    assert not Payout.objects.exists()


def test_the_api_tells_where_the_difference_stands_and_takes_the_iban(
    client_for, refund, collaborator_a
):
    api = client_for(collaborator_a)
    read = api.get(f"/api/endorsements/{refund.pk}").json()
    assert (read["premium_status"], read["allowed_actions"]) == ("to_refund", ["request_refund"])
    asked = api.post(
        f"/api/endorsements/{refund.pk}/refund",
        {"iban": CLIENT_IBAN},
        content_type="application/json",
    )
    assert asked.status_code == 200
    assert asked.json()["premium_status"] == "pending"
    assert Payout.objects.get().iban == CLIENT_IBAN


def test_the_insurers_estratto_conto_nets_the_refund_on_its_own_line(
    refund, collaborator_a, operator
):
    practice = refund.practice
    amount, mga_clawback = -refund.difference_gross, -_mga(refund)
    services.request_endorsement_refund(actor=collaborator_a, endorsement=refund, iban=CLIENT_IBAN)
    yesterday = timezone.localdate() - timedelta(days=1)
    batch = accounting.export_payout_batch(
        actor=operator, kind="refund", execution_date=timezone.localdate()
    )
    with mock.patch("django.utils.timezone.localdate", return_value=yesterday):
        accounting.confirm_payout_batch(actor=operator, batch=batch)  # sent yesterday

    remittance = accounting.prepare_remittance(
        actor=operator, insurer=practice.product.insurer, period_end=yesterday
    )

    lines = ledger.statement_lines(remittance.transactions.all())
    (line,) = [t for t in lines if t.kind == "refund"]
    # the estratto conto's commission is the MGA's: its whole commission charged back
    assert (line.premium, line.commission, line.to_insurer) == (
        -amount,
        -mga_clawback,
        -(amount - mga_clawback),
    )
    assert [t.kind for t in lines] == ["premium", "refund"]
    totals = ledger.statement_totals(remittance.transactions.all())
    assert sum(t.to_insurer for t in lines) == totals["net"]
    assert totals["net"] == totals["premiums"] - totals["commission"]
