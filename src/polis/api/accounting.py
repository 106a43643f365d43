"""The API of the money (Contabilità): balances, ledger entries, remittances with their
estratto conto, a firm's commissions, SEPA batches. The same services and rules as the pages:
the MGA's staff keep the books; a collaborator reads his own firm's commissions."""

from datetime import date
from decimal import Decimal
from typing import Literal

from django.shortcuts import get_object_or_404
from django.utils import timezone
from ninja import Field, Router, Schema, Status
from ninja.errors import HttpError

from polis.accounting import selectors, services
from polis.accounting.actions import BATCH_ACTIONS, REMITTANCE_ACTIONS
from polis.accounting.models import Account, Payout, PayoutBatch, Remittance, Transaction
from polis.api.auth import caller_with
from polis.api.schemas import ERRORS, page
from polis.catalog.models import Insurer
from polis.core.errors import PermissionDenied

router = Router()

TRANSACTION_KINDS = Literal[tuple(Transaction.Kind.values)]
PAYOUT_KINDS = Literal[tuple(Payout.Kind.values)]


class LegOut(Schema):
    account_id: int
    account: str
    amount: Decimal = Field(description="In dare positivo, in avere negativo.")


class EntryOut(Schema):
    id: str
    kind: str
    date: date
    reference: str
    practice_id: int | None
    insurer_id: int | None
    firm_id: int | None
    remittance_id: int | None
    legs: list[LegOut]


class BalanceOut(Schema):
    account_id: int
    kind: str
    insurer_id: int | None
    firm_id: int | None
    balance: Decimal


class TotalsOut(Schema):
    premiums: Decimal = Field(description="Premi lordi incassati, imposte comprese.")
    taxes: Decimal = Field(description="Imposte sui premi comprese nei premi incassati.")
    commission: Decimal = Field(
        description="Provvigioni dell'MGA, comprese quelle dei collaboratori."
    )
    claims: Decimal
    net: Decimal = Field(description="Premi − provvigioni − sinistri pagati per la compagnia.")


class StatementLineOut(Schema):
    entry_id: str
    date: date
    kind: str
    reference: str
    practice_id: int | None
    premium: Decimal
    tax: Decimal
    commission: Decimal
    to_insurer: Decimal


class RemittanceOut(Schema):
    id: int
    insurer_id: int
    period_start: date
    period_end: date
    due_on: date
    status: str
    paid_on: date | None
    bank_reference: str


class RemittanceDetailOut(RemittanceOut):
    totals: TotalsOut
    lines: list[StatementLineOut]
    allowed_actions: list[str]


class PrepareIn(Schema):
    insurer_id: int
    period_end: date


class ConfirmIn(Schema):
    paid_on: date
    bank_reference: str = Field(max_length=35)


class CommissionsOut(Schema):
    firm_id: int
    month: date
    premiums: Decimal
    accrued: Decimal
    paid: Decimal
    pending: Decimal
    lines: list[StatementLineOut]


class BatchIn(Schema):
    kind: PAYOUT_KINDS
    execution_date: date


class BatchOut(Schema):
    id: int
    kind: str
    status: str
    message_id: str
    execution_date: date
    payouts: int
    allowed_actions: list[str]


def _entry(t: Transaction) -> EntryOut:
    return EntryOut(
        id=str(t.pk),
        kind=t.kind,
        date=t.date,
        reference=t.reference,
        practice_id=t.practice_id,
        insurer_id=t.insurer_id,
        firm_id=t.firm_id,
        remittance_id=t.remittance_id,
        legs=[
            LegOut(account_id=leg.account_id, account=str(leg.account), amount=leg.amount)
            for leg in t.legs.all()
        ],
    )


def _line(t) -> StatementLineOut:
    return StatementLineOut(
        entry_id=str(t.pk),
        date=t.date,
        kind=t.kind,
        reference=t.reference,
        practice_id=t.practice_id,
        premium=t.premium,
        tax=getattr(t, "tax", Decimal(0)),
        commission=t.commission,
        to_insurer=getattr(t, "to_insurer", Decimal(0)),
    )


def _remittance(r: Remittance) -> RemittanceOut:
    return RemittanceOut(
        id=r.pk,
        insurer_id=r.insurer_id,
        period_start=r.period_start,
        period_end=r.period_end,
        due_on=r.due_on,
        status=r.status,
        paid_on=r.paid_on,
        bank_reference=r.bank_reference,
    )


def _remittance_detail(r: Remittance, user) -> RemittanceDetailOut:
    lines = selectors.statement_lines(r.transactions.filter(kind__in=selectors.STATEMENT_KINDS))
    return RemittanceDetailOut(
        **_remittance(r).dict(),
        totals=TotalsOut(**selectors.remittance_totals([r])[r.pk]),
        lines=[_line(t) for t in lines],
        allowed_actions=sorted(REMITTANCE_ACTIONS.allowed(r, user)),
    )


def _batch(b: PayoutBatch, user) -> BatchOut:
    return BatchOut(
        id=b.pk,
        kind=b.kind,
        status=b.status,
        message_id=b.message_id,
        execution_date=b.execution_date,
        payouts=b.payouts.count(),
        allowed_actions=sorted(BATCH_ACTIONS.allowed(b, user)),
    )


@router.get(
    "/accounting/balances",
    response={200: list[BalanceOut], **ERRORS},
    summary="Saldi dei conti (somma delle scritture)",
)
def list_balances(request, kind: Literal[tuple(Account.Kind.values)]):  # type: ignore[valid-type]
    caller_with(request, "manage_accounting")
    return [
        BalanceOut(
            account_id=row["account_id"],
            kind=kind,
            insurer_id=row["insurer_id"],
            firm_id=row["firm_id"],
            balance=row["balance"],
        )
        for row in selectors.balances(kind)
    ]


@router.get(
    "/accounting/entries",
    response={200: list[EntryOut], **ERRORS},
    summary="Movimenti del libro contabile, i più recenti prima",
)
def list_entries(
    request,
    account_id: int | None = None,
    kind: TRANSACTION_KINDS | None = None,  # type: ignore[valid-type]
    start: date | None = None,
    end: date | None = None,
    insurer_id: int | None = None,
    limit: int = 50,
    offset: int = 0,
):
    caller_with(request, "manage_accounting")
    found = selectors.entries(
        account_id=account_id, kind=kind, start=start, end=end, insurer_id=insurer_id
    )
    return [_entry(t) for t in page(found, limit, offset)]


@router.get(
    "/accounting/remittances",
    response={200: list[RemittanceOut], **ERRORS},
    summary="Rimesse alle compagnie",
)
def list_remittances(request, limit: int = 50, offset: int = 0):
    caller_with(request, "manage_accounting")
    return [_remittance(r) for r in page(selectors.remittances(), limit, offset)]


@router.get(
    "/accounting/remittances/{remittance_id}",
    response={200: RemittanceDetailOut, **ERRORS},
    summary="Una rimessa con il suo estratto conto",
)
def get_remittance(request, remittance_id: int):
    user = caller_with(request, "manage_accounting")
    return _remittance_detail(get_object_or_404(selectors.remittances(), pk=remittance_id), user)


@router.post(
    "/accounting/remittances",
    response={201: RemittanceDetailOut, **ERRORS},
    summary="Prepara la rimessa di quanto incassato fino a una data e non ancora rimesso",
)
def prepare_remittance(request, payload: PrepareIn):
    user = caller_with(request, "manage_accounting")
    remittance = services.prepare_remittance(
        actor=user,
        insurer=get_object_or_404(Insurer, pk=payload.insurer_id),
        period_end=payload.period_end,
    )
    return Status(201, _remittance_detail(remittance, user))


@router.post(
    "/accounting/remittances/{remittance_id}/confirm",
    response={200: RemittanceDetailOut, **ERRORS},
    summary="Conferma il pagamento della rimessa",
)
def confirm_remittance(request, remittance_id: int, payload: ConfirmIn):
    user = caller_with(request, "manage_accounting")
    remittance = services.confirm_remittance(
        actor=user,
        remittance=get_object_or_404(selectors.remittances(), pk=remittance_id),
        paid_on=payload.paid_on,
        bank_reference=payload.bank_reference,
    )
    return _remittance_detail(remittance, user)


@router.get(
    "/accounting/commissions",
    response={200: CommissionsOut, **ERRORS},
    summary="Estratto provvigioni del mese (l'agenzia propria; lo staff sceglie firm_id)",
)
def get_commissions(request, month: date | None = None, firm_id: int | None = None):
    caller_with(request, "view_commissions")
    try:
        firm = selectors.commission_firm_for(request.auth, firm_id)
    except PermissionDenied:
        raise HttpError(400, "Indica firm_id.") from None
    month = (month or timezone.localdate()).replace(day=1)
    totals = selectors.commission_totals(firm, month)
    lines = selectors.commission_statement(firm, month)
    return CommissionsOut(firm_id=firm, month=month, **totals, lines=[_line(t) for t in lines])


@router.post(
    "/accounting/payout-batches",
    response={201: BatchOut, **ERRORS},
    summary="Distinta SEPA (pain.001.001.09) dei pagamenti da fare di un tipo",
)
def export_payout_batch(request, payload: BatchIn):
    user = caller_with(request, "manage_accounting")
    batch = services.export_payout_batch(
        actor=user, kind=payload.kind, execution_date=payload.execution_date
    )
    return Status(201, _batch(batch, user))


@router.post(
    "/accounting/payout-batches/{batch_id}/confirm",
    response={200: BatchOut, **ERRORS},
    summary="Conferma l'invio della distinta alla banca: i pagamenti sono eseguiti",
)
def confirm_payout_batch(request, batch_id: int):
    user = caller_with(request, "manage_accounting")
    batch = services.confirm_payout_batch(actor=user, batch=selectors.get_batch(batch_id))
    return _batch(batch, user)
