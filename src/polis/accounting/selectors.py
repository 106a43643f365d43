"""Reads of the money's ledger: balances, statements and figures are sums of legs."""

from __future__ import annotations

from datetime import date, timedelta
from decimal import Decimal
from typing import TYPE_CHECKING, Any

from django.db.models import DecimalField, ExpressionWrapper, Q, QuerySet, Sum, Value
from django.db.models.functions import Coalesce
from django.shortcuts import get_object_or_404

from polis.accounting.models import Account, Leg, Payout, PayoutBatch, Remittance, Transaction
from polis.accounting.money import ZERO, cents
from polis.core.access import MGA_STAFF, can
from polis.core.errors import PermissionDenied

if TYPE_CHECKING:
    from polis.accounts.models import Firm, User

K = Account.Kind
T = Transaction.Kind
# What an insurer's estratto conto lists: what it is owed for, and what it is charged.
STATEMENT_KINDS = (T.PREMIUM, T.REFUND, T.CLAIM)
# Collected and not yet remitted, by age in days (the deposit rule is 10 days, Reg. 40 art. 63).
AGE_BUCKETS = ((0, 10), (11, 30), (31, 60), (61, None))
LEG_AMOUNT = DecimalField(max_digits=14, decimal_places=2)


def _legs(kind: str, sign: int = 1) -> ExpressionWrapper:
    """The sum of a transaction's legs on accounts of `kind` (negated for credits read as
    positive figures)."""
    total = Coalesce(
        Sum("legs__amount", filter=Q(legs__account__kind=kind)),
        Value(ZERO),
        output_field=LEG_AMOUNT,
    )
    return ExpressionWrapper(total * Value(Decimal(sign)), output_field=LEG_AMOUNT)


def total(legs: QuerySet[Leg]) -> Decimal:
    """The sum of the legs, to the cent (SQLite adds decimals as floats)."""
    return cents(legs.aggregate(s=Sum("amount"))["s"] or ZERO)


def balance(account: Account) -> Decimal:
    """An account's balance: the sum of its legs (debit positive)."""
    return total(account.legs.all())


def balances(kind: str) -> list[dict[str, Any]]:
    """The accounts of a kind with their balances: {account_id, insurer_id, insurer, firm_id,
    balance}."""
    rows = (
        Leg.objects.filter(account__kind=kind)
        .values("account_id", "account__insurer_id", "account__insurer__name", "account__firm_id")
        .annotate(s=Sum("amount"))
        .order_by("account_id")
    )
    return [
        {
            "account_id": row["account_id"],
            "insurer_id": row["account__insurer_id"],
            "insurer": row["account__insurer__name"],
            "firm_id": row["account__firm_id"],
            "balance": cents(row["s"]),
        }
        for row in rows
    ]


def statement_lines(transactions: QuerySet[Transaction]) -> QuerySet[Transaction]:
    """Each transaction with its estratto conto columns: premium collected (refunds negative),
    commission retained, and what it owes the insurer (a claim paid on its behalf negative)."""
    return transactions.annotate(
        premium=_legs(K.SEPARATE),
        commission=_legs(K.COMMISSIONS, -1),
        to_insurer=_legs(K.INSURER, -1),
    ).order_by("date", "posted_at")


def statement_totals(transactions: QuerySet[Transaction]) -> dict[str, Decimal]:
    """The estratto conto's totals, in one pass over the legs: premiums collected (net of
    refunds), commissions retained, claims paid on the insurer's behalf, and the net due."""

    def on(kind: str, *kinds: str) -> Sum:
        return Sum("amount", filter=Q(account__kind=kind, transaction__kind__in=kinds))

    sums = Leg.objects.filter(transaction__in=transactions).aggregate(
        premiums=on(K.SEPARATE, T.PREMIUM, T.REFUND),
        commission=on(K.COMMISSIONS, T.PREMIUM, T.REFUND),
        claims=on(K.INSURER, T.CLAIM),
        owed=on(K.INSURER, *STATEMENT_KINDS),
    )
    figures = {name: cents(value or ZERO) for name, value in sums.items()}
    return {
        "premiums": figures["premiums"],
        "commission": -figures["commission"],
        "claims": figures["claims"],
        "net": -figures["owed"],
    }


def unremitted_by_age(today: date) -> list[dict]:
    """Reconciliation: per insurer, what it is owed and not yet remitted (nor put in a
    remittance), by the age of the collection. One pass over the open legs."""
    buckets: dict[str, Sum] = {}
    for index, (low, high) in enumerate(AGE_BUCKETS):
        window = Q(transaction__date__lte=today - timedelta(days=low))
        if high is not None:
            window &= Q(transaction__date__gte=today - timedelta(days=high))
        buckets[f"b{index}"] = Sum("amount", filter=window)
    rows = (
        Leg.objects.filter(
            account__kind=K.INSURER,
            transaction__kind__in=STATEMENT_KINDS,
            transaction__remittance__isnull=True,
        )
        .values("account__insurer_id", "account__insurer__name")
        .annotate(**buckets)
        .order_by("account__insurer__name")
    )
    found: list[dict[str, Any]] = []
    for row in rows:
        sums: dict[str, Any] = dict(row)
        amounts = [-cents(sums[f"b{index}"] or ZERO) for index in range(len(AGE_BUCKETS))]
        if not any(amounts):
            continue
        found.append(
            {
                "insurer_id": sums["account__insurer_id"],
                "insurer": sums["account__insurer__name"],
                "buckets": amounts,
                "total": sum(amounts, ZERO),
            }
        )
    return found


def remittances() -> QuerySet[Remittance]:
    return Remittance.objects.select_related("insurer").order_by("-period_end", "-pk")


def overdue_remittances(today: date) -> QuerySet[Remittance]:
    return remittances().filter(status=Remittance.Status.TO_PAY, due_on__lt=today)


# --- Commissions ----------------------------------------------------------------------------


def commission_firm_for(user: User, firm_id: int | None) -> int:
    """The firm whose commissions `user` may read: his own, or any for the MGA's staff."""
    if not can(user, "view_commissions"):
        raise PermissionDenied("commissions")
    if user.role in MGA_STAFF:
        if firm_id is None:
            raise PermissionDenied("commissions")
        return firm_id
    return user.firm_id


def commission_statement(firm_id: int, month: date) -> QuerySet[Transaction]:
    """The firm's commissions of a month: accrued on premiums collected, charged back on
    refunds, and what was paid to it."""
    end = (month.replace(day=28) + timedelta(days=4)).replace(day=1)
    return (
        Transaction.objects.filter(
            firm_id=firm_id,
            kind__in=(T.PREMIUM, T.REFUND, T.COMMISSION_PAID),
            date__gte=month,
            date__lt=end,
        )
        .annotate(premium=_legs(K.SEPARATE), commission=_legs(K.COMMISSIONS, -1))
        .order_by("date", "posted_at")
    )


def commission_totals(firm_id: int, month: date) -> dict[str, Decimal]:
    """The statement's totals: premiums collected, commissions accrued (net of clawbacks) and
    paid in the month, and what the firm is owed now."""
    end = (month.replace(day=28) + timedelta(days=4)).replace(day=1)
    legs = Leg.objects.filter(
        transaction__firm_id=firm_id, transaction__date__gte=month, transaction__date__lt=end
    )
    accrued = legs.filter(transaction__kind__in=(T.PREMIUM, T.REFUND))
    owed = Leg.objects.filter(account__kind=K.COMMISSIONS, account__firm_id=firm_id)
    return {
        "premiums": total(accrued.filter(account__kind=K.SEPARATE)),
        "accrued": -total(accrued.filter(account__kind=K.COMMISSIONS)),
        "paid": total(
            legs.filter(transaction__kind=T.COMMISSION_PAID, account__kind=K.COMMISSIONS)
        ),
        "pending": -total(owed),
    }


# --- Ledger entries, payouts ----------------------------------------------------------------


def entries(
    *,
    account_id: int | None = None,
    kind: str | None = None,
    start: date | None = None,
    end: date | None = None,
    insurer_id: int | None = None,
    firm_id: int | None = None,
    remittance_id: int | None = None,
) -> QuerySet[Transaction]:
    """The ledger's transactions, newest first, filtered as a figure's link asks."""
    found = Transaction.objects.all()
    if account_id is not None:
        found = found.filter(legs__account_id=account_id)
    if kind:
        found = found.filter(kind=kind)
    if start:
        found = found.filter(date__gte=start)
    if end:
        found = found.filter(date__lte=end)
    if insurer_id is not None:
        found = found.filter(insurer_id=insurer_id)
    if firm_id is not None:
        found = found.filter(firm_id=firm_id)
    if remittance_id is not None:
        found = found.filter(remittance_id=remittance_id)
    return found.prefetch_related("legs__account__insurer", "legs__account__firm").order_by(
        "-date", "-posted_at"
    )


def payouts(kind: str | None = None, status: str | None = None) -> QuerySet[Payout]:
    found = Payout.objects.select_related("batch").order_by("-pk")
    if kind:
        found = found.filter(kind=kind)
    if status:
        found = found.filter(status=status)
    return found


def payout_for(subject_kind: str, subject_id: int) -> Payout | None:
    """The latest payout made for a business object (e.g. a variazione's refund), if any."""
    return (
        Payout.objects.filter(subject_kind=subject_kind, subject_id=subject_id)
        .select_related("batch")
        .order_by("-pk")
        .first()
    )


def account_or_none(pk: int | None) -> Account | None:
    """The account a list of entries is filtered by, if any."""
    return Account.objects.filter(pk=pk).first() if pk else None


def get_batch(pk: int) -> PayoutBatch:
    return get_object_or_404(PayoutBatch, pk=pk)


def batches() -> QuerySet[PayoutBatch]:
    return PayoutBatch.objects.order_by("-pk")


def firm_commission_account(firm: Firm) -> Account | None:
    return Account.objects.filter(kind=K.COMMISSIONS, firm=firm).first()


# --- Dashboards -----------------------------------------------------------------------------


def operator_figures(today: date) -> dict:
    """The MGA's money this month: premiums collected per insurer (net of refunds), what each
    insurer is owed now, remittances past due, and indemnities settled. Each figure comes
    with the filter of the ledger entries it sums."""
    month = today.replace(day=1)
    collected = (
        Leg.objects.filter(
            account__kind=K.SEPARATE,
            transaction__kind__in=(T.PREMIUM, T.REFUND),
            transaction__date__gte=month,
            transaction__date__lte=today,
        )
        .values("transaction__insurer_id", "transaction__insurer__name")
        .annotate(s=Sum("amount"))
        .order_by("transaction__insurer__name")
    )
    per_insurer: list[dict[str, Any]] = [
        {
            "insurer_id": row["transaction__insurer_id"],
            "insurer": row["transaction__insurer__name"],
            "amount": cents(row["s"]),
        }
        for row in collected
    ]
    owed = [{**row, "amount": -row["balance"]} for row in balances(K.INSURER) if row["balance"]]
    claims = Leg.objects.filter(
        account__kind=K.CLAIMS_PAYABLE,
        transaction__kind=T.CLAIM,
        transaction__date__gte=month,
        transaction__date__lte=today,
    )
    overdue = [
        {"remittance": r, "net": statement_totals(r.transactions.all())["net"]}
        for r in overdue_remittances(today)[:20]
    ]
    return {
        "month": month,
        "today": today,
        "collected": per_insurer,
        "collected_total": sum((row["amount"] for row in per_insurer), ZERO),
        "collected_chart": {
            "labels": [row["insurer"] for row in per_insurer],
            "values": [float(row["amount"]) for row in per_insurer],
        },
        "owed": owed,
        "owed_total": sum((row["amount"] for row in owed), ZERO),
        "overdue": overdue,
        "claims_paid": -total(claims),
        "claims_count": claims.count(),
        "ages": unremitted_by_age(today),
    }
