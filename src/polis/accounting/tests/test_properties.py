"""Property: whatever sequence of business events happens, every transaction sums to zero,
every statement ties out to the ledger, and the day totals equal the sums of the legs."""

from datetime import timedelta
from decimal import Decimal

import pytest
from django.db import transaction
from django.db.models import Count, Sum
from django.utils import timezone
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from polis.accounting import selectors, services
from polis.accounting.models import Account, DayTotal, Leg, Payout, Remittance, Transaction
from polis.accounting.money import ZERO, cents, clawback, commission_on
from polis.accounting.services import Subject
from polis.accounts.tests.factories import FirmFactory
from polis.catalog.models import Insurer
from polis.core.errors import DomainError

pytestmark = pytest.mark.django_db
K = Account.Kind
IBAN = "IT60X0542811101000000123456"

amounts = st.decimals(min_value=Decimal("1.00"), max_value=Decimal("5000.00"), places=2)
rates = st.sampled_from([Decimal("0.15"), Decimal("0.18"), Decimal("0.20")])
mga_rates = st.sampled_from([Decimal("0.20"), Decimal("0.25"), Decimal("0.30")])
days_ago = st.integers(min_value=1, max_value=90)
events = st.one_of(
    st.tuples(
        st.just("collect"),
        st.integers(0, 1),
        st.integers(0, 1),
        amounts,
        rates,
        mga_rates,
        days_ago,
    ),
    st.tuples(st.just("refund"), st.integers(0, 20), st.decimals(0, 1, places=2)),
    st.tuples(st.just("claim"), st.integers(0, 1), amounts, days_ago),
    st.tuples(st.just("remit"), st.integers(0, 1), days_ago, st.booleans()),
    st.tuples(st.just("commissions"), st.integers(0, 1), st.booleans()),
    # a variazione: an additional premium collected, or a return premium paid back by SEPA
    st.tuples(st.just("endorse_up"), st.integers(0, 20), st.decimals("0.01", 1, places=2)),
    st.tuples(
        st.just("endorse_down"), st.integers(0, 20), st.decimals("0.01", 1, places=2), st.booleans()
    ),
    # a cancellation after collection: what is left of the premium paid back by SEPA
    st.tuples(st.just("cancel"), st.integers(0, 20), st.booleans()),
)


def _refund_by_sepa(actor, collection, refund, send):
    """A refund payout to the client, posted only when its batch is sent."""
    insurer, firm, gross, tax, commission, mga = collection["split"]
    services.create_refund_payout(
        actor=actor,
        subject=Subject("endorsement", collection["n"], f"A-{collection['n']}"),
        insurer=insurer,
        firm=firm,
        payee_name="Rossi Mario",
        iban=IBAN,
        gross=refund,
        clawback=clawback(commission=commission, premium=gross, refund=refund),
        tax=cents(tax * refund / gross),
        mga_clawback=clawback(commission=mga, premium=gross, refund=refund),
    )
    collection["refunded"] += refund
    if send:
        batch = services.export_payout_batch(
            actor=actor, kind=Payout.Kind.REFUND, execution_date=timezone.localdate()
        )
        services.confirm_payout_batch(actor=actor, batch=batch)


def _apply(event, world, collections):
    kind, today = event[0], timezone.localdate()
    actor, insurers, firms = world["actor"], world["insurers"], world["firms"]
    if kind == "collect":
        _k, i, f, gross, rate, mga_rate, ago = event
        net = (gross / Decimal("1.2225")).quantize(Decimal("0.01"))
        commission, mga = commission_on(net, rate), commission_on(net, mga_rate)
        n = len(collections)
        services.post_premium_collected(
            actor=actor,
            subject=Subject("payment", n, f"P-{n}", practice_id=n),
            insurer=insurers[i],
            firm=firms[f],
            gross=gross,
            commission=commission,
            received_on=today - timedelta(days=ago),
            tax=gross - net,
            mga_commission=mga,
        )
        collections.append((insurers[i], firms[f], gross, gross - net, commission, mga))
        world["collected"].append({"n": n, "split": collections[-1], "refunded": ZERO})
    elif kind == "refund" and collections:
        _k, which, share = event
        insurer, firm, gross, tax, commission, mga = collections[which % len(collections)]
        refund = (gross * share).quantize(Decimal("0.01"))
        if refund:
            services.post_refund(
                actor=actor,
                subject=Subject("endorsement", which, f"A-{which}"),
                insurer=insurer,
                firm=firm,
                gross=refund,
                clawback=clawback(commission=commission, premium=gross, refund=refund),
                refunded_on=today,
                tax=cents(tax * refund / gross),
                mga_clawback=clawback(commission=mga, premium=gross, refund=refund),
            )
    elif kind == "endorse_up" and collections:
        _k, which, share = event
        insurer, firm, gross, _tax, commission, mga = collections[which % len(collections)]
        extra = cents(gross * share)
        net = cents(extra / Decimal("1.2225"))
        services.post_premium_collected(
            actor=actor,
            subject=Subject("payment", 1000 + which, f"A-{which}", practice_id=which),
            insurer=insurer,
            firm=firm,
            gross=extra,
            commission=commission_on(net, commission / gross),
            received_on=today,
            tax=extra - net,
            mga_commission=commission_on(net, mga / gross),
        )
    elif kind in ("endorse_down", "cancel") and collections:
        which, send = event[1], event[-1]
        collection = world["collected"][which % len(collections)]
        left = collection["split"][2] - collection["refunded"]
        refund = cents(left * event[2]) if kind == "endorse_down" else left
        if refund > 0:
            _refund_by_sepa(actor, collection, refund, send)
    elif kind == "claim":
        _k, i, amount, ago = event
        services.post_claim_payout(
            actor=actor,
            subject=Subject("claim", 1, "S-1"),
            insurer=insurers[i],
            payee_name="Rossi Mario",
            iban=IBAN,
            amount=amount,
            settled_on=today - timedelta(days=ago),
        )
    elif kind == "remit":
        _k, i, ago, pay = event
        try:
            remittance = services.prepare_remittance(
                actor=actor, insurer=insurers[i], period_end=today - timedelta(days=ago)
            )
        except DomainError:
            return
        if pay:
            services.confirm_remittance(
                actor=actor, remittance=remittance, paid_on=today, bank_reference="CRO"
            )
    elif kind == "commissions":
        _k, f, send = event
        try:
            services.create_commission_payout(actor=actor, firm=firms[f])
        except DomainError:
            return
        if send:
            for kind_ in Payout.Kind.values:
                try:
                    batch = services.export_payout_batch(
                        actor=actor, kind=kind_, execution_date=today
                    )
                except DomainError:
                    continue
                services.confirm_payout_batch(actor=actor, batch=batch)


def _check_ties_out(world):
    # every transaction sums to zero, and so does the whole ledger
    sums = Leg.objects.values("transaction").annotate(s=Sum("amount")).values_list("s", flat=True)
    assert [s for s in sums if cents(s) != 0] == []
    assert selectors.total(Leg.objects.all()) == 0
    for insurer in world["insurers"]:
        # what the insurer's account says it is owed is the net of its statements not yet paid
        unpaid = Transaction.objects.filter(insurer=insurer, kind__in=selectors.STATEMENT_KINDS)
        unpaid = unpaid.exclude(remittance__status=Remittance.Status.PAID)
        owed = -selectors.balance(services.account(K.INSURER, insurer=insurer))
        owed -= selectors.balance(services.account(K.PREMIUM_TAX, insurer=insurer))
        assert owed == selectors.statement_totals(unpaid)["net"]
    for remittance in Remittance.objects.all():
        # each estratto conto: its lines add up to its totals, and a paid one's net left the books
        lines = selectors.statement_lines(
            remittance.transactions.filter(kind__in=selectors.STATEMENT_KINDS)
        )
        totals = selectors.statement_totals(remittance.transactions.all())
        # the remittance's totals read from its day totals are those of its legs
        assert selectors.remittance_totals([remittance])[remittance.pk] == totals
        assert sum(line.to_insurer for line in lines) == totals["net"]
        assert sum(line.premium for line in lines) == totals["premiums"]
        assert sum(line.commission for line in lines) == totals["commission"]
        assert sum(line.tax for line in lines) == totals["taxes"]
        assert totals["net"] == totals["premiums"] - totals["commission"] - totals["claims"]
        if remittance.status == Remittance.Status.PAID:
            paid = Leg.objects.filter(
                transaction__remittance=remittance,
                transaction__kind=Transaction.Kind.REMITTANCE,
                account__kind__in=selectors.OWED,
            )
            assert selectors.total(paid) == totals["net"]
    for firm in world["firms"]:
        # the firm's pending commissions are what accrued less what was paid
        month_lines = Transaction.objects.filter(firm=firm)
        accrued = selectors.total(
            Leg.objects.filter(
                transaction__in=month_lines.exclude(kind=Transaction.Kind.COMMISSION_PAID),
                account__kind=K.COMMISSIONS,
            )
        )
        paid = selectors.total(
            Leg.objects.filter(
                transaction__in=month_lines.filter(kind=Transaction.Kind.COMMISSION_PAID),
                account__kind=K.COMMISSIONS,
            )
        )
        assert -selectors.balance(services.account(K.COMMISSIONS, firm=firm)) == -(accrued + paid)
        # each month's commission statement: its lines (accruals, clawbacks, payments) add up
        months = {d.replace(day=1) for d in month_lines.values_list("date", flat=True)}
        for month in months:
            lines = selectors.commission_statement(firm.pk, month)
            totals = selectors.commission_totals(firm.pk, month)
            accruing = [line for line in lines if line.kind != Transaction.Kind.COMMISSION_PAID]
            assert sum((line.commission for line in accruing), ZERO) == totals["accrued"]
            assert sum((line.premium for line in accruing), ZERO) == totals["premiums"]


def _check_day_totals():
    # each day total is the sum and count of its legs, and no leg is left out of them
    legs = {
        (
            row["account_id"],
            row["transaction__insurer_id"],
            row["transaction__date"],
            row["transaction__kind"],
            row["transaction__remittance_id"],
        ): (cents(row["s"]), row["n"])
        for row in Leg.objects.values(
            "account_id",
            "transaction__insurer_id",
            "transaction__date",
            "transaction__kind",
            "transaction__remittance_id",
        )
        .annotate(s=Sum("amount"), n=Count("pk"))
        .order_by()
    }
    totals = {
        (row.account_id, row.insurer_id, row.date, row.kind, row.remittance_id): (
            cents(row.amount),
            row.legs,
        )
        for row in DayTotal.objects.all()
        if row.legs or row.amount
    }
    assert totals == legs


@pytest.fixture
def world(operator):
    firms = [FirmFactory(), FirmFactory()]
    for firm in firms:
        services.set_payee_iban(actor=operator, firm=firm, iban=IBAN)
    return {
        "actor": operator,
        "insurers": [
            Insurer.objects.create(name="Alfa Assicurazioni", ivass_code="A001"),
            Insurer.objects.create(name="Beta Insurance", ivass_code="B002"),
        ],
        "firms": firms,
    }


@settings(
    max_examples=30,
    deadline=None,
    suppress_health_check=[HealthCheck.function_scoped_fixture, HealthCheck.too_slow],
)
@given(sequence=st.lists(events, min_size=1, max_size=14))
def test_every_sequence_of_events_keeps_the_ledger_balanced_and_tied_out(world, sequence):
    with transaction.atomic():
        collections: list = []
        world["collected"] = []
        for event in sequence:
            _apply(event, world, collections)
        _check_ties_out(world)
        _check_day_totals()
        transaction.set_rollback(True)
