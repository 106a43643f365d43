"""Perfezionamento: payments recorded, verified or rejected, and the practice in force."""

from __future__ import annotations

from datetime import date
from decimal import Decimal
from typing import TYPE_CHECKING

from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from polis.accounting.services import Subject, post_premium_collected
from polis.audit.services import record_audit
from polis.core.access import require
from polis.core.amounts import euro
from polis.core.errors import DomainError, InvalidTransition
from polis.core.text import bounded_text
from polis.documents.services import store_file
from polis.documents.validation import validate_upload
from polis.ledger.services import record_event
from polis.lifecycle import lock, transition
from polis.notify.services import queue_email
from polis.practices.audit import PracticeAudit
from polis.practices.models import Endorsement, Payment, Practice
from polis.practices.selectors import due_instalment, payment_split, premium_change
from polis.practices.services._common import S, _firm_emails, _own

if TYPE_CHECKING:
    from django.core.files.uploadedfile import UploadedFile

    from polis.accounts.models import User
    from polis.documents.validation import ValidatedFile

# --- Perfezionamento: payments put a signed practice in force ------------------------------

P = Payment.Status


def _complete(*, actor: User | None, practice: Practice, sha256: str) -> None:
    """Perfezionamento of a signed practice by its first payment: in force at once if its start
    date has come, otherwise perfezionata and in force from that day (start_practices). Either
    way a renewal makes the practice it renews renewed."""
    if practice.effective_date > timezone.localdate():
        transition(
            practice,
            S.COMPLETED,
            actor=actor,
            data={"effective_date": practice.effective_date.isoformat()},
        )
    else:
        _put_in_force(actor=actor, practice=practice, sha256=sha256)
    if practice.renewal_of_id is not None:
        old = Practice.objects.select_for_update().get(pk=practice.renewal_of_id)
        if Practice.lifecycle.allows(old.status, S.RENEWED):  # in force, or expired meanwhile
            transition(old, S.RENEWED, actor=actor, data={"renewal": practice.pk})


def _put_in_force(*, actor: User | None, practice: Practice, sha256: str) -> None:
    """The one place a practice enters into force (ledger: practice.in_force with the hash of
    the receipt that completed it)."""
    practice.in_force_at = timezone.now()
    transition(practice, S.IN_FORCE, actor=actor, fields=("in_force_at",))
    record_event(type="practice.in_force", ref=str(practice.uuid), sha256=sha256)


def start_practices(*, today: date | None = None) -> int:
    """Daily job: perfezionate practices whose start date has come enter into force. Each under
    its row lock, so a rerun or a concurrent run starts none twice. Returns how many started."""
    today = today or timezone.localdate()
    started = 0
    due = Practice.objects.filter(status=S.COMPLETED, effective_date__lte=today)
    for pk in due.order_by("pk").values_list("pk", flat=True):
        with transaction.atomic():
            practice = Practice.objects.select_for_update().get(pk=pk)
            if practice.status != S.COMPLETED:
                continue
            receipt = (
                practice.payments.exclude(status=P.REJECTED)
                .select_related("receipt")
                .get(instalment=1)
                .receipt
            )
            _put_in_force(actor=None, practice=practice, sha256=receipt.sha256)
            started += 1
    return started


def _payment_receipt(
    actor: User, practice: Practice, method: str, paid_on: date, receipt: UploadedFile | None
) -> ValidatedFile:
    """The checks every recorded payment passes (who, how, when), and its receipt validated by
    its content."""
    require(actor, "work_portfolio")
    _own(actor, practice)
    if method not in Payment.Method.values:
        raise DomainError(_("Scegli la modalità di pagamento."), field="method")
    if paid_on > timezone.localdate():
        raise DomainError(_("La data del pagamento non può essere nel futuro."), field="paid_on")
    if receipt is None:
        raise DomainError(_("Allega la ricevuta del pagamento."), field="receipt")
    try:
        return validate_upload(name=receipt.name, data=receipt.read())
    except DomainError as refused:
        raise DomainError(refused.message, field="receipt") from refused


def _store_payment(actor: User, payment: Payment, receipt: ValidatedFile, what: dict) -> Payment:
    """Save the recorded payment with its receipt, audited on its practice."""
    payment.firm_id = payment.practice.firm_id
    payment.receipt = store_file(actor=actor, validated=receipt)
    payment.recorded_by = actor
    payment.save()
    record_audit(
        actor=actor,
        action=PracticeAudit.PAYMENT_RECORDED,
        target=payment.practice,
        data={**what, "amount": str(payment.amount), "method": payment.method},
    )
    return payment


def record_payment(
    *,
    actor: User,
    practice: Practice,
    method: str,
    paid_on: date,
    amount: Decimal,
    receipt: UploadedFile | None,
) -> Payment:
    """Perfezionamento: the collaborator records the instalment the client paid, with the receipt
    (`receipt`: an uploaded file, validated by its content).

    The amount must equal the instalment due; an instalment is paid once. The first payment of a
    signed practice completes it: in force from its start date (`_complete`).
    """
    validated = _payment_receipt(actor, practice, method, paid_on, receipt)
    with transaction.atomic():
        practice = Practice.objects.select_for_update().get(pk=practice.pk)
        if practice.status not in (S.SIGNED, S.COMPLETED, S.IN_FORCE):
            raise InvalidTransition(
                _("La pratica è «%(current)s»: il pagamento si registra a contratto firmato.")
                % {"current": practice.get_status_display()}
            )
        instalment = due_instalment(practice)
        if instalment is None:
            raise InvalidTransition(_("Il premio di questa pratica è già stato pagato."))
        due = practice.instalments[instalment - 1]
        if amount != due:
            raise DomainError(
                _("L'importo deve essere uguale alla rata dovuta (%(n)s di %(count)s): %(due)s.")
                % {"n": instalment, "count": len(practice.instalments), "due": euro(due)},
                field="amount",
            )
        payment = _store_payment(
            actor,
            Payment(
                practice=practice,
                instalment=instalment,
                method=method,
                paid_on=paid_on,
                amount=amount,
                commission=practice.commission_shares[instalment - 1],
            ),
            validated,
            {"instalment": instalment},
        )
        if practice.status == S.SIGNED:
            _complete(actor=actor, practice=practice, sha256=payment.receipt.sha256)
        return payment


def record_endorsement_payment(
    *,
    actor: User,
    endorsement: Endorsement,
    method: str,
    paid_on: date,
    amount: Decimal,
    receipt: UploadedFile | None,
) -> Payment:
    """The collaborator records the additional premium of an effective variazione, paid by the
    client, with its receipt: the MGA verifies it like an instalment (`verify_payment` posts it,
    the firm's commission being the variazione's own)."""
    validated = _payment_receipt(actor, endorsement.practice, method, paid_on, receipt)
    with transaction.atomic():
        endorsement = lock(endorsement)
        change = premium_change(endorsement)
        if change is None or change.refund:
            raise InvalidTransition(_("Questa variazione non ha un premio da incassare."))
        if change.payment is not None:
            raise InvalidTransition(_("Il premio della variazione è già stato registrato."))
        if amount != change.amount:
            raise DomainError(
                _("L'importo deve essere uguale al premio della variazione: %(due)s.")
                % {"due": euro(change.amount)},
                field="amount",
            )
        return _store_payment(
            actor,
            Payment(
                practice=endorsement.practice,
                endorsement=endorsement,
                method=method,
                paid_on=paid_on,
                amount=amount,
                commission=endorsement.difference_commission,
            ),
            validated,
            {"endorsement": endorsement.number},
        )


def _checked_payment(actor: User, payment: Payment, to: str) -> Payment:
    """The payment, locked, when its table lets it go to `to` (it is still to verify)."""
    require(actor, "review_practices")
    payment = lock(payment)
    if not Payment.lifecycle.allows(payment.status, to):
        raise InvalidTransition(
            _("Il pagamento è già «%(status)s».") % {"status": payment.get_status_display()}
        )
    return payment


def verify_payment(*, actor: User, payment: Payment) -> Payment:
    """An operator confirms that the money arrived: the instalment is posted to the separate
    account, owed to the insurer net of the MGA's commission, out of which the firm's is paid
    (polis.accounting); its premium tax owed to the insurer apart."""
    with transaction.atomic():
        payment = _checked_payment(actor, payment, P.VERIFIED)
        practice = Practice.objects.select_related("product__insurer", "firm").get(
            pk=payment.practice_id
        )
        payment.practice = practice  # its subject's name below reads it
        split = payment_split(practice, payment)
        post_premium_collected(
            actor=actor,
            subject=Subject("payment", payment.pk, str(payment), practice_id=practice.pk),
            insurer=practice.product.insurer,
            firm=practice.firm,
            gross=payment.amount,
            commission=payment.commission,
            received_on=payment.paid_on,
            tax=split["tax"],
            mga_commission=split["mga_commission"],
        )
        payment.checked_by, payment.checked_at = actor, timezone.now()
        transition(
            payment,
            P.VERIFIED,
            actor=actor,
            fields=("checked_by", "checked_at"),
            action=PracticeAudit.PAYMENT_VERIFIED,
            data={"instalment": payment.instalment},
        )
        return payment


def reject_payment(*, actor: User, payment: Payment, reason: str) -> Payment:
    """An operator rejects a payment with a reason e-mailed to the firm: the instalment is due
    again, and a practice that this payment had put in force goes back to waiting for it."""
    reason = bounded_text(reason, limit=300, field="reason")
    if not reason:
        raise DomainError(_("Indica il motivo del rifiuto."), field="reason")
    with transaction.atomic():
        payment = _checked_payment(actor, payment, P.REJECTED)
        practice = Practice.objects.select_for_update().get(pk=payment.practice_id)
        payment.rejection_reason = reason
        payment.checked_by, payment.checked_at = actor, timezone.now()
        transition(
            payment,
            P.REJECTED,
            actor=actor,
            fields=("rejection_reason", "checked_by", "checked_at"),
            action=PracticeAudit.PAYMENT_REJECTED,
            data={"instalment": payment.instalment, "reason": reason},
        )
        if payment.instalment == 1 and practice.status in (S.IN_FORCE, S.COMPLETED):
            practice.in_force_at = None
            transition(
                practice,
                S.SIGNED,
                actor=actor,
                fields=("in_force_at",),
                action=PracticeAudit.COMPLETION_UNDONE,
            )
            if practice.renewal_of_id is not None:
                old = Practice.objects.select_for_update().get(pk=practice.renewal_of_id)
                if old.status == S.RENEWED:
                    # Not renewed after all: in force again, or expired if its period is over.
                    back = S.IN_FORCE if old.end_date >= timezone.localdate() else S.EXPIRED
                    transition(old, back, actor=actor, action=PracticeAudit.RENEWAL_UNDONE)
        for email in _firm_emails(practice):
            queue_email(
                to=email,
                template="payment_rejected",
                context={"practice": practice, "payment": payment},
            )
        return payment
