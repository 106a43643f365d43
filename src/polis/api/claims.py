"""The API of claims: list, read, open, add documents and notes; the adjuster's handling (the
insurer's claim number, the quietanza), the documents to read."""

from datetime import date
from decimal import Decimal

from django.db import transaction
from ninja import Field, File, Form, Router, Schema, Status, UploadedFile

from polis.api.auth import ApiKeyAuth, UserSession, caller_with, narrowed, within_insurer
from polis.api.schemas import ERRORS, DocumentOut, page
from polis.claims import selectors as claims
from polis.claims import services as claim_services
from polis.claims.actions import allowed_actions
from polis.core.links import base_url
from polis.core.text import NOTE_TEXT, REASON_TEXT, SHORT_TEXT
from polis.documents.services import open_download
from polis.practices import selectors as practice_selectors

# Every role the claims pages serve: the firm, the MGA's staff, the assigned adjuster.
router = Router(
    auth=[ApiKeyAuth("claims:read", "claims:write", "view_claims"), UserSession("view_claims")]
)


def _claim(request, claim_id: int):
    return within_insurer(request, claims.get_claim_for(request.auth, claim_id))


class ClaimIn(Schema):
    practice_id: int
    claim_type: str
    event_date: date
    reported_on: date
    place: str = Field(max_length=SHORT_TEXT)
    description: str = Field(max_length=NOTE_TEXT)
    estimated_amount: Decimal | None = None
    third_parties: str = Field("", max_length=REASON_TEXT)


class ClaimOut(Schema):
    id: int
    number: str
    policy_number: str
    claim_type: str
    status: str
    status_label: str
    event_date: date
    reported_on: date
    sla_due: date | None
    sla_working_days_left: int | None = Field(
        None, description="Giorni lavorativi alla scadenza SLA; negativi se in ritardo."
    )
    overdue: bool
    insurer_claim_number: str
    missing_documents: list[str]


class ClaimDetailOut(ClaimOut):
    allowed_actions: list[str] = Field(
        description="Le azioni che l'utente può compiere ora sul sinistro, come i moduli della "
        "sua pagina (documents, note, message, request_documents, assign, quietanza, payment, "
        "close, end, reopen…), in ordine alfabetico."
    )


class NoteIn(Schema):
    text: str = Field(max_length=NOTE_TEXT)
    shared: bool = Field(True, description="False: nota interna dell'MGA, non vista dall'agenzia.")


def _claim_out(claim) -> ClaimOut:
    sla = claims.sla_of(claim)
    return ClaimOut(
        id=claim.pk,
        number=claim.number,
        policy_number=claim.practice.policy_number,
        claim_type=claim.claim_type,
        status=claim.status,
        status_label=claim.get_status_display(),
        event_date=claim.event_date,
        reported_on=claim.reported_on,
        sla_due=claim.sla_due,
        sla_working_days_left=sla.days_left if sla.running else None,
        overdue=sla.overdue,
        insurer_claim_number=claim.insurer_claim_number,
        missing_documents=claims.missing_documents(claim),
    )


@router.get("/claims", response={200: list[ClaimOut], **ERRORS}, summary="Sinistri visibili")
def list_claims(
    request,
    q: str = "",
    text: str = "",
    status: str = "",
    overdue: bool = False,
    limit: int = 50,
    offset: int = 0,
):
    """Newest first; `q` searches claim, insurer and policy numbers, client name, tax code;
    `text` the words of the event's description (Italian full-text search on PostgreSQL)."""
    found = narrowed(
        request,
        claims.search_claims(
            request.auth, query=q[:100], text=text[:200], status=status, overdue=overdue
        ),
        "practice__product__insurer",
    )
    shown = list(page(found, limit, offset))
    claim_services.record_claim_access(actor=request.auth, claims=shown, what="API: elenco")
    return [_claim_out(c) for c in shown]


@router.get("/claims/{claim_id}", response={200: ClaimDetailOut, **ERRORS}, summary="Un sinistro")
def get_claim(request, claim_id: int):
    claim = _claim(request, claim_id)
    claim_services.record_claim_access(actor=request.auth, claims=[claim], what="API: sinistro")
    return ClaimDetailOut(
        **_claim_out(claim).dict(), allowed_actions=sorted(allowed_actions(claim, request.auth))
    )


@router.post("/claims", response={201: ClaimOut, **ERRORS}, summary="Apri un sinistro")
def open_claim(request, payload: ClaimIn):
    caller_with(request, "open_claims")
    claim = claim_services.open_claim(
        actor=request.auth,
        # any policy the user sees: the service says why one is not covered (issue 19)
        practice=practice_selectors.get_practice_for(request.auth, payload.practice_id),
        claim_type=payload.claim_type,
        event_date=payload.event_date,
        reported_on=payload.reported_on,
        place=payload.place,
        description=payload.description,
        estimated_amount=payload.estimated_amount,
        third_parties=payload.third_parties,
    )
    return Status(201, _claim_out(claim))


@router.post(
    "/claims/{claim_id}/documents",
    response={201: list[DocumentOut], **ERRORS},
    summary="Aggiungi documenti a un sinistro",
)
def add_claim_documents(request, claim_id: int, kind: Form[str], files: File[list[UploadedFile]]):
    added = claim_services.add_claim_documents(
        actor=request.auth,
        claim=_claim(request, claim_id),
        kind=kind[:40],
        uploads=[(f.name, f.read()) for f in files[:10]],
    )
    return Status(
        201,
        [
            DocumentOut(id=d.pk, kind=d.kind, label=d.label, name=d.file.name, sha256=d.file.sha256)
            for d in added
        ],
    )


@router.post(
    "/claims/{claim_id}/notes", response={201: ClaimOut, **ERRORS}, summary="Aggiungi una nota"
)
def add_claim_note(request, claim_id: int, payload: NoteIn):
    claim = _claim(request, claim_id)
    claim_services.add_claim_note(
        actor=request.auth, claim=claim, text=payload.text, shared=payload.shared
    )
    return Status(201, _claim_out(claim))


class InsurerNumberIn(Schema):
    number: str = Field(max_length=40)
    version: int | None = Field(None, description="La versione letta del sinistro (opzionale).")


class QuietanzaOut(Schema):
    id: int
    version: int
    amount: Decimal
    kind: str
    status: str
    claim: ClaimOut


@router.post(
    "/claims/{claim_id}/insurer-number",
    response={200: ClaimOut, **ERRORS},
    summary="Registra il numero di sinistro della compagnia",
)
def record_insurer_number(request, claim_id: int, payload: InsurerNumberIn):
    """The MGA or the assigned adjuster (the insurer's claims system, with its key); from
    `assigned` the investigation starts."""
    claim = claim_services.record_insurer_claim_number(
        actor=request.auth,
        claim=_claim(request, claim_id),
        number=payload.number,
        version=payload.version,
    )
    return _claim_out(claim)


@router.post(
    "/claims/{claim_id}/quietanza",
    response={201: QuietanzaOut, **ERRORS},
    summary="Invia una quietanza all'assicurato",
)
def post_quietanza(
    request,
    claim_id: int,
    amount: Form[Decimal],
    kind: Form[str],
    conditions: Form[str],
    version: Form[int | None] = None,
    pdf: UploadedFile | None = File(None),  # noqa: B008 (ninja declares a part so)
):
    """As the adjuster's page: a new version, sent to the insured to accept with the FEA (the
    acceptance stays with the insured) or contest; the answer arrives by webhook
    (`quietanza.accepted` / `quietanza.contested`). The insurer's own PDF, if sent, is added
    to the claim's documents (validated as every upload)."""
    claim = _claim(request, claim_id)
    with transaction.atomic():
        quietanza = claim_services.post_quietanza(
            actor=request.auth,
            claim=claim,
            amount=amount,
            kind=kind[:10],
            conditions=conditions,
            version=version,
            base_url=base_url(request),
        )
        if pdf is not None:
            claim_services.add_claim_documents(
                actor=request.auth,
                claim=quietanza.claim,
                kind="quietanza_compagnia",
                uploads=[(pdf.name or "quietanza.pdf", pdf.read())],
            )
    return Status(
        201,
        QuietanzaOut(
            id=quietanza.pk,
            version=quietanza.version,
            amount=quietanza.amount,
            kind=quietanza.kind,
            status=quietanza.status,
            claim=_claim_out(quietanza.claim),
        ),
    )


@router.get(
    "/claims/{claim_id}/documents",
    response={200: list[DocumentOut], **ERRORS},
    summary="Documenti di un sinistro",
)
def list_claim_documents(request, claim_id: int):
    claim = _claim(request, claim_id)
    claim_services.record_claim_access(actor=request.auth, claims=[claim], what="API: documenti")
    return [
        DocumentOut(id=d.pk, kind=d.kind, label=d.label, name=d.file.name, sha256=d.file.sha256)
        for d in claims.documents_of(claim)
    ]


@router.get(
    "/claims/{claim_id}/documents/{document_id}",
    response=ERRORS,
    summary="Scarica un documento del sinistro",
    openapi_extra={
        "responses": {200: {"description": "Il file", "content": {"application/octet-stream": {}}}}
    },
)
def download_claim_document(request, claim_id: int, document_id: int):
    """The file itself; every opening is in the claim's access log, as on the page."""
    _claim(request, claim_id)
    document = claims.get_document_for(request.auth, claim_id, document_id)
    claim_services.record_claim_access(
        actor=request.auth, claims=[document.claim], what=f"API: documento {document.label}"
    )
    return open_download(actor=request.auth, stored=document.file)
