"""Reads of the catalog: what a product covers for given answers, which answers need the MGA's
review, and its documents in force."""

from dataclasses import dataclass
from datetime import date
from decimal import Decimal, InvalidOperation

from django.conf import settings
from django.utils.formats import number_format
from django.utils.translation import gettext as _

from polis.catalog.models import Coverage, Product, ProductDocument, TariffVersion
from polis.core.amounts import euro


@dataclass(frozen=True)
class CoverageLine:
    name: str
    description: str
    limit: str
    deductible: str


def _answer_label(product: Product, name: str, answers: dict) -> str:
    value = str(answers.get(name, ""))
    question = next((q for q in product.questionnaire if q.get("name") == name), None)
    if not value or question is None:
        return value
    for choice_value, label in question.get("choices") or []:
        if str(choice_value) == value:
            return label
    return euro(value, places=0) if value.isdigit() else value


def _agreed(coverage: Coverage, terms: dict) -> CoverageLine:
    """A coverage on the terms an operator set in a custom offer."""
    deductible = [euro(terms["deductible"], places=None) if terms.get("deductible") else ""]
    if terms.get("scoperto"):
        deductible.append(
            _("scoperto %(percent)s %%")
            % {"percent": number_format(Decimal(terms["scoperto"]), force_grouping=True)}
        )
    return CoverageLine(
        name=coverage.name,
        description=coverage.description,
        limit=euro(terms["limit"], places=None) if terms.get("limit") else "",
        deductible=", ".join(part for part in deductible if part),
    )


def coverages_of(product: Product, answers: dict, cover: list | None = None) -> list[CoverageLine]:
    """The product's coverages with the limit and deductible the answers chose; an optional
    coverage is listed only when its answer takes it (not empty, not 0). With `cover` (a custom
    offer's terms per coverage), exactly the coverages and terms the operator set."""
    if cover:
        terms = {item["coverage"]: item for item in cover}
        return [_agreed(c, terms[c.code]) for c in product.coverages.all() if c.code in terms]
    lines = []
    for coverage in product.coverages.all():
        limit = answers.get(coverage.limit_answer, "") if coverage.limit_answer else ""
        if coverage.optional and str(limit) in ("", "0", "no"):
            continue
        lines.append(
            CoverageLine(
                name=coverage.name,
                description=coverage.description,
                limit=_answer_label(product, coverage.limit_answer, answers)
                if coverage.limit_answer
                else "",
                deductible=_answer_label(product, coverage.deductible_answer, answers)
                if coverage.deductible_answer
                else "",
            )
        )
    return lines


def review_flags(product: Product, answers: dict) -> list[str]:
    """Why the questionnaire's answers send a practice to the MGA's review: a question flags
    the values listed in `review_when`, or an amount over `review_above`, with its
    `review_reason` (products brief §1.5, §3.5)."""
    flags = []
    for question in product.questionnaire:
        value = str(answers.get(question["name"], ""))
        if not value:
            continue
        flagged = value in question.get("review_when", [])
        if "review_above" in question:
            try:
                flagged = Decimal(value) > Decimal(question["review_above"])
            except InvalidOperation:  # not an amount: let a person look at it
                flagged = True
        if flagged:
            flags.append(question.get("review_reason") or question["label"])
    return flags


def documents_in_force(product: Product, on: date) -> list[ProductDocument]:
    """The latest version of each pre-contractual document valid on `on`."""
    latest: dict[str, ProductDocument] = {}
    for document in product.documents.filter(valid_from__lte=on).select_related("file"):
        latest.setdefault(document.kind, document)
    return [latest[kind] for kind in ProductDocument.Kind.values if kind in latest]


def sum_insured(coverages: list[Coverage], answers: dict) -> Decimal | None:
    """The highest limit (massimale) the answers chose among the coverages taken; None when the
    product's limits are not amounts."""
    limits = []
    for coverage in coverages:
        try:
            limits.append(Decimal(str(answers.get(coverage.limit_answer, ""))))
        except InvalidOperation:
            continue
    return max((limit for limit in limits if limit > 0), default=None)


def mga_commission_rates(tariff_ids: set[int]) -> dict[int, Decimal]:
    """The MGA's own commission rate (its binder commission, 0.25 for 25 %) of each tariff
    version: the document's, or the MGA_COMMISSION_RATE setting for a document without one."""
    return {
        pk: Decimal(str(document.get("mga_commission_rate") or settings.MGA_COMMISSION_RATE))
        for pk, document in TariffVersion.objects.filter(pk__in=tariff_ids).values_list(
            "pk", "document"
        )
    }


def tax_rates(tariff_ids: set[int]) -> dict[int, Decimal]:
    """The premium tax rate (0.2225 for 22.25 %) of each tariff version."""
    return {
        pk: Decimal(str(document["tax_rate"]))
        for pk, document in TariffVersion.objects.filter(pk__in=tariff_ids).values_list(
            "pk", "document"
        )
    }
