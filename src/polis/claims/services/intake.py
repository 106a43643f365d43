"""A claim reported and documented: opening, documents, requests for documents, completeness."""

from __future__ import annotations

import hashlib
import json
from collections.abc import Iterable
from datetime import date
from decimal import Decimal
from typing import TYPE_CHECKING

from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from polis.claims.audit import ClaimAudit
from polis.claims.cover import cover_period
from polis.claims.models import Claim, ClaimDocument
from polis.claims.selectors import (
    ENDED,
    claim_type_of,
    documentation_to_confirm,
    is_eligible,
    missing_document_kinds,
    missing_documents,
)
from polis.claims.services._common import (
    S,
    _amount,
    _change,
    _event,
    _locked,
    _start_sla,
    _store_documents,
    _tell_firm,
    _tell_mga,
)
from polis.core.access import require
from polis.core.errors import DomainError, InvalidTransition, PermissionDenied
from polis.core.numbering import formatted_number
from polis.core.text import NOTE_TEXT, REASON_TEXT, SHORT_TEXT, bounded_text
from polis.ledger.services import record_event
from polis.lifecycle import lock
from polis.notify.services import queue_email
from polis.practices.models import Practice
from polis.practices.registry import tell_insured

if TYPE_CHECKING:
    from polis.accounts.models import User


def open_claim(
    *,
    actor: User,
    practice: Practice,
    claim_type: str,
    event_date: date,
    reported_on: date,
    place: str,
    description: str,
    estimated_amount: Decimal | str | None = None,
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
    if refusal := cover_period(practice, on=event_date).refusal(
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
        _event(
            claim,
            actor,
            ClaimAudit.OPENED,
            _("Sinistro aperto: %(type)s") % {"type": kind["label"]},
        )
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
                to=practice.client.email,
                template="claim_opened_insured",
                context={"claim": claim},
                language=practice.client.language,
            )
            tell_insured(practice=practice, claim=claim)
        _tell_mga(claim, "claim_to_handle")
        return claim


def add_claim_documents(
    *, actor: User, claim: Claim, kind: str, uploads: Iterable[tuple[str, bytes]]
) -> list[ClaimDocument]:
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
        _change(claim, actor, ClaimAudit.DOCUMENTS, ", ".join(d.file.name for d in added))
        if actor.is_collaborator:
            _tell_mga(claim, "claim_documents_added")
        return added


def request_claim_documents(
    *, actor: User, claim: Claim, text: str, version: int | None = None
) -> Claim:
    """The MGA asks the firm for missing documents (again, if need be): the claim waits in
    `docs_missing`."""
    require(actor, "adjust_claims")
    text = bounded_text(text, limit=REASON_TEXT)
    if not text:
        raise DomainError(_("Scrivi quali documenti servono."), field="text")
    with transaction.atomic():
        claim = _locked(actor, claim, version)
        _change(claim, actor, ClaimAudit.DOCUMENTS_REQUESTED, text.strip(), to=S.DOCS_MISSING)
        _tell_firm(claim, "claim_documents_requested", text=text.strip())
        return claim


def _resumed_status(claim: Claim) -> str:
    """Where a claim waiting for documents goes back to: as far as it had got."""
    if not (claim.adjuster_id or claim.external_adjuster):
        return S.OPENED
    return S.INVESTIGATION if claim.insurer_claim_number else S.ASSIGNED


def mark_documentation_complete(*, actor: User, claim: Claim, version: int | None = None) -> Claim:
    """An operator confirms the documentation is complete: the SLA clock starts (the first
    time), and a claim waiting for documents goes back to where it was. Refused when it would
    change nothing (complete already, the firm not told again)."""
    require(actor, "handle_claims")
    with transaction.atomic():
        claim = _locked(actor, claim, version)
        if not claim.is_open:
            raise InvalidTransition(_("Il sinistro è chiuso."))
        if not documentation_to_confirm(claim):
            raise InvalidTransition(_("La documentazione del sinistro è già completa."))
        missing = missing_documents(claim)
        if missing:
            raise DomainError(
                _("Mancano documenti obbligatori: %(docs)s.") % {"docs": ", ".join(missing)}
            )
        _start_sla(claim)
        _change(
            claim,
            actor,
            ClaimAudit.DOCUMENTS_COMPLETE,
            _("Documentazione completa"),
            to=_resumed_status(claim) if claim.status == S.DOCS_MISSING else None,
            fields=("docs_complete_on", "sla_due"),
        )
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


def add_insured_claim_documents(
    *, claim: Claim, kind: str, uploads: Iterable[tuple[str, bytes]]
) -> list[ClaimDocument]:
    """The insured sends a missing document from their personal link (no account): only a
    required document of the claim's type not yet there, validated as every upload; the MGA
    (operators and the adjuster) and the firm are told."""
    if not uploads:
        raise DomainError(_("Scegli almeno un file."), field="files")
    with transaction.atomic():
        claim = lock(claim)
        if not claim.is_open:
            raise InvalidTransition(_("Il sinistro è chiuso: non si aggiungono documenti."))
        required = missing_document_kinds(claim)
        if kind not in required:
            raise DomainError(_("Questo documento non è tra quelli mancanti."), field="kind")
        added = _store_documents(None, claim, kind, required[kind], uploads)
        _change(claim, None, ClaimAudit.DOCUMENTS, ", ".join(d.file.name for d in added))
        _tell_mga(claim, "claim_documents_from_insured")
        _tell_firm(claim, "claim_documents_from_insured")
        return added
