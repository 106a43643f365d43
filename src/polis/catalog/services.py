"""The catalog: products and their tariff versions (data, validated, immutable once used)."""

from datetime import date
from typing import NamedTuple

from django.db import transaction
from django.db.models import Q
from django.utils.translation import gettext as _

from polis.catalog.answers import validate_answers
from polis.catalog.models import Product, TariffVersion
from polis.catalog.rating import Breakdown, ReferralRequired, load_tariff, rate
from polis.core.errors import DomainError


def tariff_for(product: Product, on: date) -> TariffVersion:
    """The version valid on a date; DomainError for an inactive product or a gap in validity."""
    if not product.active:
        raise DomainError(
            _("Il prodotto %(name)s non è più in vendita.") % {"name": product.name},
            field="product",
        )
    version = (
        product.tariffs.filter(valid_from__lte=on)
        .filter(Q(valid_to__isnull=True) | Q(valid_to__gte=on))
        .order_by("-valid_from")
        .first()
    )
    if version is None:
        raise DomainError(
            _("Nessuna tariffa valida al %(date)s per %(name)s.")
            % {"date": on.strftime("%d/%m/%Y"), "name": product.name},
            field="product",
        )
    return version


class Priced(NamedTuple):
    version: TariffVersion
    breakdown: Breakdown
    answers: dict[str, str]  # as validated: what a quote or practice stores


def price(
    *, product: Product, on: date, answers: dict, version: TariffVersion | None = None
) -> Priced:
    """Price answers with the version valid on `on` (no state changes: comparison portals), or
    with `version` when given (a variazione keeps the tariff of the policy's issue).

    Every door prices through here, so the answers are always validated first: AnswersInvalid
    (a message per question) for answers outside the questionnaire or the tariff's rules."""
    version = version or tariff_for(product, on)
    tariff = load_tariff(version.document)
    cleaned = validate_answers(product, answers, tariff=tariff)
    return Priced(version, rate(tariff, cleaned, answer_labels(product)), cleaned)


def answer_labels(product: Product) -> dict[str, tuple[str, dict[str, str]]]:
    """The questionnaire's texts of each question and choice, for the premium's explanation."""
    return {
        question["name"]: (question["label"], {value: text for value, text in question["choices"]})
        for question in product.questionnaire
        if question.get("choices")
    }


def price_or_refuse(
    *, product: Product, on: date, answers: dict, version: TariffVersion | None = None
) -> Priced:
    """price(), with what the tariff cannot price turned into a DomainError the user can read."""
    try:
        return price(product=product, on=on, answers=answers, version=version)
    except ReferralRequired as referral:
        raise DomainError(
            _("%(reason)s: chiedi un preventivo personalizzato all'MGA.")
            % {"reason": referral.reason}
        ) from referral
    except KeyError as missing:
        raise DomainError(
            _("Manca una risposta del questionario (%(name)s).") % {"name": missing.args[0]}
        ) from missing


def mark_tariff_used(version: TariffVersion) -> None:
    """Freeze a version: called in the transaction that saves a quote or practice priced by it."""
    with transaction.atomic():
        TariffVersion.objects.filter(pk=version.pk, in_use=False).update(in_use=True)


def save_tariff_version(*, version: TariffVersion) -> TariffVersion:
    """Validate and store a tariff version (admin); a used version can never change."""
    load_tariff(version.document)
    with transaction.atomic():
        if version.pk and TariffVersion.objects.filter(pk=version.pk, in_use=True).exists():
            raise DomainError(_("Questa versione è già stata usata: creane una nuova."))
        version.save()
        return version
