"""The JSON API (OpenAPI at /api/openapi.json): the same services and rules as the pages."""

from datetime import date
from decimal import Decimal

from django.shortcuts import get_object_or_404
from ninja import NinjaAPI, Schema, Status
from ninja.errors import HttpError
from ninja.security import SessionAuth

from polis.catalog import services as catalog
from polis.catalog.models import Product
from polis.catalog.rating import ReferralRequired
from polis.clients.selectors import get_client_for
from polis.core.access import can
from polis.core.errors import DomainError, PermissionDenied
from polis.quotes import selectors, services


class CollaboratorAuth(SessionAuth):
    """A logged-in session (CSRF-checked for writes) of a user with a portfolio or MGA staff."""

    def authenticate(self, request, key):
        user = super().authenticate(request, key)
        return user if user and can(user, "view_quotes") else None


api = NinjaAPI(
    title="polis API",
    version="1",
    auth=CollaboratorAuth(),
    urls_namespace="api",
    description="Prodotti, quotazione e preventivi della piattaforma polis.",
)


@api.exception_handler(DomainError)
def domain_error(request, error: DomainError):
    status = 403 if isinstance(error, PermissionDenied) else 422
    return api.create_response(
        request, {"detail": error.message, "field": error.field}, status=status
    )


class ErrorOut(Schema):
    """Every error: a message (or ninja's list of invalid fields) and the field at fault."""

    detail: str | list[dict]
    field: str | None = None


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


class ProductOut(Schema):
    code: str
    name: str
    insurer: str
    line_of_business: int
    questionnaire: list[Question]


class PriceIn(Schema):
    product: str
    effective_date: date
    answers: dict[str, str]


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
        )
        for p in Product.objects.filter(active=True).select_related("insurer")
    ]


@api.post(
    "/price",
    response={200: PriceOut, **ERRORS},
    summary="Quota senza salvare (per i comparatori)",
)
def price(request, payload: PriceIn):
    product = get_object_or_404(Product, code=payload.product)
    try:
        version, result = catalog.price(
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
    limit = max(1, min(limit, 200))
    quotes = selectors.search_quotes(request.auth)[max(offset, 0) : max(offset, 0) + limit]
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
