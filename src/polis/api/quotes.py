"""The API of quotes: list, read, create."""

from datetime import date
from decimal import Decimal

from django.shortcuts import get_object_or_404
from ninja import Field, Router, Schema, Status

from polis.api.auth import caller_with
from polis.api.schemas import ERRORS, PriceIn, page
from polis.catalog.models import Product
from polis.clients.selectors import get_client_for
from polis.quotes import selectors, services

router = Router()


class QuoteIn(PriceIn):
    client_id: int
    target_market_justification: str = Field(
        "",
        max_length=2000,
        description="Richiesta se il cliente è fuori dal target market del prodotto (POG): "
        "perché la vendita è comunque nel suo interesse. Nel target market negativo il "
        "preventivo è rifiutato (422, code target_market_negative).",
    )


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
    target_market: dict | None = Field(
        description="Fuori dal target market (POG): {fit, reasons, justification, …}; null "
        "nel target market."
    )


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
        target_market=quote.target_market,
    )


@router.get(
    "/quotes", response={200: list[QuoteOut], **ERRORS}, summary="Preventivi visibili all'utente"
)
def list_quotes(request, limit: int = 50, offset: int = 0):
    quotes = selectors.search_quotes(request.auth)
    return [_quote_out(quote) for quote in page(quotes, limit, offset)]


@router.get("/quotes/{quote_id}", response={200: QuoteOut, **ERRORS}, summary="Un preventivo")
def get_quote(request, quote_id: int):
    return _quote_out(selectors.get_quote_for(request.auth, quote_id))


@router.post("/quotes", response={201: QuoteOut, **ERRORS}, summary="Crea un preventivo")
def create_quote(request, payload: QuoteIn):
    caller_with(request, "work_portfolio")
    product = get_object_or_404(Product, code=payload.product)
    client = get_client_for(request.auth, payload.client_id)
    quote = services.create_quote(
        actor=request.auth,
        client=client,
        product=product,
        answers=payload.answers,
        effective_date=payload.effective_date,
        target_market_justification=payload.target_market_justification,
    )
    return Status(201, _quote_out(quote))
