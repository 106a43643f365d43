"""The POG target market of a product (Reg. IVASS 45/2020; regulatory brief §3.4): who the
product is for and who it must never be sold to, declared as data with the product, and the
one check of a client's profile and answers against it, asked at quote and at issue.

    {"version": "2026-01", "approval_document": "...", "sent_to_insurer_on": "2026-01-15",
     "positive": {"client_kinds": ["person"], "age": {"min": 18, "max": 75},
                  "answers": {"occupation_class": ["1", "2"]}, "needs": {"need": ["si"]}},
     "negative": {"age": {"max": 17}, "answers": {"sports": ["rischio_alto"]}}}

A positive criterion the client misses puts the sale outside the target market (allowed with
the collaborator's written justification, reported to the MGA); any negative criterion the
client meets puts it in the negative target market (blocked). `answers` are the quote
questionnaire's, `needs` the demands-and-needs questionnaire's (known only at issue), `age` is
in whole years on the policy's start date (from the birth date, or the codice fiscale).
"""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import date
from typing import TYPE_CHECKING

from django.db import models
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy
from stdnum.it import codicefiscale

from polis.core.errors import DomainError

if TYPE_CHECKING:
    from polis.catalog.models import Product
    from polis.clients.models import Client

CRITERIA = ("client_kinds", "age", "answers", "needs")
JUSTIFICATION_MIN = 20


class Fit(models.TextChoices):
    INSIDE = "inside", gettext_lazy("Nel target market")
    OUTSIDE = "outside", gettext_lazy("Fuori dal target market")
    NEGATIVE = "negative", gettext_lazy("Nel target market negativo")


@dataclass(frozen=True)
class TargetCheck:
    fit: str
    reasons: list[str] = field(default_factory=list)
    version: str = ""


def _age(client: Client, on: date) -> int | None:
    born = client.birth_date
    if born is None and client.kind == "person" and client.codice_fiscale:
        try:
            born = codicefiscale.get_birth_date(client.codice_fiscale)
        except ValueError:
            return None
    if born is None:
        return None
    return on.year - born.year - ((on.month, on.day) < (born.month, born.day))


def _labels(questions: list) -> dict[str, tuple[str, dict[str, str]]]:
    return {
        q["name"]: (q["label"], {str(value): text for value, text in q.get("choices", [])})
        for q in questions
        if "name" in q
    }


def _in_band(age: int, band: dict) -> bool:
    return band.get("min", 0) <= age <= band.get("max", 200)


def _matches(
    criteria: dict,
    *,
    client: Client,
    age: int | None,
    answers: dict,
    needs: dict | None,
    labels: dict,
    need_labels: dict,
    positive: bool,
) -> list[str]:
    """For the positive market, the criteria the client misses; for the negative one, those he
    meets. Each as a sentence naming the question and the answer."""
    found = []
    kinds = criteria.get("client_kinds")
    if kinds and (client.kind not in kinds) == positive:
        found.append(_("Tipo di cliente: %(kind)s") % {"kind": client.get_kind_display()})
    band = criteria.get("age")
    if band and age is not None and _in_band(age, band) != positive:
        found.append(_("Età: %(age)s anni") % {"age": age})
    for source, values, texts in (
        (criteria.get("answers", {}), answers, labels),
        (criteria.get("needs", {}) if needs is not None else {}, needs or {}, need_labels),
    ):
        for name, listed in source.items():
            value = str(values.get(name, ""))
            if value and (value not in listed) == positive:
                label, choices = texts.get(name, (name, {}))
                found.append(f"{label}: {choices.get(value, value)}")
    return found


def check_target_market(
    product: Product,
    *,
    client: Client,
    answers: dict,
    needs: dict | None = None,
    on: date | None = None,
) -> TargetCheck:
    """Where the client and his answers stand in the product's target market. `needs` are the
    demands-and-needs answers when collected (at issue); a product without a declared target
    market has nothing to check."""
    market = product.target_market or {}
    if not market:
        return TargetCheck(Fit.INSIDE)
    context = {
        "client": client,
        "age": _age(client, on or timezone.localdate()),
        "answers": answers,
        "needs": needs,
        "labels": _labels(product.questionnaire),
        "need_labels": _labels((product.needs_questionnaire or {}).get("questions", [])),
    }
    version = market.get("version", "")
    negative = _matches(market.get("negative", {}), positive=False, **context)
    if negative:
        return TargetCheck(Fit.NEGATIVE, negative, version)
    outside = _matches(market.get("positive", {}), positive=True, **context)
    if outside:
        return TargetCheck(Fit.OUTSIDE, outside, version)
    return TargetCheck(Fit.INSIDE, [], version)


def already_justified(check: TargetCheck, previous: dict | None) -> bool:
    """Whether a justification kept earlier (at quote) covers this check's reasons."""
    return bool(
        previous
        and check.fit == Fit.OUTSIDE
        and previous.get("fit") == Fit.OUTSIDE
        and set(check.reasons) <= set(previous.get("reasons", []))
    )


def target_market_record(
    check: TargetCheck, *, justification: str = "", by: str = "", previous: dict | None = None
) -> dict | None:
    """What a quote or practice keeps of the check: None inside the target market; refused in
    the negative one; outside it, the collaborator's justification (or the one already given
    for the same reasons, e.g. at quote) is required."""
    if check.fit == Fit.INSIDE:
        return None
    reasons = "; ".join(check.reasons)
    if check.fit == Fit.NEGATIVE:
        raise DomainError(
            _(
                "Vendita non consentita: il cliente rientra nel target market negativo del "
                "prodotto (%(reasons)s). Reg. IVASS 45/2020: il prodotto non si distribuisce a "
                "questa clientela."
            )
            % {"reasons": reasons},
            code="target_market_negative",
        )
    justification = justification.strip()
    if not justification and already_justified(check, previous):
        return previous
    if len(justification) < JUSTIFICATION_MIN:
        raise DomainError(
            _(
                "Il cliente è fuori dal target market del prodotto (%(reasons)s): scrivi perché "
                "la vendita è comunque nel suo interesse (almeno %(min)s caratteri). La "
                "motivazione resta agli atti ed è segnalata all'MGA."
            )
            % {"reasons": reasons, "min": JUSTIFICATION_MIN},
            field="target_market_justification",
            code="target_market_justification_required",
        )
    return {
        "fit": check.fit,
        "reasons": check.reasons,
        "version": check.version,
        "justification": justification,
        "by": by,
        "at": timezone.now().isoformat(),
    }
