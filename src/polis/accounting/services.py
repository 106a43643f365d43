"""The money's postings: every movement is one balanced transaction, posted in the caller's
database transaction together with the business change that causes it.

The business services call the `post_*` functions (practices: a verified payment, a
variazione's refund; claims: a recorded indemnity). The operator's own changes (remittances,
SEPA batches, a firm's IBAN) are here too.
"""

from __future__ import annotations

import uuid
from collections.abc import Iterable
from dataclasses import dataclass
from datetime import date, timedelta
from decimal import Decimal
from typing import TYPE_CHECKING

from django.conf import settings
from django.db import transaction
from django.db.models import Sum
from django.utils import timezone
from django.utils.translation import gettext as _
from sepaxml import SepaTransfer
from stdnum import iban as stdnum_iban
from stdnum.exceptions import ValidationError as StdnumError

from polis.accounting.audit import AccountingAudit
from polis.accounting.models import Account, Leg, Payout, PayoutBatch, Remittance, Transaction
from polis.accounting.money import ZERO, cents, withholding
from polis.accounting.selectors import STATEMENT_KINDS, remittance_totals, total
from polis.audit.services import record_audit
from polis.core.access import require
from polis.core.errors import DomainError, InvalidTransition
from polis.lifecycle import lock, transition

if TYPE_CHECKING:
    from polis.accounts.models import Firm, User
    from polis.catalog.models import Insurer

K = Account.Kind
T = Transaction.Kind


@dataclass(frozen=True)
class Subject:
    """What a transaction is about: a business object by kind, key and number (no foreign
    key up to practices or claims), and the practice behind it if any."""

    kind: str
    id: int
    reference: str
    practice_id: int | None = None


def account(kind: str, *, insurer: Insurer | None = None, firm: Firm | None = None) -> Account:
    """The account of that kind (for that insurer or firm), opened on first use."""
    found, _created = Account.objects.get_or_create(
        kind=kind,
        insurer_id=insurer.pk if insurer else None,
        firm_id=firm.pk if firm else None,
    )
    return found


def post(
    *,
    kind: str,
    on: date,
    subject: Subject,
    legs: Iterable[tuple[Account, Decimal]],
    actor: User | None = None,
    insurer: Insurer | None = None,
    firm: Firm | None = None,
    remittance: Remittance | None = None,
) -> Transaction:
    """Post one transaction: its legs (debit positive, credit negative, rounded to the cent,
    zero legs left out) must sum to zero. The legs are inserted before the transaction row,
    which the database checks against them (see `models`)."""
    rounded = [(acc, cents(amount)) for acc, amount in legs]
    rounded = [(acc, amount) for acc, amount in rounded if amount]
    if len(rounded) < 2 or sum(amount for _acc, amount in rounded) != ZERO:
        raise DomainError(_("Le scritture del movimento non quadrano."), code="unbalanced")
    key = uuid.uuid4()
    with transaction.atomic():
        Leg.objects.bulk_create(
            [Leg(transaction_id=key, account=acc, amount=amount) for acc, amount in rounded]
        )
        return Transaction.objects.create(
            id=key,
            kind=kind,
            date=on,
            subject_kind=subject.kind,
            subject_id=subject.id,
            reference=subject.reference[:100],
            practice_id=subject.practice_id,
            insurer=insurer,
            firm=firm,
            remittance=remittance,
            posted_by=actor,
        )


# --- Premiums -------------------------------------------------------------------------------


def _premium_legs(
    *,
    insurer: Insurer,
    firm: Firm,
    gross: Decimal,
    tax: Decimal,
    commission: Decimal,
    mga_commission: Decimal | None,
) -> list[tuple[Account, Decimal]]:
    """A premium's split as legs (debits positive): the separate account takes it whole; the
    insurer is owed it less the MGA's commission, its taxes apart; the MGA's commission goes to
    the collaborator's firm for its share and to the MGA for the rest. Without an MGA
    commission (None) the MGA keeps nothing beyond the collaborator's."""
    mga = commission if mga_commission is None else mga_commission
    return [
        (account(K.SEPARATE), gross),
        (account(K.PREMIUM_TAX, insurer=insurer), -tax),
        (account(K.INSURER, insurer=insurer), -(gross - tax - mga)),
        (account(K.MGA_COMMISSION), -(mga - commission)),
        (account(K.COMMISSIONS, firm=firm), -commission),
    ]


def post_premium_collected(
    *,
    actor: User | None,
    subject: Subject,
    insurer: Insurer,
    firm: Firm,
    gross: Decimal,
    commission: Decimal,
    received_on: date,
    tax: Decimal = ZERO,
    mga_commission: Decimal | None = None,
) -> Transaction:
    """A premium (or instalment, or an endorsement's extra premium) has reached the separate
    account: owed to the insurer net of the MGA's commission (`mga_commission`, its binder
    commission), which accrues on collection; the firm's commission is paid out of it. `tax`:
    the premium tax in `gross`, owed to the insurer apart."""
    return post(
        kind=T.PREMIUM,
        on=received_on,
        subject=subject,
        actor=actor,
        insurer=insurer,
        firm=firm,
        legs=_premium_legs(
            insurer=insurer,
            firm=firm,
            gross=gross,
            tax=tax,
            commission=commission,
            mga_commission=mga_commission,
        ),
    )


def post_refund(
    *,
    actor: User | None,
    subject: Subject,
    insurer: Insurer,
    firm: Firm,
    gross: Decimal,
    clawback: Decimal,
    refunded_on: date,
    tax: Decimal = ZERO,
    mga_clawback: Decimal | None = None,
) -> Transaction:
    """Premium given back to the client (an endorsement lowering the premium, a cancellation):
    it leaves the separate account, the insurer is owed that much less (its `tax` too) and the
    commissions on it are charged back, the firm's (`clawback`, `money.clawback` computes it)
    and the MGA's (`mga_clawback`; None: only the firm's)."""
    if clawback > gross:
        raise DomainError(_("La provvigione stornata supera il rimborso."), code="clawback")
    legs = _premium_legs(
        insurer=insurer,
        firm=firm,
        gross=gross,
        tax=tax,
        commission=clawback,
        mga_commission=mga_clawback,
    )
    return post(
        kind=T.REFUND,
        on=refunded_on,
        subject=subject,
        actor=actor,
        insurer=insurer,
        firm=firm,
        legs=[(acc, -amount) for acc, amount in legs],
    )


# --- Claims ---------------------------------------------------------------------------------


def post_claim_payout(
    *,
    actor: User,
    subject: Subject,
    insurer: Insurer,
    payee_name: str,
    iban: str,
    amount: Decimal,
    settled_on: date,
) -> Payout:
    """An indemnity the MGA pays on the insurer's behalf (the quietanza accepted): charged to
    the insurer's account, owed to the payee until the SEPA batch carrying it is sent."""
    post(
        kind=T.CLAIM,
        on=settled_on,
        subject=subject,
        actor=actor,
        insurer=insurer,
        legs=[
            (account(K.INSURER, insurer=insurer), amount),
            (account(K.CLAIMS_PAYABLE), -amount),
        ],
    )
    payout = Payout.objects.create(
        kind=Payout.Kind.CLAIM,
        subject_kind=subject.kind,
        subject_id=subject.id,
        reference=subject.reference[:100],
        insurer=insurer,
        payee_name=payee_name,
        iban=valid_iban(iban),
        gross=amount,
    )
    record_audit(actor=actor, action=AccountingAudit.PAYOUT_CREATED, target=payout)
    return payout


# --- Remittances ----------------------------------------------------------------------------


def prepare_remittance(*, actor: User, insurer: Insurer, period_end: date) -> Remittance:
    """The rimessa of everything owed to the insurer up to `period_end` and not yet remitted:
    its estratto conto is this remittance's transactions."""
    require(actor, "manage_accounting")
    if period_end >= timezone.localdate():
        raise DomainError(
            _("Il periodo deve essere chiuso: scegli una data passata."), field="period_end"
        )
    with transaction.atomic():
        open_ = Transaction.objects.select_for_update().filter(
            insurer=insurer,
            kind__in=STATEMENT_KINDS,
            remittance__isnull=True,
            date__lte=period_end,
        )
        first = open_.order_by("date").values_list("date", flat=True).first()
        if first is None:
            raise DomainError(_("Nulla da rimettere alla compagnia fino a quella data."))
        remittance = Remittance.objects.create(
            insurer=insurer,
            period_start=first,
            period_end=period_end,
            due_on=period_end + timedelta(days=settings.REMITTANCE_DUE_DAYS),
            created_by=actor,
        )
        open_.update(remittance=remittance)
        record_audit(actor=actor, action=AccountingAudit.REMITTANCE_PREPARED, target=remittance)
        return remittance


def confirm_remittance(
    *, actor: User, remittance: Remittance, paid_on: date, bank_reference: str
) -> Remittance:
    """The operator confirms that the rimessa was paid: the net due (the premium taxes in it)
    leaves the separate account for the insurer, and the MGA's commission it retained (the
    collaborators' share included, paid from there) moves to the MGA's own account."""
    require(actor, "manage_accounting")
    bank_reference = bank_reference.strip()[:35]
    if not bank_reference:
        raise DomainError(
            _("Indica il riferimento del bonifico (CRO/TRN)."), field="bank_reference"
        )
    if paid_on > timezone.localdate():
        raise DomainError(_("La data del pagamento non può essere futura."), field="paid_on")
    with transaction.atomic():
        remittance = lock(remittance)
        if not Remittance.lifecycle.allows(remittance.status, Remittance.Status.PAID):
            raise InvalidTransition(_("La rimessa è già pagata."))
        totals = remittance_totals([remittance])[remittance.pk]
        post(
            kind=T.REMITTANCE,
            on=paid_on,
            subject=Subject("remittance", remittance.pk, str(remittance)),
            actor=actor,
            insurer=remittance.insurer,
            remittance=remittance,
            legs=[
                (account(K.INSURER, insurer=remittance.insurer), totals["net"] - totals["taxes"]),
                (account(K.PREMIUM_TAX, insurer=remittance.insurer), totals["taxes"]),
                (account(K.SEPARATE), -(totals["net"] + totals["commission"])),
                (account(K.OPERATING), totals["commission"]),
            ],
        )
        remittance.paid_on, remittance.bank_reference = paid_on, bank_reference
        transition(
            remittance,
            Remittance.Status.PAID,
            actor=actor,
            fields=("paid_on", "bank_reference"),
            data={"net": str(totals["net"])},
        )
        return remittance


# --- Commissions and SEPA payouts -----------------------------------------------------------


def valid_iban(iban: str) -> str:
    """The IBAN in its compact form, or a DomainError on the `iban` field."""
    try:
        return stdnum_iban.validate(iban)
    except StdnumError:
        raise DomainError(_("IBAN non valido: controlla i caratteri."), field="iban") from None


def set_payee_iban(*, actor: User, firm: Firm, iban: str) -> Account:
    """The IBAN the firm's commissions are paid to."""
    require(actor, "manage_accounting")
    iban = valid_iban(iban)
    with transaction.atomic():
        commissions = account(K.COMMISSIONS, firm=firm)
        commissions.iban = iban
        commissions.save(update_fields=["iban"])
        record_audit(actor=actor, action=AccountingAudit.PAYEE_IBAN_SET, target=firm)
    return commissions


def commission_due(firm: Firm) -> Decimal:
    """What the firm is owed in commissions and not yet put in a payout."""
    owed = -total(Leg.objects.filter(account__kind=K.COMMISSIONS, account__firm=firm))
    unsent = Payout.objects.filter(
        kind=Payout.Kind.COMMISSION,
        firm=firm,
        status__in=[Payout.Status.PENDING, Payout.Status.BATCHED],
    ).aggregate(s=Sum("gross"))["s"]
    return owed - (unsent or ZERO)


def create_commission_payout(*, actor: User, firm: Firm) -> Payout:
    """A payout of the commissions the firm is owed, less the withholding (art. 25-bis)."""
    require(actor, "manage_accounting")
    with transaction.atomic():
        commissions = Account.objects.select_for_update().get(
            pk=account(K.COMMISSIONS, firm=firm).pk
        )
        if not commissions.iban:
            raise DomainError(_("Manca l'IBAN del collaboratore per le provvigioni."), field="iban")
        due = commission_due(firm)
        if due <= 0:
            raise DomainError(_("Nessuna provvigione da pagare."), code="nothing_due")
        payout = Payout.objects.create(
            kind=Payout.Kind.COMMISSION,
            subject_kind="firm",
            subject_id=firm.pk,
            reference=_("Provvigioni %(firm)s") % {"firm": firm.name},
            firm=firm,
            payee_name=firm.name,
            iban=commissions.iban,
            gross=due,
            withholding=withholding(due),
        )
        record_audit(actor=actor, action=AccountingAudit.PAYOUT_CREATED, target=payout)
        return payout


def _debtor_iban(kind: str) -> str:
    if kind in (Payout.Kind.CLAIM, Payout.Kind.REFUND):
        return settings.SEPA_SEPARATE_ACCOUNT_IBAN
    return settings.SEPA_OPERATING_ACCOUNT_IBAN


def export_payout_batch(*, actor: User, kind: str, execution_date: date) -> PayoutBatch:
    """A pain.001.001.09 distinta of every payout of that kind still to pay, validated against
    the schema (sepaxml), from the account that kind leaves from."""
    require(actor, "manage_accounting")
    if execution_date < timezone.localdate():
        raise DomainError(
            _("La data di esecuzione non può essere passata."), field="execution_date"
        )
    with transaction.atomic():
        payouts = list(
            Payout.objects.select_for_update()
            .filter(kind=kind, status=Payout.Status.PENDING)
            .order_by("pk")
        )
        if not payouts:
            raise DomainError(_("Nessun pagamento da mettere in distinta."), code="nothing_due")
        sepa = SepaTransfer(
            {
                "name": settings.SEPA_DEBTOR_NAME,
                "IBAN": _debtor_iban(kind),
                "batch": True,
                "currency": "EUR",
            },
            schema="pain.001.001.09",
            clean=True,
        )
        for payout in payouts:
            sepa.add_payment(
                {
                    "name": payout.payee_name,
                    "IBAN": payout.iban,
                    "amount": int(payout.amount * 100),
                    "execution_date": execution_date,
                    "description": payout.reference[:140],
                    "endtoend_id": payout.end_to_end_id,
                }
            )
        xml = sepa.export(validate=True).decode()
        batch = PayoutBatch.objects.create(
            kind=kind,
            message_id=sepa.msg_id[:35],
            execution_date=execution_date,
            xml=xml,
            created_by=actor,
        )
        for payout in payouts:
            payout.batch = batch
            transition(payout, Payout.Status.BATCHED, actor=actor, fields=("batch",))
        record_audit(
            actor=actor,
            action=AccountingAudit.BATCH_EXPORTED,
            target=batch,
            data={"payouts": len(payouts)},
        )
        return batch


def confirm_payout_batch(*, actor: User, batch: PayoutBatch) -> PayoutBatch:
    """The operator confirms the bank took the distinta: each payout is sent and posted (an
    indemnity leaves the separate account; commissions leave the MGA's account, the
    withholding owed to the tax office; a refund leaves the separate account, see
    `post_refund_sent`)."""
    require(actor, "manage_accounting")
    with transaction.atomic():
        batch = lock(batch)
        if not PayoutBatch.lifecycle.allows(batch.status, PayoutBatch.Status.SENT):
            raise InvalidTransition(_("La distinta è già stata inviata."))
        today = timezone.localdate()
        claims_payable, separate = account(K.CLAIMS_PAYABLE), account(K.SEPARATE)
        operating, withholding = account(K.OPERATING), account(K.WITHHOLDING)
        for payout in batch.payouts.select_for_update().order_by("pk"):
            subject = Subject("payout", payout.pk, f"{payout} {payout.reference}")
            if payout.kind == Payout.Kind.CLAIM:
                post(
                    kind=T.CLAIM_PAID,
                    on=today,
                    subject=subject,
                    actor=actor,
                    legs=[
                        (claims_payable, payout.gross),
                        (separate, -payout.gross),
                    ],
                )
            elif payout.kind == Payout.Kind.REFUND:
                post_refund_sent(actor=actor, payout=payout, on=today)
            else:
                post(
                    kind=T.COMMISSION_PAID,
                    on=today,
                    subject=subject,
                    actor=actor,
                    firm=payout.firm,
                    legs=[
                        (account(K.COMMISSIONS, firm=payout.firm), payout.gross),
                        (operating, -payout.amount),
                        (withholding, -payout.withholding),
                    ],
                )
            transition(payout, Payout.Status.SENT, actor=actor)
        batch.sent_at = timezone.now()
        transition(batch, PayoutBatch.Status.SENT, actor=actor, fields=("sent_at",))
        return batch


# --- Premium refunds to clients -------------------------------------------------------------


def create_refund_payout(
    *,
    actor: User,
    subject: Subject,
    insurer: Insurer,
    firm: Firm,
    payee_name: str,
    iban: str,
    gross: Decimal,
    clawback: Decimal,
    tax: Decimal,
    mga_clawback: Decimal,
) -> Payout:
    """Premium owed back to a client (a variazione lowering it), to pay by SEPA from the separate
    account: nothing is posted until the batch carrying it is sent (`post_refund_sent`), then
    with its `tax` and the commissions charged back, the firm's and the MGA's. The caller checks
    who may ask for it and that it is owed."""
    if gross <= 0 or tax < 0 or not ZERO <= clawback <= mga_clawback <= gross - tax:
        raise DomainError(_("Importo del rimborso non valido."), code="refund_amount")
    payout = Payout.objects.create(
        kind=Payout.Kind.REFUND,
        subject_kind=subject.kind,
        subject_id=subject.id,
        reference=subject.reference[:100],
        practice_id=subject.practice_id,
        insurer=insurer,
        firm=firm,
        payee_name=payee_name[:200],
        iban=valid_iban(iban),
        gross=gross,
        clawback=clawback,
        tax=tax,
        mga_clawback=mga_clawback,
    )
    record_audit(actor=actor, action=AccountingAudit.PAYOUT_CREATED, target=payout)
    return payout


def post_refund_sent(*, actor: User, payout: Payout, on: date) -> Transaction:
    """A refund's transfer went out with its batch: the premium leaves the separate account,
    the insurer is owed that much less (premium and taxes) and the commissions on it are
    charged back, the firm's and the MGA's (`post_refund`)."""
    return post_refund(
        actor=actor,
        subject=Subject(
            payout.subject_kind, payout.subject_id, payout.reference, practice_id=payout.practice_id
        ),
        insurer=payout.insurer,
        firm=payout.firm,
        gross=payout.gross,
        clawback=payout.clawback,
        refunded_on=on,
        tax=payout.tax,
        mga_clawback=payout.mga_clawback,
    )
