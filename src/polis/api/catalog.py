"""The API of the catalog: products, their questionnaires, pricing without saving."""

from decimal import Decimal
from typing import Any

from django.shortcuts import get_object_or_404
from django.urls import reverse
from ninja import Field, Router, Schema
from ninja.errors import HttpError

from polis.api.auth import ApiKeyAuth, UserSession
from polis.api.schemas import ERRORS, PriceIn
from polis.catalog import services as catalog
from polis.catalog.answers import answers_json_schema
from polis.catalog.models import Product
from polis.catalog.rating import ReferralRequired

router = Router(auth=[ApiKeyAuth("quotes:read", "quotes:read"), UserSession("view_quotes")])


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


@router.get(
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


@router.get(
    "/products/{code}/answers-schema",
    response={200: dict[str, Any], **ERRORS},
    url_name="answers_schema",
    summary="JSON Schema delle risposte al questionario di un prodotto",
)
def answers_schema(request, code: str):
    return answers_json_schema(get_object_or_404(Product, code=code, active=True))


@router.post(
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
