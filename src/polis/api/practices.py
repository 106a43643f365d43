"""The API of practices: list, read, create, needs, issue, documents, messages, variazioni
and versions."""

from datetime import date, datetime
from decimal import Decimal

from django.shortcuts import get_object_or_404
from ninja import Field, File, Form, Router, Schema, Status, UploadedFile

from polis.api.auth import ApiKeyAuth, UserSession, caller_with, narrowed, within_insurer
from polis.api.schemas import ERRORS, DocumentOut, PriceIn, page
from polis.catalog.models import Product
from polis.clients.selectors import get_client_for
from polis.core.links import base_url
from polis.core.text import MESSAGE_TEXT
from polis.messaging.selectors import messages_of
from polis.practices import selectors as practice_selectors
from polis.practices import services as practice_services
from polis.practices.actions import ENDORSEMENT_ACTIONS, allowed_actions

router = Router(auth=[ApiKeyAuth("policies:read", "policies:write"), UserSession("view_practices")])


def _practice(request, practice_id: int):
    return within_insurer(request, practice_selectors.get_practice_for(request.auth, practice_id))


class PracticeIn(PriceIn):
    client_id: int


class PracticeOut(Schema):
    id: int
    policy_number: str | None
    status: str
    status_label: str
    product: str
    client_id: int
    effective_date: date
    end_date: date
    net: Decimal
    tax: Decimal
    gross: Decimal
    commission: Decimal
    review_reason: str
    needs_recorded: bool
    needs_consistent: bool | None = Field(
        description="Esigenze coerenti con il prodotto (null se non ancora registrate)."
    )
    needs_reason: str
    version: int


class PracticeDetailOut(PracticeOut):
    allowed_actions: list[str] = Field(
        description="Le azioni che l'utente può compiere ora sulla pratica, come i pulsanti "
        "della sua pagina (issue, approve, decline, request_information, answer_information, "
        "needs, add_documents, send_for_signature, record_payment, renew, cancel…), in ordine "
        "alfabetico."
    )


class NeedsIn(Schema):
    answers: dict[str, str] = Field(
        default_factory=dict, description="{nome della domanda: valore scelto}"
    )
    refused: bool = Field(False, description="Il cliente non ha voluto rispondere.")
    medium: str = Field(
        "", description="Consegna dei documenti precontrattuali: paper, email o link."
    )
    durable_consent: bool = Field(
        False, description="Consenso del cliente a un supporto durevole non cartaceo."
    )


class MessageIn(Schema):
    text: str = Field(max_length=MESSAGE_TEXT)


class MessageOut(Schema):
    id: int
    author: str
    from_mga: bool = Field(description="True: scritto dall'MGA; False: dall'agenzia.")
    body: str
    is_request: bool = Field(description="Una richiesta dell'MGA che attende una risposta.")
    answered: bool
    created_at: datetime
    attachments: list[str]


def _practice_out(practice) -> PracticeOut:
    return PracticeOut(
        id=practice.pk,
        policy_number=practice.policy_number,
        status=practice.status,
        status_label=practice.get_status_display(),
        product=practice.product.code,
        client_id=practice.client_id,
        effective_date=practice.effective_date,
        end_date=practice.end_date,
        net=practice.net,
        tax=practice.tax,
        gross=practice.gross,
        commission=practice.commission,
        review_reason=practice.review_reason,
        needs_recorded=bool(practice.needs),
        needs_consistent=practice.needs.get("consistent") if practice.needs else None,
        needs_reason=(practice.needs or {}).get("reason", ""),
        version=practice.version,
    )


def _document_out(document) -> DocumentOut:
    return DocumentOut(
        id=document.pk,
        kind=document.kind,
        label=document.label,
        name=document.file.name,
        sha256=document.file.sha256,
    )


@router.get("/practices", response={200: list[PracticeOut], **ERRORS}, summary="Pratiche visibili")
def list_practices(request, q: str = "", status: str = "", limit: int = 50, offset: int = 0):
    practices = narrowed(
        request,
        practice_selectors.search_practices(request.auth, query=q[:100], status=status),
        "product__insurer",
    )
    return [_practice_out(p) for p in page(practices, limit, offset)]


@router.get(
    "/practices/{practice_id}", response={200: PracticeDetailOut, **ERRORS}, summary="Una pratica"
)
def get_practice(request, practice_id: int):
    practice = _practice(request, practice_id)
    return PracticeDetailOut(
        **_practice_out(practice).dict(),
        allowed_actions=sorted(allowed_actions(practice, request.auth)),
    )


@router.post("/practices", response={201: PracticeOut, **ERRORS}, summary="Crea una pratica")
def create_practice(request, payload: PracticeIn):
    caller_with(request, "work_portfolio")
    practice = practice_services.create_practice(
        actor=request.auth,
        client=get_client_for(request.auth, payload.client_id),
        product=get_object_or_404(Product, code=payload.product, active=True),
        answers=payload.answers,
        effective_date=payload.effective_date,
    )
    return Status(201, _practice_out(practice))


@router.post(
    "/practices/{practice_id}/needs",
    response={200: PracticeOut, **ERRORS},
    summary="Registra esigenze e bisogni del cliente e come riceve i documenti",
)
def record_needs(request, practice_id: int, payload: NeedsIn):
    practice = _practice(request, practice_id)
    return _practice_out(
        practice_services.record_demands_and_needs(
            actor=request.auth,
            practice=practice,
            answers=payload.answers,
            refused=payload.refused,
            medium=payload.medium,
            durable_consent=payload.durable_consent,
        )
    )


@router.post(
    "/practices/{practice_id}/issue",
    response={200: PracticeOut, **ERRORS},
    summary="Emetti la polizza (o invia in revisione all'MGA)",
)
def issue_practice(
    request, practice_id: int, version: int | None = None, target_market_justification: str = ""
):
    """Outside the product's target market (POG) a `target_market_justification` is required,
    unless the quote's still covers the same reasons; in the negative one the issue is refused
    (422, code target_market_negative)."""
    practice = _practice(request, practice_id)
    return _practice_out(
        practice_services.issue_practice(
            actor=request.auth,
            practice=practice,
            version=version,
            target_market_justification=target_market_justification,
        )
    )


class CancellationIn(Schema):
    reason: str = Field(max_length=300, description="Motivo dell'annullamento.")
    iban: str | None = Field(
        None,
        max_length=42,
        description="IBAN del cliente per il rimborso: richiesto se il premio è già incassato.",
    )


@router.post(
    "/practices/{practice_id}/cancel",
    response={200: PracticeOut, **ERRORS},
    summary="Annulla la pratica non ancora in vigore (rimborso del premio incassato)",
)
def cancel_practice(request, practice_id: int, payload: CancellationIn):
    """Refused (422) once the practice is in force, while a payment waits for the MGA's
    verification, or without a valid `iban` when a premium was collected: that premium is
    refunded whole by the MGA's next SEPA batch of refunds."""
    practice = _practice(request, practice_id)
    return _practice_out(
        practice_services.cancel_practice(
            actor=request.auth, practice=practice, reason=payload.reason, iban=payload.iban
        )
    )


@router.get(
    "/practices/{practice_id}/documents",
    response={200: list[DocumentOut], **ERRORS},
    summary="Documenti caricati su una pratica",
)
def list_practice_documents(request, practice_id: int):
    practice = _practice(request, practice_id)
    return [_document_out(d) for d in practice_selectors.uploaded_documents(practice)]


@router.post(
    "/practices/{practice_id}/documents",
    response={201: list[DocumentOut], **ERRORS},
    summary="Carica documenti su una pratica",
)
def add_practice_documents(
    request, practice_id: int, kind: Form[str], files: File[list[UploadedFile]]
):
    added = practice_services.add_practice_documents(
        actor=request.auth,
        practice=_practice(request, practice_id),
        kind=kind[:40],
        uploads=[(f.name, f.read()) for f in files[:10]],
    )
    return Status(201, [_document_out(d) for d in added])


@router.get(
    "/practices/{practice_id}/messages",
    response={200: list[MessageOut], **ERRORS},
    summary="Comunicazioni tra agenzia e MGA sulla pratica",
)
def list_practice_messages(request, practice_id: int):
    practice = _practice(request, practice_id)
    thread = practice_selectors.thread_of(practice)
    return [
        MessageOut(
            id=message.pk,
            author=message.author.get_full_name(),
            from_mga=message.from_mga,
            body=message.body,
            is_request=message.is_request,
            answered=message.answered_at is not None,
            created_at=message.created_at,
            attachments=[f.name for f in message.attachments.all()],
        )
        for message in (messages_of(thread) if thread else [])
    ]


@router.post(
    "/practices/{practice_id}/messages",
    response={201: PracticeOut, **ERRORS},
    summary="Scrivi all'MGA sulla pratica (risponde a una richiesta di informazioni)",
)
def write_about_practice(request, practice_id: int, payload: MessageIn):
    practice = _practice(request, practice_id)
    practice_services.write_about_practice(actor=request.auth, practice=practice, text=payload.text)
    practice.refresh_from_db()
    return Status(201, _practice_out(practice))


# --- Variazioni di polizza ----------------------------------------------------------------------


class EndorsementIn(Schema):
    effective_date: date = Field(description="Data di effetto, nel periodo di polizza.")
    answers: dict[str, str | int | float | bool] = Field(
        description="Tutte le risposte al questionario dopo la variazione, {domanda: valore}."
    )
    note: str = Field("", max_length=300, description="Motivo o altri dati variati.")


class EndorsementOut(Schema):
    id: int
    practice_id: int
    number: int
    status: str
    status_label: str
    effective_date: date
    previous_gross: Decimal = Field(description="Premio annuo lordo prima della variazione.")
    gross: Decimal = Field(description="Premio annuo lordo dopo, con la tariffa dell'emissione.")
    difference_net: Decimal
    difference_tax: Decimal
    difference_gross: Decimal = Field(
        description="Differenza pro rata temporis: positiva da pagare, negativa da rimborsare."
    )
    review_reason: str
    refusal_reason: str
    version: int
    premium_status: str | None = Field(
        description="Efficace con una differenza: due, to_verify, verified (premio da incassare, "
        "registrato, incassato) o to_refund, pending, batched, sent (rimborso da chiedere, da "
        "mettere in distinta, in distinta SEPA, pagato); null altrimenti."
    )
    premium_status_label: str | None


class EndorsementDetailOut(EndorsementOut):
    allowed_actions: list[str] = Field(
        description="Le azioni che l'utente può compiere ora (confirm, approve, refuse, "
        "withdraw, send_for_signature, record_payment, request_refund), in ordine alfabetico."
    )


class RefundIn(Schema):
    iban: str = Field(max_length=42, description="IBAN del cliente per il rimborso.")


class RefusalIn(Schema):
    reason: str = Field(max_length=300)


class VersionOut(Schema):
    number: int
    start: date
    end: date
    answers: dict[str, str]
    gross: Decimal
    endorsement_id: int | None = Field(description="null: la polizza come emessa.")


def _endorsement_out(endorsement) -> EndorsementOut:
    change = practice_selectors.premium_change(endorsement)
    return EndorsementOut(
        premium_status=change.status if change else None,
        premium_status_label=change.label if change else None,
        id=endorsement.pk,
        practice_id=endorsement.practice_id,
        number=endorsement.number,
        status=endorsement.status,
        status_label=endorsement.get_status_display(),
        effective_date=endorsement.effective_date,
        previous_gross=endorsement.previous_gross,
        gross=endorsement.gross,
        difference_net=endorsement.difference_net,
        difference_tax=endorsement.difference_tax,
        difference_gross=endorsement.difference_gross,
        review_reason=endorsement.review_reason,
        refusal_reason=endorsement.refusal_reason,
        version=endorsement.version,
    )


@router.get(
    "/practices/{practice_id}/versions",
    response={200: list[VersionOut], **ERRORS},
    summary="Versioni della polizza (o quella in vigore a una data, con `on`)",
)
def list_practice_versions(request, practice_id: int, on: date | None = None):
    practice = practice_selectors.get_practice_for(request.auth, practice_id)
    versions = (
        [practice_selectors.version_in_force(practice, on)]
        if on
        else practice_selectors.practice_versions(practice)
    )
    return [
        VersionOut(
            number=v.number,
            start=v.start,
            end=v.end,
            answers=v.answers,
            gross=v.gross,
            endorsement_id=v.endorsement.pk if v.endorsement else None,
        )
        for v in versions
    ]


@router.get(
    "/practices/{practice_id}/endorsements",
    response={200: list[EndorsementOut], **ERRORS},
    summary="Variazioni della polizza",
)
def list_endorsements(request, practice_id: int):
    practice = practice_selectors.get_practice_for(request.auth, practice_id)
    return [_endorsement_out(e) for e in practice_selectors.endorsements_of(practice)]


@router.post(
    "/practices/{practice_id}/endorsements",
    response={201: EndorsementOut, **ERRORS},
    summary="Richiedi una variazione (calcolata pro rata, in bozza da confermare)",
)
def request_endorsement(request, practice_id: int, payload: EndorsementIn):
    caller_with(request, "work_portfolio")
    practice = practice_selectors.get_practice_for(request.auth, practice_id)
    endorsement = practice_services.request_endorsement(
        actor=request.auth,
        practice=practice,
        answers=payload.answers,
        effective_date=payload.effective_date,
        note=payload.note,
    )
    return Status(201, _endorsement_out(endorsement))


@router.get(
    "/endorsements/{endorsement_id}",
    response={200: EndorsementDetailOut, **ERRORS},
    summary="Una variazione",
)
def get_endorsement(request, endorsement_id: int):
    endorsement = practice_selectors.get_endorsement_for(request.auth, endorsement_id)
    return EndorsementDetailOut(
        **_endorsement_out(endorsement).dict(),
        allowed_actions=sorted(ENDORSEMENT_ACTIONS.allowed(endorsement, request.auth)),
    )


def _endorsement_action(request, endorsement_id: int, call) -> EndorsementOut:
    endorsement = practice_selectors.get_endorsement_for(request.auth, endorsement_id)
    return _endorsement_out(call(endorsement))


@router.post(
    "/endorsements/{endorsement_id}/confirm",
    response={200: EndorsementOut, **ERRORS},
    summary="Conferma la variazione: appendice emessa, o in revisione all'MGA",
)
def confirm_endorsement(request, endorsement_id: int, version: int | None = None):
    return _endorsement_action(
        request,
        endorsement_id,
        lambda e: practice_services.confirm_endorsement(
            actor=request.auth, endorsement=e, version=version
        ),
    )


@router.post(
    "/endorsements/{endorsement_id}/approve",
    response={200: EndorsementOut, **ERRORS},
    summary="Approva la variazione in revisione (MGA)",
)
def approve_endorsement(request, endorsement_id: int, version: int | None = None):
    return _endorsement_action(
        request,
        endorsement_id,
        lambda e: practice_services.approve_endorsement(
            actor=request.auth, endorsement=e, version=version
        ),
    )


@router.post(
    "/endorsements/{endorsement_id}/refuse",
    response={200: EndorsementOut, **ERRORS},
    summary="Rifiuta la variazione in revisione, con il motivo (MGA)",
)
def refuse_endorsement(request, endorsement_id: int, payload: RefusalIn):
    return _endorsement_action(
        request,
        endorsement_id,
        lambda e: practice_services.refuse_endorsement(
            actor=request.auth, endorsement=e, reason=payload.reason
        ),
    )


@router.post(
    "/endorsements/{endorsement_id}/withdraw",
    response={200: EndorsementOut, **ERRORS},
    summary="Ritira la variazione",
)
def withdraw_endorsement(request, endorsement_id: int):
    return _endorsement_action(
        request,
        endorsement_id,
        lambda e: practice_services.withdraw_endorsement(actor=request.auth, endorsement=e),
    )


@router.post(
    "/endorsements/{endorsement_id}/refund",
    response={200: EndorsementOut, **ERRORS},
    summary="Chiedi il rimborso della variazione all'IBAN del cliente (bonifico SEPA dell'MGA)",
)
def request_endorsement_refund(request, endorsement_id: int, payload: RefundIn):
    endorsement = practice_selectors.get_endorsement_for(request.auth, endorsement_id)
    practice_services.request_endorsement_refund(
        actor=request.auth, endorsement=endorsement, iban=payload.iban
    )
    return _endorsement_out(endorsement)


@router.post(
    "/endorsements/{endorsement_id}/send-for-signature",
    response={200: EndorsementOut, **ERRORS},
    summary="Invia l'appendice in firma al cliente (riprende l'identificazione del contratto)",
)
def send_endorsement_for_signature(request, endorsement_id: int):
    return _endorsement_action(
        request,
        endorsement_id,
        lambda e: practice_services.send_endorsement_for_signature(
            actor=request.auth, endorsement=e, base_url=base_url(request)
        ),
    )
