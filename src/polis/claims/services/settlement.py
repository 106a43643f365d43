"""Settlement: the quietanza posted for signature, its outcome, and the payment recorded."""

from __future__ import annotations

from datetime import date
from decimal import Decimal
from typing import TYPE_CHECKING

from django.conf import settings
from django.db import transaction
from django.utils import timezone, translation
from django.utils.translation import gettext as _

from polis.accounting.services import Subject, post_claim_payout, valid_iban
from polis.claims.audit import ClaimAudit
from polis.claims.models import SLA_WORKING_DAYS, Claim, ClaimDocument, Quietanza
from polis.claims.selectors import contract_identification_of, sla_closures
from polis.claims.services._common import (
    S,
    _amount,
    _change,
    _event,
    _locked,
    _supersede_pending,
    _tell_firm,
    _tell_mga,
)
from polis.core.access import require
from polis.core.amounts import italian_number
from polis.core.errors import DomainError, InvalidTransition
from polis.core.text import NOTE_TEXT, bounded_text
from polis.core.workdays import add_working_days
from polis.documents.pdf import render_pdf
from polis.documents.services import store_file
from polis.ledger.services import record_event
from polis.lifecycle import check_transition, transition
from polis.notify.services import queue_sms
from polis.signatures.registry import SubjectKind
from polis.signatures.services import SignerData, create_signature_request, signing_url

if TYPE_CHECKING:
    from polis.accounts.models import User
    from polis.documents.validation import ValidatedFile
    from polis.signatures.models import SignatureRequest


def _quietanza_pdf(claim: Claim, quietanza: Quietanza) -> ValidatedFile:
    return render_pdf(
        template="claims/quietanza.html",
        name=f"quietanza-{claim.number}-v{quietanza.version}.pdf",
        context={
            "claim": claim,
            "quietanza": quietanza,
            "client": claim.practice.client,
            "mga_legal_name": settings.MGA_LEGAL_NAME,
        },
    )


def _signer(claim: Claim) -> SignerData:
    client = claim.practice.client
    return SignerData(
        name=client.display_name,
        codice_fiscale=client.codice_fiscale or client.partita_iva,
        email=client.email,
        mobile=client.mobile,
        language=client.language,
    )


def post_quietanza(
    *,
    actor: User,
    claim: Claim,
    amount: Decimal | str,
    kind: str,
    conditions: str,
    version: int | None = None,
    base_url: str = "",
) -> Quietanza:
    """The adjuster (or an operator) records the quietanza the MGA received: a new version,
    sent at once to the insured by e-mail and SMS (links on `base_url`, else SITE_URL) to
    accept with the FEA or contest."""
    require(actor, "adjust_claims")
    amount = _amount(amount, field="amount")
    if kind not in Quietanza.Kind.values:
        raise DomainError(_("Scegli se la quietanza è a saldo o in acconto."), field="kind")
    conditions = bounded_text(conditions, limit=NOTE_TEXT, field="conditions")
    if not conditions:
        raise DomainError(_("Riporta le condizioni della quietanza."), field="conditions")
    with transaction.atomic():
        claim = _locked(actor, claim, version)
        check_transition(claim, S.OFFER_RECEIVED)
        identification = contract_identification_of(claim.practice)
        if identification is None:
            raise DomainError(
                _(
                    "Non risulta un documento d'identità dell'assicurato (firma FEA del "
                    "contratto): chiedilo all'agenzia prima di inviare la quietanza."
                )
            )
        _supersede_pending(actor, claim)
        quietanza = Quietanza(
            claim=claim,
            version=claim.quietanze.count() + 1,
            amount=amount,
            kind=kind,
            conditions=conditions.strip(),
            created_by=actor,
            created_at=timezone.now(),
        )
        quietanza.document = store_file(actor=actor, validated=_quietanza_pdf(claim, quietanza))
        quietanza.save()
        request = create_signature_request(
            actor=actor,
            firm=claim.firm,
            subject_kind=SubjectKind.QUIETANZA,
            subject_id=quietanza.pk,
            title=_("Quietanza del sinistro %(n)s (v%(v)s): € %(a)s")
            % {"n": claim.number, "v": quietanza.version, "a": italian_number(amount)},
            document=quietanza.document,
            signer=_signer(claim),
            earlier_identification=identification,
            base_url=base_url,
        )
        insured = claim.practice.client
        if insured.mobile:
            with translation.override(insured.language):
                text = _(
                    "%(mga)s: quietanza del sinistro %(n)s, ti offriamo € %(a)s. Accetta o "
                    "contesta entro il %(by)s: %(url)s"
                ) % {
                    "mga": settings.MGA_NAME,
                    "n": claim.number,
                    "a": italian_number(amount),
                    "by": timezone.localtime(request.expires_at).strftime("%d/%m/%Y"),
                    "url": signing_url(request, base_url),
                }
            queue_sms(to=insured.mobile, text=text, language=insured.language)
        claim.investigation_done_on = claim.investigation_done_on or timezone.localdate()
        _change(
            claim,
            actor,
            ClaimAudit.QUIETANZA,
            _("Quietanza v%(v)s: € %(a)s (%(k)s)")
            % {
                "v": quietanza.version,
                "a": italian_number(amount),
                "k": quietanza.get_kind_display(),
            },
            to=S.OFFER_RECEIVED,
            fields=("investigation_done_on",),
        )
        _tell_firm(claim, "claim_quietanza", quietanza=quietanza)
        return quietanza


def quietanza_context(signature: SignatureRequest) -> dict:
    """What the insured's e-mails about a quietanza say: the claim and the amount offered."""
    quietanza = Quietanza.objects.select_related("claim").get(pk=signature.subject_id)
    return {
        "claim": quietanza.claim,
        "quietanza": quietanza,
        "amount": italian_number(quietanza.amount),
    }


def claim_of(signature: SignatureRequest) -> Claim:
    return Quietanza.objects.select_related("claim").get(pk=signature.subject_id).claim


def record_quietanza_signed(signature: SignatureRequest) -> None:
    """Signature handler: the insured accepted the quietanza with the FEA."""
    quietanza = Quietanza.objects.select_for_update().get(pk=signature.subject_id)
    claim = Claim.objects.select_for_update().get(pk=quietanza.claim_id)
    if quietanza.status != Quietanza.Status.PENDING:
        raise InvalidTransition(_("Questa quietanza non è più in attesa di risposta."))
    check_transition(claim, S.ACCEPTED)
    quietanza.decided_at = timezone.now()
    quietanza.signed_document = signature.signed_document
    transition(
        quietanza,
        Quietanza.Status.ACCEPTED,
        actor=None,
        fields=("decided_at", "signed_document"),
    )
    _change(
        claim,
        None,
        ClaimAudit.ACCEPTED,
        _("L'assicurato ha accettato la quietanza v%(v)s") % {"v": quietanza.version},
        to=S.ACCEPTED,
    )
    record_event(
        type="quietanza.accepted", ref=str(claim.uuid), sha256=signature.signed_document.sha256
    )
    _tell_firm(claim, "claim_update", update=_("L'assicurato ha accettato la quietanza."))
    _tell_mga(claim, "claim_update", update=_("L'assicurato ha accettato la quietanza."))


def record_quietanza_closed(signature: SignatureRequest) -> None:
    """Signature handler: refused with objections (back to investigation), or a link that
    expired or was voided (the quietanza stays to be re-sent)."""
    quietanza = Quietanza.objects.select_for_update().get(pk=signature.subject_id)
    claim = Claim.objects.select_for_update().get(pk=quietanza.claim_id)
    if not signature.is_declined:
        if quietanza.status == Quietanza.Status.PENDING:
            _event(
                claim, None, ClaimAudit.LINK_CLOSED, signature.get_status_display(), shared=False
            )
        return
    check_transition(claim, S.INVESTIGATION)
    quietanza.decided_at = timezone.now()
    quietanza.objections = signature.decline_reason
    transition(quietanza, Quietanza.Status.REFUSED, actor=None, fields=("decided_at", "objections"))
    for stored in signature.decline_attachments.all():
        ClaimDocument.objects.create(
            claim=claim,
            kind="obiezioni",
            label=_("Allegato alle obiezioni (quietanza v%(v)s)") % {"v": quietanza.version},
            file=stored,
            uploaded_by=claim.created_by,
            uploaded_at=timezone.now(),
        )
    # The investigation resumes (DESIGN §3: refuse → investigation → offer): the SLA's
    # "end of the investigation" milestone is open again, with a new period from today.
    claim.investigation_done_on = None
    if claim.docs_complete_on is not None:
        claim.sla_due = add_working_days(
            timezone.localdate(), SLA_WORKING_DAYS, sla_closures(claim)
        )
    _change(
        claim,
        None,
        ClaimAudit.REFUSED,
        _("L'assicurato ha contestato la quietanza v%(v)s: %(why)s")
        % {"v": quietanza.version, "why": quietanza.objections},
        to=S.INVESTIGATION,
        fields=("investigation_done_on", "sla_due"),
    )
    if claim.sla_due is not None:
        _event(
            claim,
            None,
            ClaimAudit.SLA_RESTARTED,
            _("Istruttoria riaperta: nuovo termine SLA il %(due)s (20 giorni lavorativi).")
            % {"due": claim.sla_due.strftime("%d/%m/%Y")},
        )
    record_event(type="quietanza.refused", ref=str(claim.uuid), sha256=quietanza.document.sha256)
    _tell_firm(claim, "claim_update", update=_("L'assicurato ha contestato la quietanza."))
    _tell_mga(claim, "claim_update", update=_("L'assicurato ha contestato la quietanza."))


def record_claim_payment(
    *,
    actor: User,
    claim: Claim,
    amount: Decimal | str,
    paid_on: date,
    iban: str,
    version: int | None = None,
) -> Claim:
    """The MGA records the payment of the accepted quietanza: `paid`."""
    require(actor, "handle_claims")
    amount = _amount(amount, field="amount")
    iban = valid_iban(iban)
    if paid_on > timezone.localdate():
        raise DomainError(_("La data del pagamento non può essere futura."), field="paid_on")
    with transaction.atomic():
        claim = _locked(actor, claim, version)
        check_transition(claim, S.PAID)
        accepted = claim.quietanze.get(status=Quietanza.Status.ACCEPTED)
        if amount != accepted.amount:
            raise DomainError(
                _("L'importo pagato deve essere quello della quietanza accettata (€ %(a)s).")
                % {"a": italian_number(accepted.amount)},
                field="amount",
            )
        claim.paid_amount, claim.paid_on, claim.payee_iban = amount, paid_on, iban
        # Paid by SEPA from the separate account, on the insurer's behalf (polis.accounting).
        post_claim_payout(
            actor=actor,
            subject=Subject("claim", claim.pk, claim.number, practice_id=claim.practice_id),
            insurer=claim.practice.product.insurer,
            payee_name=claim.client.display_name,
            iban=iban,
            amount=amount,
            settled_on=paid_on,
        )
        _change(
            claim,
            actor,
            ClaimAudit.PAID,
            _("Pagati € %(a)s il %(d)s")
            % {"a": italian_number(amount), "d": paid_on.strftime("%d/%m/%Y")},
            to=S.PAID,
            fields=("paid_amount", "paid_on", "payee_iban"),
        )
        _tell_firm(
            claim,
            "claim_update",
            update=_("Indennizzo pagato: € %(a)s") % {"a": italian_number(amount)},
        )
        return claim
