"""Variazioni di polizza: a change of the answers during the period, re-rated pro rata temporis
with the tariff of the issue, reviewed by the MGA beyond the product's automatic limits, signed
by the client as an appendice (FEA) and registered in the public log."""

from __future__ import annotations

from datetime import date
from typing import TYPE_CHECKING

from django.conf import settings
from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from polis.accounting.services import Subject, create_refund_payout
from polis.audit.services import record_audit
from polis.catalog.rating import load_tariff, pro_rata
from polis.catalog.selectors import coverages_of
from polis.catalog.services import price_or_refuse
from polis.core.access import require
from polis.core.errors import DomainError, InvalidTransition
from polis.core.text import bounded_text
from polis.documents.pdf import render_pdf
from polis.documents.services import store_file, store_upload
from polis.documents.validation import ValidatedFile
from polis.ledger.services import record_event
from polis.lifecycle import check_transition, lock, transition
from polis.notify.services import queue_email
from polis.practices.audit import EndorsementAudit
from polis.practices.models import Endorsement, Practice
from polis.practices.selectors import (
    ENDORSABLE,
    REFUND_SUBJECT,
    collected_premium,
    endorsement_changes,
    endorsement_reasons,
    mga_commission,
    practice_versions,
    premium_change,
)
from polis.practices.services._common import _firm_emails, _own, _to_review
from polis.signatures.registry import SubjectKind
from polis.signatures.selectors import latest_signed_request
from polis.signatures.services import SignerData, create_signature_request

if TYPE_CHECKING:
    from polis.accounting.models import Payout
    from polis.accounts.models import User
    from polis.signatures.models import SignatureRequest

E = Endorsement.Status


def _check_effective_date(practice: Practice, on: date, *, latest_start: date) -> None:
    if not practice.effective_date <= on < practice.end_date:
        raise DomainError(
            _("La data di effetto va dal %(start)s al giorno prima della scadenza (%(end)s).")
            % {
                "start": practice.effective_date.strftime("%d/%m/%Y"),
                "end": practice.end_date.strftime("%d/%m/%Y"),
            },
            field="effective_date",
        )
    if on < latest_start:
        raise DomainError(
            _("La data di effetto non può precedere quella dell'ultima variazione (%(day)s).")
            % {"day": latest_start.strftime("%d/%m/%Y")},
            field="effective_date",
        )


def request_endorsement(
    *, actor: User, practice: Practice, answers: dict, effective_date: date, note: str = ""
) -> Endorsement:
    """RICHIEDI VARIAZIONE: the new answers from `effective_date` to the end of the period,
    re-rated with the tariff of the issue; the difference is the annual premiums' difference for
    the days left (to pay when positive, to refund when negative). A draft, shown to the agency
    before it confirms. An effective date before today is allowed only through the MGA's review
    (see confirm_endorsement)."""
    require(actor, "work_portfolio")
    _own(actor, practice)
    note = bounded_text(note, limit=300, field="note")
    with transaction.atomic():
        practice = lock(practice)
        if practice.status not in ENDORSABLE or practice.end_date <= timezone.localdate():
            raise InvalidTransition(
                _("Si può variare una polizza firmata, nel suo periodo di assicurazione.")
            )
        if practice.endorsements.filter(status__in=Endorsement.OPEN).exists():
            raise DomainError(_("C'è già una variazione in corso su questa polizza."))
        latest = practice_versions(practice)[-1]
        _check_effective_date(practice, effective_date, latest_start=latest.start)
        _tariff, breakdown, cleaned = price_or_refuse(
            product=practice.product, on=effective_date, answers=answers, version=practice.tariff
        )
        if cleaned == latest.answers:
            raise DomainError(_("Le risposte sono uguali a quelle in vigore: niente da variare."))
        difference = pro_rata(
            load_tariff(practice.tariff.document),
            old_net=latest.net,
            new_net=breakdown.net,
            days_left=(practice.end_date - effective_date).days,
            days_in_period=(practice.end_date - practice.effective_date).days,
        )
        endorsement = Endorsement.objects.create(
            practice=practice,
            number=practice.endorsements.count() + 1,
            effective_date=effective_date,
            previous_answers=latest.answers,
            answers=cleaned,
            previous_net=latest.net,
            previous_gross=latest.gross,
            net=breakdown.net,
            tax=breakdown.tax,
            gross=breakdown.gross,
            breakdown=breakdown.as_json(),
            difference_net=difference.net,
            difference_tax=difference.tax,
            difference_gross=difference.gross,
            difference_commission=difference.commission,
            note=note.strip(),
            created_by=actor,
        )
        record_audit(
            actor=actor,
            action=EndorsementAudit.REQUESTED,
            target=practice,
            data={"endorsement": endorsement.number, "difference": str(difference.gross)},
        )
        return endorsement


def _appendix(endorsement: Endorsement) -> ValidatedFile:
    practice = endorsement.practice
    return render_pdf(
        template="practices/appendix.html",
        name=f"appendice-{practice.policy_number}-{endorsement.number}.pdf",
        context={
            "endorsement": endorsement,
            "practice": practice,
            "coverages": coverages_of(practice.product, endorsement.answers),
            "changes": endorsement_changes(endorsement),
            "mga_name": settings.MGA_NAME,
            "mga_legal_name": settings.MGA_LEGAL_NAME,
        },
    )


def _issue_appendix(*, actor: User, endorsement: Endorsement) -> Endorsement:
    """The appendice di variazione as a PDF, hashed into the public log; to be signed."""
    check_transition(endorsement, E.TO_SIGN)
    endorsement.appendix = store_file(actor=actor, validated=_appendix(endorsement))
    transition(endorsement, E.TO_SIGN, actor=actor, fields=("appendix",))
    record_event(
        type="endorsement.issued", ref=str(endorsement.uuid), sha256=endorsement.appendix.sha256
    )
    return endorsement


def confirm_endorsement(
    *, actor: User, endorsement: Endorsement, version: int | None = None
) -> Endorsement:
    """CONFERMA VARIAZIONE: within the product's automatic limits the appendice is issued at
    once; beyond them (or with an effective date already past) the variazione goes to the MGA's
    review and the operators are e-mailed."""
    require(actor, "work_portfolio")
    _own(actor, endorsement.practice)
    with transaction.atomic():
        endorsement = lock(endorsement, version)
        if endorsement.status != E.DRAFT:
            raise InvalidTransition(_("La variazione è già stata confermata."))
        reasons = endorsement_reasons(endorsement)
        if endorsement.effective_date < timezone.localdate():
            reasons.append(_("Data di effetto nel passato"))
        if not reasons:
            return _issue_appendix(actor=actor, endorsement=endorsement)
        _to_review(
            endorsement,
            reasons,
            actor=actor,
            action=EndorsementAudit.IN_REVIEW,
            template="endorsement_to_review",
            context={"endorsement": endorsement},
        )
        return endorsement


def approve_endorsement(
    *, actor: User, endorsement: Endorsement, version: int | None = None
) -> Endorsement:
    """An operator approves a variazione in review (a past effective date included): the
    appendice is issued, for the client's signature."""
    require(actor, "review_practices")
    with transaction.atomic():
        endorsement = lock(endorsement, version)
        if endorsement.status != E.IN_REVIEW:
            raise InvalidTransition(_("La variazione non è in revisione."))
        return _issue_appendix(actor=actor, endorsement=endorsement)


def refuse_endorsement(
    *, actor: User, endorsement: Endorsement, reason: str, version: int | None = None
) -> Endorsement:
    """An operator refuses a variazione in review, with the reason e-mailed to the firm."""
    require(actor, "review_practices")
    reason = bounded_text(reason, limit=300, field="reason")
    if not reason.strip():
        raise DomainError(_("Indica il motivo del rifiuto."), field="reason")
    with transaction.atomic():
        endorsement = lock(endorsement, version)
        endorsement.refusal_reason = reason.strip()
        transition(
            endorsement,
            E.REFUSED,
            actor=actor,
            fields=("refusal_reason",),
            data={"reason": endorsement.refusal_reason},
        )
        for email in _firm_emails(endorsement.practice):
            queue_email(
                to=email, template="endorsement_refused", context={"endorsement": endorsement}
            )
        return endorsement


def withdraw_endorsement(
    *, actor: User, endorsement: Endorsement, version: int | None = None
) -> Endorsement:
    """The agency withdraws a variazione not yet sent for signature."""
    require(actor, "work_portfolio")
    _own(actor, endorsement.practice)
    with transaction.atomic():
        endorsement = lock(endorsement, version)
        transition(endorsement, E.WITHDRAWN, actor=actor)
        return endorsement


def send_endorsement_for_signature(
    *,
    actor: User,
    endorsement: Endorsement,
    identity_name: str = "",
    identity_data: bytes = b"",
    identity_attested: bool = False,
    base_url: str = "",
) -> Endorsement:
    """Send the appendice to the client for the FEA signature by SMS code, as the contract was:
    the same signer as the contract's; the identification made for the contract's FEA is
    reused, unless the collaborator uploads a new identity document."""
    require(actor, "manage_signatures")
    practice = endorsement.practice
    _own(actor, practice)
    contract = latest_signed_request(SubjectKind.PRACTICE, practice.pk)
    client = practice.client
    if contract is not None:
        name, codice_fiscale = contract.signer_name, contract.signer.codice_fiscale
    elif client.kind == client.Kind.PERSON:
        name, codice_fiscale = client.display_name, client.codice_fiscale
    else:
        raise DomainError(
            _("Il contratto non è stato firmato con FEA: manca il legale rappresentante che firma.")
        )
    with transaction.atomic():
        endorsement = lock(endorsement)
        check_transition(endorsement, E.SIGNING)
        identity = (
            store_upload(actor=actor, name=identity_name, data=identity_data)
            if identity_data
            else None
        )
        create_signature_request(
            actor=actor,
            firm=practice.firm,
            subject_kind=SubjectKind.ENDORSEMENT,
            subject_id=endorsement.pk,
            title=_("Appendice n. %(n)d alla polizza %(number)s — %(product)s")
            % {
                "n": endorsement.number,
                "number": practice.policy_number,
                "product": practice.product.name,
            },
            document=endorsement.appendix,
            signer=SignerData(
                name=name,
                codice_fiscale=codice_fiscale,
                email=client.email,
                mobile=client.mobile,
                language=client.language,
            ),
            identity_document=identity,
            identity_attested=identity_attested,
            earlier_identification=contract if identity is None else None,
            base_url=base_url,
        )
        transition(endorsement, E.SIGNING, actor=actor, action=EndorsementAudit.SIGNING)
        return endorsement


def record_endorsement_signed(signature: SignatureRequest) -> None:
    """Signature handler: the client signed the appendice; the variazione is effective from its
    date. Its premium difference is then due: an additional premium the collaborator records
    (`record_endorsement_payment`), or a refund once the client's IBAN is given
    (`request_endorsement_refund`)."""
    endorsement = Endorsement.objects.select_for_update().get(pk=signature.subject_id)
    endorsement.signed_appendix = signature.signed_document
    endorsement.signature_report = signature.report
    endorsement.effective_at = timezone.now()
    transition(
        endorsement,
        E.EFFECTIVE,
        actor=None,
        fields=("signed_appendix", "signature_report", "effective_at"),
        data={"difference": str(endorsement.difference_gross)},
    )


def record_endorsement_signature_closed(signature: SignatureRequest) -> None:
    """Signature handler: the request ended unsigned; the appendice can be sent again."""
    endorsement = Endorsement.objects.select_for_update().get(pk=signature.subject_id)
    if endorsement.status == E.SIGNING:
        transition(
            endorsement,
            E.TO_SIGN,
            actor=None,
            action=EndorsementAudit.SIGNATURE_CLOSED,
            data={"outcome": signature.get_status_display()},
        )


def request_endorsement_refund(*, actor: User, endorsement: Endorsement, iban: str) -> Payout:
    """The collaborator gives the client's IBAN for the refund of a variazione that lowered the
    premium: a payout to the client in the next SEPA batch of refunds, posted (premium and taxes
    back from the insurer, the firm's commission on it charged back) when that batch is sent.
    Refused when the practice's collected premium does not cover it."""
    require(actor, "work_portfolio")
    _own(actor, endorsement.practice)
    with transaction.atomic():
        endorsement = lock(endorsement)
        change = premium_change(endorsement)
        if change is None or not change.refund:
            raise InvalidTransition(_("Questa variazione non ha un premio da rimborsare."))
        if change.payout is not None:
            raise InvalidTransition(_("Il rimborso di questa variazione è già stato chiesto."))
        practice = Practice.objects.select_for_update().get(pk=endorsement.practice_id)
        if collected_premium(practice) < change.amount:
            raise DomainError(
                _(
                    "Il premio della polizza non è ancora incassato per intero: il rimborso si "
                    "chiede dopo la verifica del pagamento."
                ),
                code="not_collected",
            )
        payout = create_refund_payout(
            actor=actor,
            subject=Subject(
                REFUND_SUBJECT,
                endorsement.pk,
                _("Rimborso appendice %(n)d polizza %(number)s")
                % {"n": endorsement.number, "number": practice.policy_number},
                practice_id=practice.pk,
            ),
            insurer=practice.product.insurer,
            firm=practice.firm,
            payee_name=practice.client.display_name,
            iban=iban,
            gross=change.amount,
            clawback=-endorsement.difference_commission,
            tax=-endorsement.difference_tax,
            mga_clawback=-mga_commission(practice, endorsement.difference_net),
        )
        record_audit(
            actor=actor,
            action=EndorsementAudit.REFUND_REQUESTED,
            target=practice,
            data={"endorsement": endorsement.number, "amount": str(change.amount)},
        )
        return payout
