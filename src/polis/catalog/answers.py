"""The one validation of a product's answers, used by every door (web forms, API, renewals,
imports) through `catalog.services.price`: the questionnaire's own rules (keys, type, required,
choices, min/max, decimals) and the tariff's product rules (products brief §1.2).

Answers are strings, as tariffs and stored quotes keep them; the cleaned answers are canonical
(a declaration is "True" or "False", an amount has no trailing zeros), so the same risk is
always stored, flagged and priced the same way.
"""

from decimal import Decimal, InvalidOperation
from typing import NamedTuple

from django.utils.formats import number_format
from django.utils.translation import gettext as _

from polis.catalog.models import Product
from polis.catalog.rating import Tariff
from polis.core.errors import DomainError

TRUE, FALSE = "True", "False"
# as forms, JSON and people write yes and no
_BOOLEANS = {"true": TRUE, "1": TRUE, "on": TRUE, "false": FALSE, "0": FALSE, "off": FALSE}
MAX_ANSWER_LENGTH = 100
MAX_UNKNOWN_NAMED = 10  # a refusal names this many unknown keys, then counts the rest


class AnswersInvalid(DomainError):
    """Answers refused, with a message per question (`errors`: name -> Italian text)."""

    def __init__(self, errors: dict[str, str]):
        self.errors = errors
        text = "; ".join(f"{name}: {message}" for name, message in errors.items())
        super().__init__(
            _("Risposte del questionario non valide — %(errors)s") % {"errors": text},
            field=next(iter(errors)),
        )


def _amount(text: str) -> str:
    return number_format(Decimal(text), force_grouping=True)


def _clean_decimal(question: dict, raw: str) -> str:
    try:
        value = Decimal(raw.strip())
    except InvalidOperation:
        raise ValueError(_("Indica un numero, es. 1000 o 1000.50.")) from None
    if not value.is_finite():
        raise ValueError(_("Indica un numero, es. 1000 o 1000.50."))
    if value < Decimal(question["min"]):
        raise ValueError(_("Il minimo è %(min)s.") % {"min": _amount(question["min"])})
    if value > Decimal(question["max"]):
        raise ValueError(_("Il massimo è %(max)s.") % {"max": _amount(question["max"])})
    step = Decimal(question.get("step", "1"))  # checked within the range: 1e999999 % 1 raises
    if value % step:
        raise ValueError(
            _("Indica un numero intero.")
            if step == 1
            else _("Al massimo %(places)d decimali.") % {"places": -step.as_tuple().exponent}
        )
    value = value.quantize(Decimal(1)) if value == value.to_integral_value() else value.normalize()
    return format(value, "f")


def _clean(question: dict, raw: str) -> str:
    if question["type"] == "choice":
        values = [str(choice[0]) for choice in question["choices"]]
        if raw not in values:
            raise ValueError(
                _("Scegli tra: %(labels)s.")
                % {"labels": ", ".join(label for _value, label in question["choices"])}
            )
        return raw
    if question["type"] == "decimal":
        return _clean_decimal(question, raw)
    if question["type"] == "boolean":
        if raw.lower() in _BOOLEANS:
            return _BOOLEANS[raw.lower()]
        raise ValueError(_("Rispondi sì (True) o no (False)."))
    raise ValueError(_("Domanda di tipo sconosciuto: avvisa l'MGA."))


def validate_answers(product: Product, answers, *, tariff: Tariff) -> dict[str, str]:
    """The answers checked against the product's questionnaire and the tariff's rules, cleaned;
    AnswersInvalid with a message per question otherwise (nothing is priced or saved)."""
    if not isinstance(answers, dict):
        raise AnswersInvalid({"answers": _("Indica le risposte come {domanda: valore}.")})
    questions = {question["name"]: question for question in product.questionnaire}
    errors: dict[str, str] = {}
    cleaned: dict[str, str] = {}
    unknown = [str(name) for name in answers if name not in questions]
    for name in unknown[:MAX_UNKNOWN_NAMED]:
        errors[name[:40]] = _("Domanda sconosciuta per %(product)s.") % {"product": product.name}
    if len(unknown) > MAX_UNKNOWN_NAMED:
        errors["answers"] = _("E altre %(count)d domande sconosciute.") % {
            "count": len(unknown) - MAX_UNKNOWN_NAMED
        }
    for name, question in questions.items():
        raw = answers.get(name)
        if raw is None or str(raw).strip() == "":
            if question.get("required", True) and question["type"] != "boolean":
                errors[name] = _("Risposta obbligatoria.")
            continue
        raw = str(raw)
        if len(raw) > MAX_ANSWER_LENGTH:
            errors[name] = _("Risposta troppo lunga.")
            continue
        try:
            cleaned[name] = _clean(question, raw)
        except ValueError as refused:
            errors[name] = str(refused)
    for rule in tariff.rules:
        if rule.answer in errors or not rule.applies(cleaned):
            continue
        if rule.answer not in cleaned or not rule.permits(cleaned[rule.answer]):
            errors[rule.answer] = rule.reason
    if errors:
        raise AnswersInvalid(errors)
    return cleaned


class Allowed(NamedTuple):
    values: list[str]  # the choices the rules leave
    reasons: list[str]  # the rules that narrowed them, as the form explains them


def allowed_choices(product: Product, answers: dict, *, tariff: Tariff) -> dict[str, Allowed]:
    """For each choice question, the values the tariff's rules allow given the answers so far,
    and why: what the form offers while the user picks."""
    rules = [rule for rule in tariff.rules if rule.applies(answers)]
    allowed = {}
    for question in product.questionnaire:
        if question["type"] != "choice":
            continue
        own = [rule for rule in rules if rule.answer == question["name"]]
        values = [str(value) for value, _label in question["choices"]]
        allowed[question["name"]] = Allowed(
            [value for value in values if all(rule.permits(value) for rule in own)],
            [rule.reason for rule in own],
        )
    return allowed


def _property(question: dict) -> dict:
    described: dict = {"title": question["label"]}
    if question["type"] == "choice":
        described["enum"] = [str(value) for value, _label in question["choices"]]
        described["description"] = "; ".join(f"{v}: {label}" for v, label in question["choices"])
    elif question["type"] == "decimal":
        bounds = {key: Decimal(question[key]) for key in ("min", "max")}
        step = Decimal(question.get("step", "1"))
        described |= {
            "type": ["number", "string"],
            "minimum": _json_number(bounds["min"]),
            "maximum": _json_number(bounds["max"]),
            "multipleOf": _json_number(step),
            "pattern": "^-?[0-9]+(\\.[0-9]+)?$",  # as a string: the same number, in digits
        }
    else:
        described |= {"type": ["boolean", "string"], "enum": [True, False, TRUE, FALSE]}
    return described


def _json_number(value: Decimal) -> int | float:
    return int(value) if value == value.to_integral_value() else float(value)


def answers_json_schema(product: Product) -> dict:
    """The product's answers as a JSON Schema (2020-12): keys, types, ranges and choices, for
    client generators. The tariff's rules that link answers are checked by validate_answers."""
    return {
        "$schema": "https://json-schema.org/draft/2020-12/schema",
        "title": _("Risposte al questionario di %(product)s") % {"product": product.name},
        "type": "object",
        "additionalProperties": False,
        "required": [
            q["name"]
            for q in product.questionnaire
            if q.get("required", True) and q["type"] != "boolean"
        ],
        "properties": {q["name"]: _property(q) for q in product.questionnaire},
    }
