"""The money's ledger: balanced by the service and by the database, posted with the business
change that causes it, statements tied to it."""

import uuid
from datetime import timedelta
from decimal import Decimal

import pytest
from django.db import IntegrityError, connection, transaction
from django.utils import timezone

from polis.accounting import selectors, services
from polis.accounting.models import Account, Leg, Payout, Remittance, Transaction
from polis.accounting.money import clawback, commission_on
from polis.accounting.services import Subject
from polis.claims import services as claims_services
from polis.claims.tests.support import open_claim_on, policy_in_force
from polis.claims.tests.test_claim_page import IBAN, _accept_offer
from polis.core.errors import DomainError, PermissionDenied
from polis.practices import services as practices
from polis.practices.tests.factories import PracticeFactory
from polis.practices.tests.test_completion import FIRST, pay

pytestmark = pytest.mark.django_db
K = Account.Kind


def _balance(kind, **holder):
    return selectors.balance(services.account(kind, **holder))


def _collect(collaborator, operator, days_ago=0):
    """A signed practice's first instalment, paid `days_ago` and verified: 421,67 € collected."""
    practice = PracticeFactory(created_by=collaborator)
    paid_on = timezone.localdate() - timedelta(days=days_ago)
    practices.verify_payment(actor=operator, payment=pay(collaborator, practice, paid_on=paid_on))
    return practice


def _mga_share(practice):
    """The MGA's commission in the first instalment: the demo tariff's 25 % of the net premium,
    split like the premium."""
    return practice.shares(commission_on(practice.net, Decimal("0.25")))[0]


@pytest.fixture
def collected(collaborator_a, operator):
    return _collect(collaborator_a, operator)


def test_a_verified_payment_posts_the_premium_split_between_insurer_taxes_mga_and_firm(
    collected, collaborator_a
):
    # then
    insurer, firm = collected.product.insurer, collaborator_a.firm
    commission, mga = collected.commission_shares[0], _mga_share(collected)
    tax = collected.shares(collected.tax)[0]
    assert tax > 0
    assert mga > commission
    assert _balance(K.SEPARATE) == FIRST
    assert _balance(K.PREMIUM_TAX, insurer=insurer) == -tax
    assert _balance(K.INSURER, insurer=insurer) == -(FIRST - tax - mga)
    assert _balance(K.MGA_COMMISSION) == -(mga - commission)
    assert _balance(K.COMMISSIONS, firm=firm) == -commission
    posted = Transaction.objects.get()
    assert (posted.kind, posted.practice_id, posted.reference) == (
        "premium",
        collected.pk,
        f"{collected.policy_number} rata 1",
    )


def test_the_mga_commission_rate_comes_from_the_tariff_or_the_setting(
    collaborator_a, operator, settings
):
    # given: a tariff version without its own MGA rate
    practice = PracticeFactory(created_by=collaborator_a)
    tariff = practice.tariff
    tariff.document = {k: v for k, v in tariff.document.items() if k != "mga_commission_rate"}
    tariff.save(update_fields=["document"])
    settings.MGA_COMMISSION_RATE = Decimal("0.30")
    # when
    practices.verify_payment(actor=operator, payment=pay(collaborator_a, practice))
    # then
    mga = practice.shares(commission_on(practice.net, Decimal("0.30")))[0]
    commission = practice.commission_shares[0]
    assert _balance(K.MGA_COMMISSION) == -(mga - commission)


def test_a_recorded_payment_not_yet_verified_posts_nothing(collaborator_a):
    pay(collaborator_a, PracticeFactory(created_by=collaborator_a))
    assert not Transaction.objects.exists()


def test_the_service_refuses_an_unbalanced_transaction(collected):
    with pytest.raises(DomainError) as refused:
        services.post(
            kind="premium",
            on=timezone.localdate(),
            subject=Subject("payment", 1, "X"),
            legs=[
                (services.account(K.SEPARATE), Decimal("10.00")),
                (services.account(K.OPERATING), Decimal("-9.99")),
            ],
        )
    assert refused.value.code == "unbalanced"
    assert Transaction.objects.count() == 1


def _raw_transaction(key, **fields):
    return Transaction.objects.create(
        id=key,
        kind="premium",
        date=timezone.localdate(),
        subject_kind="x",
        subject_id=1,
        reference="x",
        **fields,
    )


def _post_raw(legs, *, commit_check=False):
    """Legs and then their transaction, written as the service does but without its check;
    `commit_check`: check the deferred foreign keys now, as the commit would."""
    key = uuid.uuid4()
    with transaction.atomic():
        Leg.objects.bulk_create(
            [Leg(transaction_id=key, account=services.account(kind), amount=a) for kind, a in legs]
        )
        if not commit_check:
            _raw_transaction(key)
        elif connection.vendor == "postgresql":
            connection.cursor().execute("SET CONSTRAINTS ALL IMMEDIATE")
        elif connection.cursor().execute("PRAGMA foreign_key_check").fetchall():
            raise IntegrityError("FOREIGN KEY constraint failed")


def test_the_database_refuses_an_unbalanced_transaction(db):
    with pytest.raises(IntegrityError):
        _post_raw([(K.SEPARATE, Decimal("10.00")), (K.OPERATING, Decimal("-9.99"))])
    with pytest.raises(IntegrityError):
        _post_raw([(K.SEPARATE, Decimal("10.00"))])
    _post_raw([(K.SEPARATE, Decimal("10.00")), (K.OPERATING, Decimal("-10.00"))])
    assert Transaction.objects.count() == 1


def test_the_database_refuses_a_leg_added_or_changed_after_posting(collected):
    posted = Transaction.objects.get()
    with pytest.raises(IntegrityError), transaction.atomic():
        Leg.objects.create(
            transaction=posted, account=services.account(K.OPERATING), amount=Decimal("1.00")
        )
    with pytest.raises(IntegrityError), transaction.atomic():
        Leg.objects.filter(transaction=posted).update(amount=Decimal("1.00"))


def test_the_database_refuses_legs_whose_transaction_never_comes(db):
    with pytest.raises(IntegrityError):
        _post_raw([(K.SEPARATE, 1), (K.OPERATING, -1)], commit_check=True)


def test_a_refund_claws_back_the_commission_in_proportion(collected, collaborator_a, operator):
    # given
    insurer, firm = collected.product.insurer, collaborator_a.firm
    commission = collected.commission_shares[0]
    back = clawback(commission=commission, premium=FIRST, refund=Decimal("100.00"))
    # when
    services.post_refund(
        actor=operator,
        subject=Subject("endorsement", 1, "Appendice 1", practice_id=collected.pk),
        insurer=insurer,
        firm=firm,
        gross=Decimal("100.00"),
        clawback=back,
        refunded_on=timezone.localdate(),
    )
    # then
    assert back > 0
    assert _balance(K.SEPARATE) == FIRST - Decimal("100.00")
    assert _balance(K.COMMISSIONS, firm=firm) == -(commission - back)
    month = timezone.localdate().replace(day=1)
    totals = selectors.commission_totals(firm.pk, month)
    assert totals["accrued"] == commission - back
    assert totals["pending"] == commission - back


def test_a_remittance_pays_the_insurer_its_net_and_moves_the_mga_commission_out(
    collaborator_a, operator
):
    # given
    practice = _collect(collaborator_a, operator, days_ago=1)
    insurer = practice.product.insurer
    yesterday = timezone.localdate() - timedelta(days=1)
    mga, tax = _mga_share(practice), practice.shares(practice.tax)[0]
    # when
    with pytest.raises(PermissionDenied):
        services.prepare_remittance(actor=collaborator_a, insurer=insurer, period_end=yesterday)
    remittance = services.prepare_remittance(actor=operator, insurer=insurer, period_end=yesterday)
    totals = selectors.statement_totals(remittance.transactions.all())
    services.confirm_remittance(
        actor=operator, remittance=remittance, paid_on=timezone.localdate(), bank_reference="CRO1"
    )
    # then
    assert totals == {
        "premiums": FIRST,
        "taxes": tax,
        "commission": mga,
        "claims": Decimal("0.00"),
        "net": FIRST - mga,
    }
    remittance.refresh_from_db()
    assert remittance.status == Remittance.Status.PAID
    assert _balance(K.INSURER, insurer=insurer) == 0
    assert _balance(K.PREMIUM_TAX, insurer=insurer) == 0
    assert _balance(K.SEPARATE) == 0
    assert _balance(K.OPERATING) == mga
    assert selectors.unremitted_by_age(timezone.localdate()) == []
    with pytest.raises(DomainError):
        services.confirm_remittance(
            actor=operator, remittance=remittance, paid_on=yesterday, bank_reference="CRO2"
        )


def test_collected_not_yet_remitted_is_shown_by_age(collaborator_a, operator):
    practice = _collect(collaborator_a, operator, days_ago=15)
    (row,) = selectors.unremitted_by_age(timezone.localdate())
    net = FIRST - _mga_share(practice)
    assert row["buckets"] == [0, net, 0, 0]
    assert row["total"] == net


def test_a_posted_transaction_keeps_its_date(collected):
    with pytest.raises(IntegrityError), transaction.atomic():
        Transaction.objects.update(date=timezone.localdate() - timedelta(days=3))


def test_a_claim_paid_is_charged_to_the_insurer_and_paid_by_sepa(
    collaborator_a, operator, adjuster
):
    # given
    claim = open_claim_on(collaborator_a, policy_in_force(collaborator_a))
    _accept_offer(claim, operator, adjuster)
    insurer = claim.practice.product.insurer
    # when
    claims_services.record_claim_payment(
        actor=operator, claim=claim, amount="9500", paid_on=timezone.localdate(), iban=IBAN
    )
    payout = Payout.objects.get()
    batch = services.export_payout_batch(
        actor=operator, kind=Payout.Kind.CLAIM, execution_date=timezone.localdate()
    )
    services.confirm_payout_batch(actor=operator, batch=batch)
    # then
    payout.refresh_from_db()
    assert (payout.status, payout.iban, payout.payee_name) == (
        "sent",
        IBAN,
        claim.client.display_name,
    )
    assert _balance(K.INSURER, insurer=insurer) == Decimal("9500.00")
    assert _balance(K.CLAIMS_PAYABLE) == 0
    assert _balance(K.SEPARATE) == Decimal("-9500.00")
    assert payout.end_to_end_id in batch.xml


def test_commissions_are_paid_less_the_withholding(collected, collaborator_a, operator):
    # given
    firm = collaborator_a.firm
    commission = collected.commission_shares[0]
    with pytest.raises(DomainError, match="IBAN"):
        services.create_commission_payout(actor=operator, firm=firm)
    services.set_payee_iban(actor=operator, firm=firm, iban="IT60 X054 2811 1010 0000 0123 456")
    # when
    payout = services.create_commission_payout(actor=operator, firm=firm)
    with pytest.raises(DomainError):
        services.create_commission_payout(actor=operator, firm=firm)
    batch = services.export_payout_batch(
        actor=operator, kind=Payout.Kind.COMMISSION, execution_date=timezone.localdate()
    )
    services.confirm_payout_batch(actor=operator, batch=batch)
    # then
    assert payout.gross == commission
    assert payout.withholding == (commission * Decimal("0.115")).quantize(Decimal("0.01"))
    assert _balance(K.COMMISSIONS, firm=firm) == 0
    assert _balance(K.WITHHOLDING) == -payout.withholding
    assert _balance(K.OPERATING) == -(commission - payout.withholding)
