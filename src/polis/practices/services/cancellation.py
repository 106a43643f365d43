"""Annullamento: a practice cancelled before it is in force, its collected premium refunded to
the client by SEPA."""

from __future__ import annotations

from decimal import Decimal
from typing import TYPE_CHECKING

from django.db import transaction
from django.utils.translation import gettext as _

from polis.accounting.services import Subject, create_refund_payout, valid_iban
from polis.core.errors import DomainError, InvalidTransition
from polis.core.text import bounded_text
from polis.lifecycle import lock, transition
from polis.practices.models import Practice
from polis.practices.selectors import collected_premium, collected_shares, payment_to_verify
from polis.practices.services._common import S, _own
from polis.signatures.registry import SubjectKind
from polis.signatures.selectors import open_requests_for_subject
from polis.signatures.services import void_signature_request

if TYPE_CHECKING:
    from polis.accounts.models import User

# The payouts' subject kind of a cancellation's refund (subject_id: the practice).
CANCELLATION_SUBJECT = "cancellation"


def cancel_practice(
    *, actor: User, practice: Practice, reason: str, iban: str | None = None
) -> Practice:
    """The firm's collaborator or the MGA cancels a practice not yet in force, with the reason:
    a contract still out for signature has its request voided; a premium already collected
    (verified payments) is refunded whole to the client's `iban` by a payout in the next SEPA
    batch of refunds, posted (taxes, insurer's premium, commissions charged back) when that
    batch is sent. Refused while a payment waits for the MGA's verification."""
    _own(actor, practice)
    reason = bounded_text(reason, limit=300, field="reason")
    if not reason:
        raise DomainError(_("Indica il motivo dell'annullamento."), field="reason")
    with transaction.atomic():
        # The signature before the practice: the lock order of the signing flow.
        for request in open_requests_for_subject(SubjectKind.PRACTICE, practice.pk):
            void_signature_request(actor=actor, request=request)
        practice = lock(practice)
        if not Practice.lifecycle.allows(practice.status, S.CANCELLED):
            raise InvalidTransition(_("La pratica è già in vigore o chiusa: non si può annullare."))
        if payment_to_verify(practice):
            raise DomainError(
                _("Un pagamento attende la verifica dell'MGA: verifica prima il pagamento."),
                code="payment_to_verify",
            )
        collected = collected_premium(practice)
        if collected > 0:
            if not iban or not iban.strip():
                raise DomainError(
                    _("Il premio è già incassato: indica l'IBAN del cliente per il rimborso."),
                    field="iban",
                )
            _refund(actor, practice, valid_iban(iban), collected)
        practice.review_reason = reason
        transition(
            practice, S.CANCELLED, actor=actor, fields=("review_reason",), data={"reason": reason}
        )
        return practice


def _refund(actor: User, practice: Practice, iban: str, collected: Decimal) -> None:
    """The payout of the whole collected premium, taking back the tax and both commissions
    its payments posted (`collected_shares`)."""
    shares = collected_shares(practice)
    create_refund_payout(
        actor=actor,
        subject=Subject(
            CANCELLATION_SUBJECT,
            practice.pk,
            _("Rimborso annullamento polizza %(number)s") % {"number": practice.policy_number},
            practice_id=practice.pk,
        ),
        insurer=practice.product.insurer,
        firm=practice.firm,
        payee_name=practice.client.display_name,
        iban=iban,
        gross=collected,
        clawback=shares["commission"],
        tax=shares["tax"],
        mga_clawback=shares["mga_commission"],
    )
