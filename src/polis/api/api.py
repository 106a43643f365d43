"""The JSON API (OpenAPI at /api/openapi.json): the same services and rules as the pages."""

from datetime import date, datetime
from decimal import Decimal
from typing import Any

from django.http import RawPostDataException
from django.http.multipartparser import MultiPartParserError
from django.shortcuts import get_object_or_404
from django.urls import reverse
from django.utils.translation import gettext as _
from ninja import Field, File, Form, NinjaAPI, Schema, Status, UploadedFile
from ninja.errors import HttpError
from ninja.parser import Parser
from ninja.security import SessionAuth

from polis.catalog import services as catalog
from polis.catalog.answers import AnswersInvalid, answers_json_schema
from polis.catalog.models import Product
from polis.catalog.rating import ReferralRequired
from polis.claims import selectors as claims
from polis.claims import services as claim_services
from polis.clients.selectors import get_client_for
from polis.core.access import can
from polis.core.errors import DomainError, PermissionDenied
from polis.core.text import MESSAGE_TEXT, NOTE_TEXT, REASON_TEXT, SHORT_TEXT
from polis.messaging.selectors import messages_of
from polis.practices import selectors as practice_selectors
from polis.practices import services as practice_services
from polis.quotes import selectors, services


class CollaboratorAuth(SessionAuth):
    """A logged-in session (CSRF-checked for writes) of a user with a portfolio or MGA staff."""

    def authenticate(self, request, key):
        user = super().authenticate(request, key)
        return user if user and can(user, "view_quotes") else None


def _refuse_nul(data) -> None:
    if isinstance(data, str):
        if "\x00" in data:
            raise HttpError(400, _("I dati contengono un carattere NUL, non ammesso."))
    elif isinstance(data, dict):
        for key, value in data.items():
            _refuse_nul(key)
            _refuse_nul(value)
    elif isinstance(data, list):
        for value in data:
            _refuse_nul(value)


class NoNulParser(Parser):
    """JSON bodies and query strings without NUL characters: PostgreSQL can neither store nor
    compare them, so they would reach the database as a server error."""

    def parse_body(self, request):
        data = super().parse_body(request)
        _refuse_nul(data)
        return data

    def parse_querydict(self, data, list_fields, request):
        parsed = super().parse_querydict(data, list_fields, request)
        _refuse_nul(parsed)
        return parsed


api = NinjaAPI(
    title="polis API",
    parser=NoNulParser(),
    version="1",
    auth=CollaboratorAuth(),
    urls_namespace="api",
    description="Prodotti, quotazione, preventivi, pratiche e sinistri della piattaforma polis.",
)


@api.exception_handler(DomainError)
def domain_error(request, error: DomainError):
    status = 403 if isinstance(error, PermissionDenied) else 422
    body = {"detail": error.message, "field": error.field}
    if isinstance(error, AnswersInvalid):
        body["errors"] = error.errors
    return api.create_response(request, body, status=status)


@api.exception_handler(MultiPartParserError)
@api.exception_handler(RawPostDataException)
def unreadable_body(request, error: Exception):
    """A body that cannot be read as its Content-Type says (a multipart body without a usable
    boundary, or one sent to an operation that reads JSON: the CSRF check has consumed it)."""
    return api.create_response(
        request,
        {"detail": _("Il corpo della richiesta non è leggibile: controlla il Content-Type.")},
        status=400,
    )


class ErrorOut(Schema):
    """Every error: a message (or ninja's list of invalid fields) and the field at fault."""

    detail: str | list[dict]
    field: str | None = None
    errors: dict[str, str] | None = Field(
        None, description="Risposte del questionario rifiutate: {domanda: motivo}."
    )


# Documented on every operation: unreadable body, not logged in, not allowed, not found (or
# not yours), invalid.
ERRORS = {400: ErrorOut, 401: ErrorOut, 403: ErrorOut, 404: ErrorOut, 422: ErrorOut}


class Question(Schema):
    name: str
    label: str
    type: str
    choices: list[list[str]] | None = None
    min: str | None = None
    max: str | None = None


class NeedsQuestion(Schema):
    name: str
    label: str
    choices: list[list[str]]


class ProductOut(Schema):
    code: str
    name: str
    insurer: str
    line_of_business: int
    questionnaire: list[Question]
    answers_schema: str = Field(description="URL del JSON Schema delle risposte al questionario.")
    needs_questionnaire: list[NeedsQuestion] = Field(
        description="Esigenze e bisogni (IVASS Reg. 40/2018): da registrare su ogni pratica "
        "con POST /practices/{id}/needs prima dell'emissione."
    )


class PriceIn(Schema):
    product: str
    effective_date: date
    answers: dict[str, str | int | float | bool] = Field(
        description="Le risposte al questionario del prodotto, {domanda: valore}: chiavi, tipi, "
        "intervalli e scelte nel JSON Schema di GET /products/{code}/answers-schema. Risposte "
        "non valide: 422 con un messaggio per domanda in `errors`."
    )


class LineOut(Schema):
    label: str
    explanation: str
    amount: Decimal


class PriceOut(Schema):
    tariff_version: str
    net: Decimal
    tax: Decimal
    gross: Decimal
    commission: Decimal
    instalments: list[Decimal]
    lines: list[LineOut]


class QuoteIn(PriceIn):
    client_id: int


class QuoteOut(Schema):
    id: int
    number: str
    product: str
    client_id: int
    effective_date: date
    valid_until: date
    status: str
    net: Decimal
    tax: Decimal
    gross: Decimal


# Pages of at most 200 rows; an offset past any real list (and within PostgreSQL's bigint).
MAX_PAGE, MAX_OFFSET = 200, 10_000_000


def _window(limit: int, offset: int) -> tuple[int, int]:
    return max(1, min(limit, MAX_PAGE)), max(0, min(offset, MAX_OFFSET))


def _quote_out(quote) -> QuoteOut:
    return QuoteOut(
        id=quote.pk,
        number=quote.number,
        product=quote.product.code,
        client_id=quote.client_id,
        effective_date=quote.effective_date,
        valid_until=quote.valid_until,
        net=quote.net,
        tax=quote.tax,
        gross=quote.gross,
        status="expired" if quote.is_expired else quote.status,
    )


@api.get(
    "/products",
    response={200: list[ProductOut], **ERRORS},
    summary="Prodotti in vendita e questionari",
)
def list_products(request):
    return [
        ProductOut(
            code=p.code,
            name=p.name,
            insurer=p.insurer.name,
            line_of_business=p.line_of_business,
            questionnaire=p.questionnaire,
            answers_schema=reverse("api:answers_schema", args=[p.code]),
            needs_questionnaire=[
                NeedsQuestion(name=q["name"], label=q["label"], choices=q["choices"])
                for q in p.needs_questionnaire.get("questions", [])
            ],
        )
        for p in Product.objects.filter(active=True).select_related("insurer")
    ]


@api.get(
    "/products/{code}/answers-schema",
    response={200: dict[str, Any], **ERRORS},
    url_name="answers_schema",
    summary="JSON Schema delle risposte al questionario di un prodotto",
)
def answers_schema(request, code: str):
    return answers_json_schema(get_object_or_404(Product, code=code, active=True))


@api.post(
    "/price",
    response={200: PriceOut, **ERRORS},
    summary="Quota senza salvare (per i comparatori)",
)
def price(request, payload: PriceIn):
    product = get_object_or_404(Product, code=payload.product)
    try:
        version, result, _answers = catalog.price(
            product=product, on=payload.effective_date, answers=payload.answers
        )
    except ReferralRequired as referral:
        raise HttpError(422, referral.reason) from referral
    except KeyError as missing:
        raise HttpError(422, f"risposta mancante: {missing.args[0]}") from missing
    return PriceOut(
        tariff_version=version.version,
        net=result.net,
        tax=result.tax,
        gross=result.gross,
        commission=result.commission,
        instalments=result.instalments,
        lines=[
            LineOut(label=line.label, explanation=line.explanation, amount=line.amount)
            for line in result.lines
        ],
    )


@api.get(
    "/quotes", response={200: list[QuoteOut], **ERRORS}, summary="Preventivi visibili all'utente"
)
def list_quotes(request, limit: int = 50, offset: int = 0):
    limit, offset = _window(limit, offset)
    quotes = selectors.search_quotes(request.auth)[offset : offset + limit]
    return [_quote_out(quote) for quote in quotes]


@api.get("/quotes/{quote_id}", response={200: QuoteOut, **ERRORS}, summary="Un preventivo")
def get_quote(request, quote_id: int):
    return _quote_out(selectors.get_quote_for(request.auth, quote_id))


@api.post("/quotes", response={201: QuoteOut, **ERRORS}, summary="Crea un preventivo")
def create_quote(request, payload: QuoteIn):
    if not can(request.auth, "work_portfolio"):
        raise HttpError(403, "Solo le agenzie creano preventivi.")
    product = get_object_or_404(Product, code=payload.product)
    client = get_client_for(request.auth, payload.client_id)
    quote = services.create_quote(
        actor=request.auth,
        client=client,
        product=product,
        answers=payload.answers,
        effective_date=payload.effective_date,
    )
    return Status(201, _quote_out(quote))


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


class DocumentOut(Schema):
    id: int
    kind: str
    label: str
    name: str
    sha256: str


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


@api.get("/claims", response={200: list[ClaimOut], **ERRORS}, summary="Sinistri visibili")
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
    limit, offset = _window(limit, offset)
    found = claims.search_claims(
        request.auth, query=q[:100], text=text[:200], status=status, overdue=overdue
    )
    page = list(found[offset : offset + limit])
    claim_services.record_claim_access(actor=request.auth, claims=page, what="API: elenco")
    return [_claim_out(c) for c in page]


@api.get("/claims/{claim_id}", response={200: ClaimOut, **ERRORS}, summary="Un sinistro")
def get_claim(request, claim_id: int):
    claim = claims.get_claim_for(request.auth, claim_id)
    claim_services.record_claim_access(actor=request.auth, claims=[claim], what="API: sinistro")
    return _claim_out(claim)


@api.post("/claims", response={201: ClaimOut, **ERRORS}, summary="Apri un sinistro")
def open_claim(request, payload: ClaimIn):
    if not can(request.auth, "open_claims"):
        raise HttpError(403, "Solo le agenzie aprono sinistri.")
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


@api.post(
    "/claims/{claim_id}/documents",
    response={201: list[DocumentOut], **ERRORS},
    summary="Aggiungi documenti a un sinistro",
)
def add_claim_documents(request, claim_id: int, kind: Form[str], files: File[list[UploadedFile]]):
    added = claim_services.add_claim_documents(
        actor=request.auth,
        claim=claims.get_claim_for(request.auth, claim_id),
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


@api.post(
    "/claims/{claim_id}/notes", response={201: ClaimOut, **ERRORS}, summary="Aggiungi una nota"
)
def add_claim_note(request, claim_id: int, payload: NoteIn):
    claim = claims.get_claim_for(request.auth, claim_id)
    claim_services.add_claim_note(
        actor=request.auth, claim=claim, text=payload.text, shared=payload.shared
    )
    return Status(201, _claim_out(claim))


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


@api.get("/practices", response={200: list[PracticeOut], **ERRORS}, summary="Pratiche visibili")
def list_practices(request, q: str = "", status: str = "", limit: int = 50, offset: int = 0):
    limit, offset = _window(limit, offset)
    practices = practice_selectors.search_practices(request.auth, query=q[:100], status=status)
    return [_practice_out(p) for p in practices[offset : offset + limit]]


@api.get("/practices/{practice_id}", response={200: PracticeOut, **ERRORS}, summary="Una pratica")
def get_practice(request, practice_id: int):
    return _practice_out(practice_selectors.get_practice_for(request.auth, practice_id))


@api.post("/practices", response={201: PracticeOut, **ERRORS}, summary="Crea una pratica")
def create_practice(request, payload: PracticeIn):
    if not can(request.auth, "work_portfolio"):
        raise HttpError(403, "Solo le agenzie creano pratiche.")
    practice = practice_services.create_practice(
        actor=request.auth,
        client=get_client_for(request.auth, payload.client_id),
        product=get_object_or_404(Product, code=payload.product, active=True),
        answers=payload.answers,
        effective_date=payload.effective_date,
    )
    return Status(201, _practice_out(practice))


@api.post(
    "/practices/{practice_id}/needs",
    response={200: PracticeOut, **ERRORS},
    summary="Registra esigenze e bisogni del cliente e come riceve i documenti",
)
def record_needs(request, practice_id: int, payload: NeedsIn):
    practice = practice_selectors.get_practice_for(request.auth, practice_id)
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


@api.post(
    "/practices/{practice_id}/issue",
    response={200: PracticeOut, **ERRORS},
    summary="Emetti la polizza (o invia in revisione all'MGA)",
)
def issue_practice(request, practice_id: int, version: int | None = None):
    practice = practice_selectors.get_practice_for(request.auth, practice_id)
    return _practice_out(
        practice_services.issue_practice(actor=request.auth, practice=practice, version=version)
    )


@api.get(
    "/practices/{practice_id}/documents",
    response={200: list[DocumentOut], **ERRORS},
    summary="Documenti caricati su una pratica",
)
def list_practice_documents(request, practice_id: int):
    practice = practice_selectors.get_practice_for(request.auth, practice_id)
    return [_document_out(d) for d in practice_selectors.uploaded_documents(practice)]


@api.post(
    "/practices/{practice_id}/documents",
    response={201: list[DocumentOut], **ERRORS},
    summary="Carica documenti su una pratica",
)
def add_practice_documents(
    request, practice_id: int, kind: Form[str], files: File[list[UploadedFile]]
):
    added = practice_services.add_practice_documents(
        actor=request.auth,
        practice=practice_selectors.get_practice_for(request.auth, practice_id),
        kind=kind[:40],
        uploads=[(f.name, f.read()) for f in files[:10]],
    )
    return Status(201, [_document_out(d) for d in added])


@api.get(
    "/practices/{practice_id}/messages",
    response={200: list[MessageOut], **ERRORS},
    summary="Comunicazioni tra agenzia e MGA sulla pratica",
)
def list_practice_messages(request, practice_id: int):
    practice = practice_selectors.get_practice_for(request.auth, practice_id)
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


@api.post(
    "/practices/{practice_id}/messages",
    response={201: PracticeOut, **ERRORS},
    summary="Scrivi all'MGA sulla pratica (risponde a una richiesta di informazioni)",
)
def write_about_practice(request, practice_id: int, payload: MessageIn):
    practice = practice_selectors.get_practice_for(request.auth, practice_id)
    practice_services.write_about_practice(actor=request.auth, practice=practice, text=payload.text)
    practice.refresh_from_db()
    return Status(201, _practice_out(practice))
