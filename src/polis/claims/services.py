"""Claims: every transition of DESIGN §3 is one function here, in one transaction, with the
actor's right checked, the timeline written, the outbox fed and the ledger where it matters."""

import hashlib
import json
from datetime import date
from decimal import Decimal

from django.conf import settings
from django.db import transaction
from django.utils import timezone
from django.utils.formats import number_format
from django.utils.translation import gettext as _
from stdnum import iban as stdnum_iban
from stdnum.exceptions import ValidationError as StdnumError

from polis.accounts.selectors import role_emails
from polis.audit.services import record_audit, record_audits
from polis.claims.cover import cover_period
from polis.claims.models import SLA_WORKING_DAYS, Claim, ClaimDocument, ClaimEvent, Quietanza
from polis.claims.selectors import (
    ENDED,
    claim_type_of,
    contract_identification_of,
    is_eligible,
    missing_documents,
    overdue_claims,
    sla_closures,
)
from polis.core.access import ADJUSTER, OPERATOR, require
from polis.core.amounts import parse_amount
from polis.core.errors import DomainError, InvalidTransition, PermissionDenied
from polis.core.numbering import formatted_number
from polis.core.text import NOTE_TEXT, REASON_TEXT, SHORT_TEXT, bounded_text
from polis.core.workdays import add_working_days
from polis.documents.pdf import render_pdf
from polis.documents.services import store_file, store_upload
from polis.ledger.services import record_event
from polis.messaging.models import Thread
from polis.messaging.services import write_about
from polis.notify.services import queue_email, queue_sms
from polis.practices.models import Practice
from polis.signatures.selectors import open_requests_for_subject
from polis.signatures.services import (
    SignerData,
    create_signature_request,
    signing_url,
    void_signature_request,
)

S = Claim.Status
_CLOSED = {S.CLOSED, S.REJECTED, S.CLOSED_WITHOUT_PAYMENT}
_ENDABLE = {S.OPENED, S.DOCS_MISSING, S.ASSIGNED, S.INVESTIGATION, S.OFFER_RECEIVED, S.REOPENED}
TRANSITIONS = {
    S.OPENED: {S.DOCS_MISSING, S.ASSIGNED, S.REJECTED, S.CLOSED_WITHOUT_PAYMENT},
    S.DOCS_MISSING: {
        S.DOCS_MISSING,
        S.OPENED,
        S.ASSIGNED,
        S.INVESTIGATION,
        S.REJECTED,
        S.CLOSED_WITHOUT_PAYMENT,
    },
    S.ASSIGNED: {S.ASSIGNED, S.DOCS_MISSING, S.INVESTIGATION, S.REJECTED, S.CLOSED_WITHOUT_PAYMENT},
    S.INVESTIGATION: {
        S.ASSIGNED,
        S.DOCS_MISSING,
        S.OFFER_RECEIVED,
        S.REJECTED,
        S.CLOSED_WITHOUT_PAYMENT,
    },
    S.OFFER_RECEIVED: {
        S.OFFER_RECEIVED,
        S.ACCEPTED,
        S.INVESTIGATION,
        S.REJECTED,
        S.CLOSED_WITHOUT_PAYMENT,
    },
    S.ACCEPTED: {S.PAID},
    S.PAID: {S.CLOSED},
    S.CLOSED: {S.REOPENED},
    S.REJECTED: {S.REOPENED},
    S.CLOSED_WITHOUT_PAYMENT: {S.REOPENED},
    S.REOPENED: {S.DOCS_MISSING, S.ASSIGNED, S.INVESTIGATION, S.REJECTED, S.CLOSED_WITHOUT_PAYMENT},
}


def _guard(claim: Claim, wanted: str) -> None:
    if wanted not in TRANSITIONS[claim.status]:
        raise InvalidTransition(
            _("Il sinistro è «%(current)s»: non può passare a «%(wanted)s».")
            % {"current": claim.get_status_display(), "wanted": S(wanted).label}
        )


def _locked(actor, claim: Claim, version: int | None) -> Claim:
    """Lock the row; refuse if someone changed the claim since the form was rendered."""
    locked = Claim.objects.select_for_update().get(pk=claim.pk)
    _may_see(actor, locked)
    if version is not None and locked.version != version:
        raise DomainError(
            _("Il sinistro è stato modificato da un altro utente: ricarica la pagina.")
        )
    return locked


def _may_see(actor, claim: Claim) -> None:
    if actor.role == "collaborator" and claim.firm_id != actor.firm_id:
        raise PermissionDenied(_("Non hai i permessi per questo sinistro."))
    if actor.role == ADJUSTER and claim.adjuster_id != actor.pk:
        raise PermissionDenied(_("Questo sinistro non è assegnato a te."))


def _save(claim: Claim, *fields: str) -> None:
    claim.version += 1
    claim.save(update_fields=[*fields, "version"])


def _event(claim: Claim, actor, kind: str, text: str = "", shared: bool = True) -> None:
    """One step on the claim's timeline, and in the audit log as `claim.<kind>` (its text,
    which can hold health data, stays on the timeline only)."""
    ClaimEvent.objects.create(
        claim=claim, actor=actor, kind=kind, text=text, shared=shared, at=timezone.now()
    )
    record_audit(actor=actor, action=f"claim.{kind}", target=claim)


def _tell_firm(claim: Claim, template: str, **context) -> None:
    for email in claim.firm.users.filter(is_active=True).values_list("email", flat=True):
        queue_email(to=email, template=template, context={"claim": claim, **context})


def _tell_mga(claim: Claim, template: str, **context) -> None:
    recipients = set(role_emails(OPERATOR))
    if claim.adjuster_id:
        recipients.add(claim.adjuster.email)
    for email in sorted(recipients):
        queue_email(to=email, template=template, context={"claim": claim, **context})


def _store_documents(actor, claim: Claim, kind: str, label: str, uploads) -> list[ClaimDocument]:
    return [
        ClaimDocument.objects.create(
            claim=claim,
            kind=kind,
            label=label,
            file=store_upload(actor=actor, name=name, data=data),
            uploaded_by=actor,
            uploaded_at=timezone.now(),
        )
        for name, data in uploads
    ]


def _start_sla(claim: Claim) -> None:
    if claim.docs_complete_on is None:
        claim.docs_complete_on = timezone.localdate()
        claim.sla_due = add_working_days(
            claim.docs_complete_on, SLA_WORKING_DAYS, sla_closures(claim)
        )


def _euro(amount: Decimal) -> str:
    return number_format(amount, 2, force_grouping=True)


def _amount(value, *, field: str) -> Decimal:
    amount = parse_amount(value)
    if amount is None:
        raise DomainError(_("Importo non valido: scrivilo come 7.345,60."), field=field)
    amount = amount.quantize(Decimal("0.01"))
    if amount <= 0:
        raise DomainError(_("L'importo deve essere maggiore di zero."), field=field)
    return amount


def record_claim_access(*, actor, claims: list[Claim], what: str) -> None:
    """A read of claims' health data (the page, a document, a quietanza, an API read or an
    export), also when nothing changes: who, in which role, when and from where (the audit
    log's address), and what, in the claim's activity log."""
    with transaction.atomic():
        record_audits(
            actor=actor,
            action="claim.accessed",
            targets=claims,
            data={"role": str(actor.get_role_display()), "what": what},
        )


def open_claim(
    *,
    actor,
    practice: Practice,
    claim_type: str,
    event_date: date,
    reported_on: date,
    place: str,
    description: str,
    estimated_amount=None,
    third_parties: str = "",
    documents: dict | None = None,
    notify_insured: bool = False,
) -> Claim:
    """APRI SINISTRO: a claim on an eligible policy of the firm, with its documents.

    `documents` maps a checklist code to [(file name, bytes)]. The claim gets its number at once;
    when every required document is there the SLA clock starts.
    """
    require(actor, "open_claims")
    if practice.firm_id != actor.firm_id:
        raise PermissionDenied(_("Non hai i permessi per questa polizza."))
    today = timezone.localdate()
    if not is_eligible(practice, today):
        late = practice.status in ENDED and cover_period(practice).open_until_refusal(today)
        raise DomainError(late or _("Su questa polizza non si può aprire un sinistro."))
    if event_date > today:
        raise DomainError(_("La data dell'evento non può essere futura."), field="event_date")
    if not event_date <= reported_on <= today:
        raise DomainError(
            _("La data della denuncia va tra la data dell'evento e oggi."), field="reported_on"
        )
    if refusal := cover_period(practice).refusal(
        event_date=event_date, reported_on=reported_on, today=today
    ):
        raise DomainError(refusal, field="event_date")
    kind = claim_type_of(practice.product, claim_type)
    if kind is None:
        raise DomainError(_("Scegli il tipo di sinistro."), field="claim_type")
    place = bounded_text(place, limit=SHORT_TEXT, field="place")
    description = bounded_text(description, limit=NOTE_TEXT, field="description")
    third_parties = bounded_text(third_parties, limit=REASON_TEXT, field="third_parties")
    if not place or not description:
        raise DomainError(_("Indica luogo e descrizione dell'evento."), field="description")
    estimate = (
        _amount(estimated_amount, field="estimated_amount")
        if estimated_amount not in (None, "")
        else None
    )
    labels = {doc["code"]: doc["label"] for doc in kind["documents"]}
    with transaction.atomic():
        claim = Claim.objects.create(
            number=formatted_number("SIN", today.year),
            firm=practice.firm,
            practice=practice,
            client_id=practice.client_id,
            claim_type=kind["code"],
            claim_type_label=kind["label"],
            event_date=event_date,
            reported_on=reported_on,
            place=place.strip(),
            description=description.strip(),
            estimated_amount=estimate,
            third_parties=third_parties.strip(),
            created_by=actor,
            created_at=timezone.now(),
        )
        for code, uploads in (documents or {}).items():
            _store_documents(actor, claim, code, labels.get(code, _("Altro documento")), uploads)
        if not missing_documents(claim):
            _start_sla(claim)
            claim.save(update_fields=["docs_complete_on", "sla_due"])
        _event(claim, actor, "opened", _("Sinistro aperto: %(type)s") % {"type": kind["label"]})
        summary = json.dumps(
            {
                "claim": str(claim.uuid),
                "policy": str(practice.uuid),
                "type": claim.claim_type,
                "event_date": event_date.isoformat(),
                "documents": sorted(d.file.sha256 for d in claim.documents.all()),
            },
            sort_keys=True,
            separators=(",", ":"),
        )
        record_event(
            type="claim.opened",
            ref=str(claim.uuid),
            sha256=hashlib.sha256(summary.encode()).hexdigest(),
        )
        queue_email(to=actor.email, template="claim_opened", context={"claim": claim})
        if notify_insured and practice.client.email:
            queue_email(
                to=practice.client.email, template="claim_opened_insured", context={"claim": claim}
            )
        _tell_mga(claim, "claim_to_handle")
        return claim


def add_claim_documents(*, actor, claim: Claim, kind: str, uploads) -> list[ClaimDocument]:
    """Add documents to an open claim (the firm, operators or the assigned adjuster)."""
    require(actor, "view_claims")
    if not uploads:
        raise DomainError(_("Scegli almeno un file."), field="files")
    with transaction.atomic():
        claim = _locked(actor, claim, None)
        if not claim.is_open:
            raise InvalidTransition(_("Il sinistro è chiuso: non si aggiungono documenti."))
        labels = {
            doc["code"]: doc["label"]
            for doc in (claim_type_of(claim.practice.product, claim.claim_type) or {}).get(
                "documents", []
            )
        }
        added = _store_documents(
            actor, claim, kind, labels.get(kind, _("Altro documento")), uploads
        )
        _event(claim, actor, "documents", ", ".join(d.file.name for d in added))
        _save(claim)
        if actor.role == "collaborator":
            _tell_mga(claim, "claim_documents_added")
        return added


def request_claim_documents(*, actor, claim: Claim, text: str, version: int | None = None) -> Claim:
    """The MGA asks the firm for missing documents (again, if need be): the claim waits in
    `docs_missing`."""
    require(actor, "adjust_claims")
    text = bounded_text(text, limit=REASON_TEXT)
    if not text:
        raise DomainError(_("Scrivi quali documenti servono."), field="text")
    with transaction.atomic():
        claim = _locked(actor, claim, version)
        _guard(claim, S.DOCS_MISSING)
        claim.status = S.DOCS_MISSING
        _save(claim, "status")
        _event(claim, actor, "documents_requested", text.strip())
        _tell_firm(claim, "claim_documents_requested", text=text.strip())
        return claim


def _resumed_status(claim: Claim) -> str:
    """Where a claim waiting for documents goes back to: as far as it had got."""
    if not (claim.adjuster_id or claim.external_adjuster):
        return S.OPENED
    return S.INVESTIGATION if claim.insurer_claim_number else S.ASSIGNED


def mark_documentation_complete(*, actor, claim: Claim, version: int | None = None) -> Claim:
    """An operator confirms the documentation is complete: the SLA clock starts (the first
    time), and a claim waiting for documents goes back to where it was."""
    require(actor, "handle_claims")
    with transaction.atomic():
        claim = _locked(actor, claim, version)
        missing = missing_documents(claim)
        if missing:
            raise DomainError(
                _("Mancano documenti obbligatori: %(docs)s.") % {"docs": ", ".join(missing)}
            )
        if claim.status == S.DOCS_MISSING:
            claim.status = _resumed_status(claim)
        elif not claim.is_open:
            raise InvalidTransition(_("Il sinistro è chiuso."))
        _start_sla(claim)
        _save(claim, "status", "docs_complete_on", "sla_due")
        _event(claim, actor, "documents_complete", _("Documentazione completa"))
        _tell_firm(
            claim,
            "claim_update",
            update=_(
                "Documentazione completa: numero della compagnia e istruttoria attesi entro il "
                "%(due)s (20 giorni lavorativi)."
            )
            % {"due": claim.sla_due.strftime("%d/%m/%Y")},
        )
        return claim


def assign_adjuster(
    *, actor, claim: Claim, adjuster=None, external: str = "", version: int | None = None
) -> Claim:
    """An operator assigns a Liquidatore user, or records an external adjuster."""
    require(actor, "handle_claims")
    external = external.strip()
    if (adjuster is None) == (not external):
        raise DomainError(
            _("Scegli un liquidatore oppure indica un liquidatore esterno."), field="adjuster"
        )
    if adjuster is not None and (adjuster.role != ADJUSTER or not adjuster.is_active):
        raise DomainError(_("L'utente scelto non è un liquidatore."), field="adjuster")
    with transaction.atomic():
        claim = _locked(actor, claim, version)
        if claim.status not in (S.ASSIGNED, S.INVESTIGATION):
            _guard(claim, S.ASSIGNED)
            claim.status = S.ASSIGNED
        claim.adjuster, claim.external_adjuster = adjuster, external
        _save(claim, "status", "adjuster", "external_adjuster")
        who = adjuster.get_full_name() if adjuster else external
        _event(claim, actor, "assigned", _("Liquidatore: %(who)s") % {"who": who})
        if adjuster is not None:
            queue_email(to=adjuster.email, template="claim_assigned", context={"claim": claim})
        _tell_firm(
            claim, "claim_update", update=_("Assegnato il liquidatore %(who)s") % {"who": who}
        )
        return claim


def record_insurer_claim_number(
    *, actor, claim: Claim, number: str, version: int | None = None
) -> Claim:
    """The insurer's claim number arrives (first SLA milestone); the investigation starts."""
    require(actor, "handle_claims")
    number = number.strip()
    if not number:
        raise DomainError(_("Indica il numero di sinistro della compagnia."), field="number")
    with transaction.atomic():
        claim = _locked(actor, claim, version)
        if claim.status == S.ASSIGNED:
            claim.status = S.INVESTIGATION
        elif not claim.is_open:
            raise InvalidTransition(_("Il sinistro è chiuso."))
        claim.insurer_claim_number = number
        claim.insurer_number_on = claim.insurer_number_on or timezone.localdate()
        _save(claim, "status", "insurer_claim_number", "insurer_number_on")
        _event(
            claim, actor, "insurer_number", _("Numero sinistro compagnia: %(n)s") % {"n": number}
        )
        _tell_firm(
            claim,
            "claim_update",
            update=_("Numero sinistro della compagnia: %(n)s") % {"n": number},
        )
        return claim


def add_claim_note(*, actor, claim: Claim, text: str, shared: bool = True) -> None:
    """A note on the timeline; MGA staff and adjusters may keep it internal."""
    require(actor, "view_claims")
    text = bounded_text(text, limit=NOTE_TEXT)
    if not text:
        raise DomainError(_("Scrivi la nota."), field="text")
    with transaction.atomic():
        claim = _locked(actor, claim, None)
        internal = not shared and actor.role != "collaborator"
        _event(claim, actor, "note", text, shared=not internal)
        _save(claim)


def write_about_claim(*, actor, claim: Claim, body: str, files=(), base_url: str = "") -> Thread:
    """A message between the firm and the MGA about the claim, in the claim's own Comunicazioni
    thread (opened by the first message)."""
    require(actor, "use_messages")
    with transaction.atomic():
        claim = _locked(actor, claim, None)
        return write_about(
            actor=actor,
            firm=claim.firm,
            subject_type="claim",
            subject_id=claim.number,
            title=_("Sinistro %(n)s — %(client)s")
            % {"n": claim.number, "client": claim.practice.client.display_name},
            body=body,
            files=files,
            base_url=base_url,
        )


def _quietanza_pdf(claim: Claim, quietanza: Quietanza):
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
    )


def post_quietanza(
    *,
    actor,
    claim: Claim,
    amount,
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
        _guard(claim, S.OFFER_RECEIVED)
        identification = contract_identification_of(claim.practice)
        if identification is None:
            raise DomainError(
                _(
                    "Non risulta un documento d'identità dell'assicurato (firma FEA del "
                    "contratto): chiedilo all'agenzia prima di inviare la quietanza."
                )
            )
        for previous in claim.quietanze.filter(status=Quietanza.Status.PENDING):
            previous.status = Quietanza.Status.SUPERSEDED
            previous.save(update_fields=["status"])
            for request in open_requests_for_subject("quietanza", previous.pk):
                void_signature_request(actor=actor, request=request)
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
            subject_kind="quietanza",
            subject_id=quietanza.pk,
            title=_("Quietanza del sinistro %(n)s (v%(v)s): € %(a)s")
            % {"n": claim.number, "v": quietanza.version, "a": _euro(amount)},
            document=quietanza.document,
            signer=_signer(claim),
            earlier_identification=identification,
            base_url=base_url,
        )
        if claim.practice.client.mobile:
            queue_sms(
                to=claim.practice.client.mobile,
                text=_(
                    "%(mga)s: quietanza del sinistro %(n)s, ti offriamo € %(a)s. Accetta o "
                    "contesta entro il %(by)s: %(url)s"
                )
                % {
                    "mga": settings.MGA_NAME,
                    "n": claim.number,
                    "a": _euro(amount),
                    "by": timezone.localtime(request.expires_at).strftime("%d/%m/%Y"),
                    "url": signing_url(request, base_url),
                },
            )
        claim.status = S.OFFER_RECEIVED
        claim.investigation_done_on = claim.investigation_done_on or timezone.localdate()
        _save(claim, "status", "investigation_done_on")
        _event(
            claim,
            actor,
            "quietanza",
            _("Quietanza v%(v)s: € %(a)s (%(k)s)")
            % {"v": quietanza.version, "a": _euro(amount), "k": quietanza.get_kind_display()},
        )
        _tell_firm(claim, "claim_quietanza", quietanza=quietanza)
        return quietanza


def quietanza_context(signature) -> dict:
    """What the insured's e-mails about a quietanza say: the claim and the amount offered."""
    quietanza = Quietanza.objects.select_related("claim").get(pk=signature.subject_id)
    return {"claim": quietanza.claim, "quietanza": quietanza, "amount": _euro(quietanza.amount)}


def claim_of(signature) -> Claim:
    return Quietanza.objects.select_related("claim").get(pk=signature.subject_id).claim


def record_quietanza_signed(signature) -> None:
    """Signature handler: the insured accepted the quietanza with the FEA."""
    quietanza = Quietanza.objects.select_for_update().get(pk=signature.subject_id)
    claim = Claim.objects.select_for_update().get(pk=quietanza.claim_id)
    if quietanza.status != Quietanza.Status.PENDING:
        raise InvalidTransition(_("Questa quietanza non è più in attesa di risposta."))
    _guard(claim, S.ACCEPTED)
    quietanza.status, quietanza.decided_at = Quietanza.Status.ACCEPTED, timezone.now()
    quietanza.signed_document = signature.signed_document
    quietanza.save(update_fields=["status", "decided_at", "signed_document"])
    claim.status = S.ACCEPTED
    _save(claim, "status")
    _event(
        claim,
        None,
        "accepted",
        _("L'assicurato ha accettato la quietanza v%(v)s") % {"v": quietanza.version},
    )
    record_event(
        type="quietanza.accepted", ref=str(claim.uuid), sha256=signature.signed_document.sha256
    )
    _tell_firm(claim, "claim_update", update=_("L'assicurato ha accettato la quietanza."))
    _tell_mga(claim, "claim_update", update=_("L'assicurato ha accettato la quietanza."))


def record_quietanza_closed(signature) -> None:
    """Signature handler: refused with objections (back to investigation), or a link that
    expired or was voided (the quietanza stays to be re-sent)."""
    quietanza = Quietanza.objects.select_for_update().get(pk=signature.subject_id)
    claim = Claim.objects.select_for_update().get(pk=quietanza.claim_id)
    if not signature.is_declined:
        if quietanza.status == Quietanza.Status.PENDING:
            _event(claim, None, "link_closed", signature.get_status_display(), shared=False)
        return
    quietanza.status, quietanza.decided_at = Quietanza.Status.REFUSED, timezone.now()
    quietanza.objections = signature.decline_reason
    quietanza.save(update_fields=["status", "decided_at", "objections"])
    for stored in signature.decline_attachments.all():
        ClaimDocument.objects.create(
            claim=claim,
            kind="obiezioni",
            label=_("Allegato alle obiezioni (quietanza v%(v)s)") % {"v": quietanza.version},
            file=stored,
            uploaded_by=claim.created_by,
            uploaded_at=timezone.now(),
        )
    _guard(claim, S.INVESTIGATION)
    claim.status = S.INVESTIGATION
    # The investigation resumes (DESIGN §3: refuse → investigation → offer): the SLA's
    # "end of the investigation" milestone is open again, with a new period from today.
    claim.investigation_done_on = None
    if claim.docs_complete_on is not None:
        claim.sla_due = add_working_days(
            timezone.localdate(), SLA_WORKING_DAYS, sla_closures(claim)
        )
    _save(claim, "status", "investigation_done_on", "sla_due")
    _event(
        claim,
        None,
        "refused",
        _("L'assicurato ha contestato la quietanza v%(v)s: %(why)s")
        % {"v": quietanza.version, "why": quietanza.objections},
    )
    if claim.sla_due is not None:
        _event(
            claim,
            None,
            "sla_restarted",
            _("Istruttoria riaperta: nuovo termine SLA il %(due)s (20 giorni lavorativi).")
            % {"due": claim.sla_due.strftime("%d/%m/%Y")},
        )
    record_event(type="quietanza.refused", ref=str(claim.uuid), sha256=quietanza.document.sha256)
    _tell_firm(claim, "claim_update", update=_("L'assicurato ha contestato la quietanza."))
    _tell_mga(claim, "claim_update", update=_("L'assicurato ha contestato la quietanza."))


def record_claim_payment(
    *, actor, claim: Claim, amount, paid_on: date, iban: str, version: int | None = None
) -> Claim:
    """The MGA records the payment of the accepted quietanza: `paid`."""
    require(actor, "handle_claims")
    amount = _amount(amount, field="amount")
    try:
        iban = stdnum_iban.validate(iban)
    except StdnumError:
        raise DomainError(_("IBAN non valido: controlla i caratteri."), field="iban") from None
    if paid_on > timezone.localdate():
        raise DomainError(_("La data del pagamento non può essere futura."), field="paid_on")
    with transaction.atomic():
        claim = _locked(actor, claim, version)
        _guard(claim, S.PAID)
        accepted = claim.quietanze.get(status=Quietanza.Status.ACCEPTED)
        if amount != accepted.amount:
            raise DomainError(
                _("L'importo pagato deve essere quello della quietanza accettata (€ %(a)s).")
                % {"a": _euro(accepted.amount)},
                field="amount",
            )
        claim.status, claim.paid_amount, claim.paid_on, claim.payee_iban = (
            S.PAID,
            amount,
            paid_on,
            iban,
        )
        _save(claim, "status", "paid_amount", "paid_on", "payee_iban")
        _event(
            claim,
            actor,
            "paid",
            _("Pagati € %(a)s il %(d)s") % {"a": _euro(amount), "d": paid_on.strftime("%d/%m/%Y")},
        )
        _tell_firm(
            claim, "claim_update", update=_("Indennizzo pagato: € %(a)s") % {"a": _euro(amount)}
        )
        return claim


def close_claim(*, actor, claim: Claim, version: int | None = None) -> Claim:
    """A paid claim is closed."""
    require(actor, "handle_claims")
    with transaction.atomic():
        claim = _locked(actor, claim, version)
        _guard(claim, S.CLOSED)
        claim.status = S.CLOSED
        _save(claim, "status")
        _event(claim, actor, "closed", _("Sinistro chiuso"))
        _tell_firm(claim, "claim_update", update=_("Sinistro chiuso."))
        return claim


def end_claim(
    *, actor, claim: Claim, outcome: str, reason: str, version: int | None = None
) -> Claim:
    """Reject a claim, or close it without payment, with the reason the firm is told."""
    require(actor, "handle_claims")
    if outcome not in (S.REJECTED, S.CLOSED_WITHOUT_PAYMENT):
        raise DomainError(_("Esito non valido."))
    reason = bounded_text(reason, limit=500, field="reason")
    if not reason:
        raise DomainError(_("Indica il motivo."), field="reason")
    with transaction.atomic():
        claim = _locked(actor, claim, version)
        if claim.status not in _ENDABLE:
            raise InvalidTransition(_("In questo stato il sinistro non può essere chiuso così."))
        _guard(claim, outcome)
        claim.status, claim.outcome_reason = outcome, reason
        _save(claim, "status", "outcome_reason")
        for pending in claim.quietanze.filter(status=Quietanza.Status.PENDING):
            pending.status = Quietanza.Status.SUPERSEDED
            pending.save(update_fields=["status"])
            for request in open_requests_for_subject("quietanza", pending.pk):
                void_signature_request(actor=actor, request=request)
        label = S(outcome).label
        _event(
            claim,
            actor,
            outcome,
            _("%(label)s. Motivo: %(reason)s") % {"label": label, "reason": claim.outcome_reason},
        )
        # the reason someone typed goes in the body, never in the subject
        _tell_firm(
            claim,
            "claim_update",
            update=f"{label}: {claim.outcome_reason}",
            headline=label,
        )
        return claim


def reopen_claim(*, actor, claim: Claim, reason: str, version: int | None = None) -> Claim:
    """A closed, rejected or dropped claim is reopened, with the reason."""
    require(actor, "handle_claims")
    reason = bounded_text(reason, limit=REASON_TEXT, field="reason")
    if not reason:
        raise DomainError(_("Indica perché riapri il sinistro."), field="reason")
    with transaction.atomic():
        claim = _locked(actor, claim, version)
        if claim.status not in _CLOSED:
            raise InvalidTransition(_("Si riapre solo un sinistro chiuso."))
        # the outcome's reason belonged to the closing; it stays on the timeline
        claim.status, claim.outcome_reason = S.REOPENED, ""
        _save(claim, "status", "outcome_reason")
        _event(
            claim, actor, "reopened", _("Sinistro riaperto. Motivo: %(r)s") % {"r": reason.strip()}
        )
        _tell_firm(
            claim,
            "claim_update",
            update=_("Sinistro riaperto: %(r)s") % {"r": reason.strip()},
            headline=_("Sinistro riaperto"),
        )
        return claim


def send_overdue_report() -> int:
    """Daily: e-mail the operators the open claims past their SLA; returns how many."""
    overdue = list(overdue_claims())
    if not overdue:
        return 0
    with transaction.atomic():
        for email in role_emails(OPERATOR):
            queue_email(to=email, template="claims_overdue", context={"claims": overdue})
    return len(overdue)
