"""Reads of the money's ledger: balances, statements and figures are sums of legs, the wide
ones (balances, reconciliation, the month's figures) read from the legs' `DayTotal`s."""

from __future__ import annotations

from datetime import date, timedelta
from decimal import Decimal
from typing import TYPE_CHECKING, Any

from django.db.models import (
    DecimalField,
    ExpressionWrapper,
    OuterRef,
    Q,
    QuerySet,
    Subquery,
    Sum,
    Value,
)
from django.db.models.functions import Coalesce
from django.shortcuts import get_object_or_404

from polis.accounting.models import (
    Account,
    DayTotal,
    Leg,
    Payout,
    PayoutBatch,
    Remittance,
    Transaction,
)
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


# What the insurer is owed, taxes apart; and the MGA's whole commission, the firms' included.
OWED = (K.INSURER, K.PREMIUM_TAX)
MGA_COMMISSIONS = (K.MGA_COMMISSION, K.COMMISSIONS)
PREMIUMS = (T.PREMIUM, T.REFUND)


def _legs(kinds: tuple[str, ...], sign: int = 1) -> ExpressionWrapper:
    """The sum of a transaction's legs on accounts of `kinds` (negated for credits read as
    positive figures). A subquery per row, so that a page of lines sums only its own legs."""
    legs = (
        Leg.objects.filter(transaction=OuterRef("pk"), account__kind__in=kinds)
        .values("transaction")
        .annotate(s=Sum("amount"))
        .values("s")
    )
    total = Coalesce(Subquery(legs, output_field=LEG_AMOUNT), Value(ZERO), output_field=LEG_AMOUNT)
    return ExpressionWrapper(total * Value(Decimal(sign)), output_field=LEG_AMOUNT)


def total(legs: QuerySet[Leg] | QuerySet[DayTotal]) -> Decimal:
    """The sum of the legs (or of day totals), to the cent (SQLite adds decimals as floats)."""
    return cents(legs.aggregate(s=Sum("amount"))["s"] or ZERO)


def balance(account: Account) -> Decimal:
    """An account's balance: the sum of its legs (debit positive)."""
    return total(DayTotal.objects.filter(account=account))


def balances(kind: str) -> list[dict[str, Any]]:
    """The accounts of a kind with their balances: {account_id, insurer_id, insurer, firm_id,
    balance}."""
    rows = (
        DayTotal.objects.filter(account__kind=kind)
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


def owed_to_insurers() -> list[dict[str, Any]]:
    """What each insurer is owed now (its premiums' taxes included): {insurer_id, insurer,
    amount}, insurers owed nothing left out."""
    rows = (
        DayTotal.objects.filter(account__kind__in=OWED)
        .values("account__insurer_id", "account__insurer__name")
        .annotate(s=Sum("amount"))
        .order_by("account__insurer__name")
    )
    owed = [
        {
            "insurer_id": row["account__insurer_id"],
            "insurer": row["account__insurer__name"],
            "amount": -cents(row["s"]),
        }
        for row in rows
    ]
    return [row for row in owed if row["amount"]]


def statement_lines(transactions: QuerySet[Transaction]) -> QuerySet[Transaction]:
    """Each transaction with its estratto conto columns: gross premium collected (refunds
    negative), the premium tax in it, the MGA's commission retained, and what it owes the
    insurer (a claim paid on its behalf negative)."""
    return transactions.annotate(
        premium=_legs((K.SEPARATE,)),
        tax=_legs((K.PREMIUM_TAX,), -1),
        commission=_legs(MGA_COMMISSIONS, -1),
        to_insurer=_legs(OWED, -1),
    ).order_by("date", "posted_at")


def _totals(sums: dict[str, Decimal | None]) -> dict[str, Decimal]:
    figures = {name: cents(value or ZERO) for name, value in sums.items()}
    return {
        "premiums": figures["premiums"],
        "taxes": -figures["taxes"],
        "commission": -figures["commission"],
        "claims": figures["claims"],
        "net": -figures["owed"],
    }


def _statement_sums(amount: str = "legs__amount", account: str = "legs__account") -> dict[str, Sum]:
    """The estratto conto's sums: over transactions joined to their legs (PostgreSQL then reads
    only their legs, by the legs' transaction index), or over day totals (`amount`, `account`)."""

    def on(kinds: tuple[str, ...], *transactions: str) -> Sum:
        return Sum(amount, filter=Q(**{f"{account}__kind__in": kinds}, kind__in=transactions))

    return {
        "premiums": on((K.SEPARATE,), *PREMIUMS),
        "taxes": on((K.PREMIUM_TAX,), *PREMIUMS),
        "commission": on(MGA_COMMISSIONS, *PREMIUMS),
        "claims": on((K.INSURER,), T.CLAIM),
        "owed": on(OWED, *STATEMENT_KINDS),
    }


def statement_totals(transactions: QuerySet[Transaction]) -> dict[str, Decimal]:
    """The estratto conto's totals, in one pass over the legs: gross premiums collected (net of
    refunds), the premium taxes in them, the MGA's commission retained (its collaborators'
    included), claims paid on the insurer's behalf, and the net due (taxes included)."""
    return _totals(transactions.order_by().aggregate(**_statement_sums()))


def remittance_totals(remittances: list[Remittance]) -> dict[int, dict[str, Decimal]]:
    """`statement_totals` of each remittance's transactions, in one query over their day
    totals (a remittance's are final once it is prepared): {remittance id: totals}."""
    sums = _statement_sums(amount="amount", account="account")
    rows = (
        DayTotal.objects.filter(remittance__in=remittances)
        .values("remittance_id")
        .annotate(**sums)
        .order_by()
    )
    found: dict[int, dict[str, Decimal]] = {}
    for row in rows:
        figures: dict[str, Any] = dict(row)
        found[figures.pop("remittance_id")] = _totals(figures)
    empty = _totals(dict.fromkeys(sums))
    return {remittance.pk: found.get(remittance.pk, empty) for remittance in remittances}


def unremitted_by_age(today: date) -> list[dict]:
    """Reconciliation: per insurer, what it is owed and not yet remitted (nor put in a
    remittance), by the age of the collection. One pass over the open day totals."""
    buckets: dict[str, Sum] = {}
    for index, (low, high) in enumerate(AGE_BUCKETS):
        window = Q(date__lte=today - timedelta(days=low))
        if high is not None:
            window &= Q(date__gte=today - timedelta(days=high))
        buckets[f"b{index}"] = Sum("amount", filter=window)
    rows = (
        DayTotal.objects.filter(
            account__kind__in=OWED, kind__in=STATEMENT_KINDS, remittance__isnull=True
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
        .annotate(premium=_legs((K.SEPARATE,)), commission=_legs((K.COMMISSIONS,), -1))
        .order_by("date", "posted_at")
    )


def commission_totals(firm_id: int, month: date) -> dict[str, Decimal]:
    """The statement's totals: premiums collected, commissions accrued (net of clawbacks) and
    paid in the month, and what the firm is owed now."""
    end = (month.replace(day=28) + timedelta(days=4)).replace(day=1)
    sums = Transaction.objects.filter(firm_id=firm_id, date__gte=month, date__lt=end).aggregate(
        premiums=Sum("legs__amount", filter=Q(kind__in=PREMIUMS, legs__account__kind=K.SEPARATE)),
        accrued=Sum("legs__amount", filter=Q(kind__in=PREMIUMS, legs__account__kind=K.COMMISSIONS)),
        paid=Sum(
            "legs__amount",
            filter=Q(kind=T.COMMISSION_PAID, legs__account__kind=K.COMMISSIONS),
        ),
    )
    owed = DayTotal.objects.filter(account__kind=K.COMMISSIONS, account__firm_id=firm_id)
    return {
        "premiums": cents(sums["premiums"] or ZERO),
        "accrued": -cents(sums["accrued"] or ZERO),
        "paid": cents(sums["paid"] or ZERO),
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
    """The MGA's money this month: premiums collected per insurer (net of refunds), the MGA's
    commission earned on them (and the collaborators' share of it), what each insurer is owed
    now, remittances past due, and indemnities settled. Read from the day totals in a constant
    number of queries; each figure comes with the filter of the ledger entries it sums."""
    month = today.replace(day=1)
    this_month = DayTotal.objects.filter(date__gte=month, date__lte=today)
    collected = (
        this_month.filter(account__kind=K.SEPARATE, kind__in=PREMIUMS)
        .values("insurer_id", "insurer__name")
        .annotate(s=Sum("amount"))
        .order_by("insurer__name")
    )
    per_insurer: list[dict[str, Any]] = [
        {
            "insurer_id": row["insurer_id"],
            "insurer": row["insurer__name"],
            "amount": cents(row["s"]),
        }
        for row in collected
    ]
    sums = this_month.aggregate(
        commission=Sum("amount", filter=Q(account__kind__in=MGA_COMMISSIONS, kind__in=PREMIUMS)),
        collaborators=Sum("amount", filter=Q(account__kind=K.COMMISSIONS, kind__in=PREMIUMS)),
        claims=Sum("amount", filter=Q(account__kind=K.CLAIMS_PAYABLE, kind=T.CLAIM)),
        claims_count=Sum("legs", filter=Q(account__kind=K.CLAIMS_PAYABLE, kind=T.CLAIM)),
    )
    commission = -cents(sums["commission"] or ZERO)
    collaborators = -cents(sums["collaborators"] or ZERO)
    overdue_list = list(overdue_remittances(today)[:20])
    nets = remittance_totals(overdue_list)
    overdue = [{"remittance": r, "net": nets[r.pk]["net"]} for r in overdue_list]
    owed = owed_to_insurers()
    return {
        "month": month,
        "today": today,
        "collected": per_insurer,
        "collected_total": sum((row["amount"] for row in per_insurer), ZERO),
        "collected_chart": {
            "labels": [row["insurer"] for row in per_insurer],
            "values": [float(row["amount"]) for row in per_insurer],
        },
        "mga_commission": commission,
        "mga_commission_collaborators": collaborators,
        "mga_commission_kept": commission - collaborators,
        "mga_account": Account.objects.filter(kind=K.MGA_COMMISSION).first(),
        "owed": owed,
        "owed_total": sum((row["amount"] for row in owed), ZERO),
        "overdue": overdue,
        "claims_paid": -cents(sums["claims"] or ZERO),
        "claims_count": sums["claims_count"] or 0,
        "ages": unremitted_by_age(today),
    }
