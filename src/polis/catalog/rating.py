"""The rating engine: a pure function from a tariff document and the answers to a breakdown.

A tariff is data (a validated JSON document per product version), never code:
- components add up to the net premium, each one either a table lookup ("lookup"), a rate on
  an amount ("rate": capital × rate / per, e.g. per mille), or a sum guaranteed over time
  ("sum_time": sum × annual rate × months / 12, or flat);
- factors multiply the net premium by the answer's value (limit, deductible, retroactivity…);
- a minimum net premium (fixed or by an answer), an instalment surcharge on the net, the tax.
A table cell "refer" sends the risk to the MGA's underwriter instead of pricing it.
Money is Decimal throughout; net, tax and gross are rounded half-up to the cent.
"""

from dataclasses import asdict, dataclass, field
from decimal import ROUND_CEILING, ROUND_HALF_UP, Decimal
from typing import Annotated, Literal

from pydantic import BaseModel, ConfigDict, Field, ValidationError, model_validator

from polis.core.amounts import euro, italian_number

CENT = Decimal("0.01")
REFER = "refer"
Amount = Decimal | Literal["refer"]


class TariffError(ValueError):
    """The tariff document is not valid (shown to the administrator who loads it)."""


class ReferralRequired(Exception):
    """The answers fall outside what the tariff prices: ask the MGA (custom quote)."""

    def __init__(self, reason: str):
        super().__init__(reason)
        self.reason = reason


class _Strict(BaseModel):
    model_config = ConfigDict(extra="forbid", frozen=True)


class Lookup(_Strict):
    kind: Literal["lookup"]
    label: str
    keys: list[str] = Field(min_length=1)  # answers naming the table's nested keys
    table: dict[str, "Amount | dict"]


class Rate(_Strict):
    kind: Literal["rate"]
    label: str
    amount: str  # the answer holding the amount (capital, daily allowance…)
    per: Decimal = Decimal(1)  # 1000 for rates per mille
    by: str  # the answer choosing the rate (e.g. occupation class)
    rates: dict[str, Amount]


class SumTime(_Strict):
    kind: Literal["sum_time"]
    label: str
    amount: str
    months: str
    by: list[str] = Field(min_length=1)
    rates: dict[str, "Amount | dict"]  # annual rate, nested by the `by` answers
    flat_when: dict[str, list[str]] = {}  # answer -> values rated flat, not by time
    min_months: dict[str, int] = {}  # by the first `by` answer


class Factor(_Strict):
    label: str
    answer: str
    values: dict[str, Amount]


class Minimum(_Strict):
    by: str | None = None
    values: dict[str, Decimal] = {}
    amount: Decimal = Decimal(0)


class Rule(_Strict):
    """A product rule (products brief §1.2): when the answers in `when` take one of the listed
    values, `answer` must be one of `allowed`, or at least `at_least`; `reason` says why."""

    when: dict[str, list[str]] = Field(min_length=1)
    answer: str
    allowed: list[str] | None = None
    at_least: Decimal | None = None
    reason: str = Field(min_length=1)

    @model_validator(mode="after")
    def _one_constraint(self):
        if (self.allowed is None) == (self.at_least is None):
            raise ValueError("a rule sets either allowed or at_least")
        return self

    def applies(self, answers: dict) -> bool:
        return all(str(answers.get(name, "")) in values for name, values in self.when.items())

    def permits(self, value: str) -> bool:
        if self.allowed is not None:
            return value in self.allowed
        try:
            return Decimal(value) >= self.at_least
        except ArithmeticError:  # a non-numeric choice never meets a minimum
            return False


class Tariff(_Strict):
    product: str
    version: str
    tax_rate: Decimal = Field(ge=0, lt=1)
    # The collaborator's commission, and the MGA's own (its binder commission from the insurer,
    # out of which it pays the collaborator's); without one the MGA_COMMISSION_RATE setting.
    commission_rate: Decimal = Field(ge=0, lt=1)
    mga_commission_rate: Decimal | None = Field(default=None, ge=0, lt=1)
    components: list[Annotated[Lookup | Rate | SumTime, Field(discriminator="kind")]] = Field(
        min_length=1
    )
    factors: list[Factor] = []
    minimum: Minimum = Minimum()
    instalments: dict[str, Decimal] = {"1": Decimal(0)}  # payments a year -> surcharge on net
    rules: list[Rule] = []

    @model_validator(mode="after")
    def _mga_commission_covers_the_collaborators(self):
        if self.mga_commission_rate is not None and self.mga_commission_rate < self.commission_rate:
            raise ValueError("mga_commission_rate is below commission_rate: the MGA pays it")
        return self

    @model_validator(mode="after")
    def _instalments_are_counts(self):
        if not all(key.isdigit() and int(key) >= 1 for key in self.instalments):
            raise ValueError("instalment keys are payments a year: 1, 2, 4…")
        return self


def load_tariff(document: dict) -> Tariff:
    """Validate a tariff document; raise TariffError with a readable explanation."""
    try:
        return Tariff.model_validate(document)
    except ValidationError as exc:
        raise TariffError(str(exc)) from exc


@dataclass(frozen=True)
class Line:
    label: str
    explanation: str
    amount: Decimal


@dataclass(frozen=True)
class Breakdown:
    lines: list[Line]
    net: Decimal
    tax: Decimal
    gross: Decimal
    commission: Decimal
    instalments: list[Decimal] = field(default_factory=list)

    def as_json(self) -> dict:
        """The explained lines and the instalments as stored on quotes and practices."""
        return {
            "lines": [{**asdict(line), "amount": str(line.amount)} for line in self.lines],
            "instalments": [str(amount) for amount in self.instalments],
        }


def _answer(answers: dict, name: str) -> str:
    if name not in answers or answers[name] in (None, ""):
        raise KeyError(name)
    return str(answers[name])


def _cell(table: dict, keys: list[str], answers: dict, label: str):
    value = table
    for key in keys:
        choice = _answer(answers, key)
        if not isinstance(value, dict) or choice not in value:
            raise ReferralRequired(f"{label}: nessuna tariffa per «{choice}»")
        value = value[choice]
    if value == REFER:
        raise ReferralRequired(f"{label}: da valutare con l'assuntore")
    return Decimal(value)


# The questionnaire's words for the answers, {question: (label, {choice: text})}: explanations
# name what the client chose, never the tariff's codes.
Labels = dict[str, tuple[str, dict[str, str]]]


def _chosen(answers: dict, name: str, labels: Labels) -> str:
    value = _answer(answers, name)
    return labels.get(name, ("", {}))[1].get(value, value)


def _component(component, answers: dict, labels: Labels) -> Line:
    if isinstance(component, Lookup):
        amount = _cell(component.table, component.keys, answers, component.label)
        chosen = "; ".join(
            f"{labels[key][0]}: {_chosen(answers, key, labels)}"
            if key in labels
            else _chosen(answers, key, labels)
            for key in component.keys
        )
        return Line(component.label, chosen, amount)
    if isinstance(component, Rate):
        base = Decimal(_answer(answers, component.amount))
        rate = _cell(component.rates, [component.by], answers, component.label)
        unit = {1000: " ‰", 1: ""}.get(component.per, f" per {component.per}")
        return Line(
            component.label,
            f"{euro(base)} × {italian_number(rate)}{unit} "
            f"({_chosen(answers, component.by, labels)})",
            base * rate / component.per,
        )
    base = Decimal(_answer(answers, component.amount))
    rate = _cell(component.rates, component.by, answers, component.label)
    first = _answer(answers, component.by[0])
    if any(_answer(answers, name) in values for name, values in component.flat_when.items()):
        return Line(
            component.label,
            f"{euro(base)} × {italian_number(rate * 100)} % (una tantum)",
            base * rate,
        )
    months = Decimal(_answer(answers, component.months)).to_integral_value(ROUND_CEILING)
    months = max(months, Decimal(component.min_months.get(first, 0)))
    return Line(
        component.label,
        f"{euro(base)} × {italian_number(rate * 100)} % annuo × {months}/12 mesi",
        base * rate * months / 12,
    )


def rate(tariff: Tariff, answers: dict, labels: Labels | None = None) -> Breakdown:
    """Price `answers` with `tariff`; every line says how it was computed, in the client's
    words (`labels`: the questionnaire's texts for the answers) and Italian numbers.

    Raises KeyError for a missing answer and ReferralRequired outside the tariff.
    """
    labels = labels or {}
    lines = [_component(component, answers, labels) for component in tariff.components]
    net = sum((line.amount for line in lines), Decimal(0))
    for factor in tariff.factors:
        multiplier = _cell(factor.values, [factor.answer], answers, factor.label)
        net *= multiplier
        lines.append(
            Line(
                factor.label,
                f"× {italian_number(multiplier)} ({_chosen(answers, factor.answer, labels)})",
                Decimal(0),
            )
        )
    payments = _answer(answers, "instalments") if "instalments" in answers else "1"
    if payments not in tariff.instalments:
        raise ReferralRequired(f"Frazionamento in {payments} rate non previsto")
    surcharge = tariff.instalments[payments]
    if surcharge:
        net *= 1 + surcharge
        lines.append(
            Line(
                "Frazionamento",
                f"+{italian_number(surcharge * 100)} % per {payments} rate",
                Decimal(0),
            )
        )
    minimum = tariff.minimum.amount
    if tariff.minimum.by:
        minimum = tariff.minimum.values.get(_answer(answers, tariff.minimum.by), minimum)
    if net < minimum:
        lines.append(Line("Premio minimo", f"{euro(net)} portato al minimo", minimum - net))
        net = minimum
    net = net.quantize(CENT, ROUND_HALF_UP)
    tax = (net * tariff.tax_rate).quantize(CENT, ROUND_HALF_UP)
    gross = net + tax
    count = int(payments)
    share = (gross / count).quantize(CENT, rounding="ROUND_DOWN")
    instalments = [gross - share * (count - 1)] + [share] * (count - 1)
    return Breakdown(
        lines=lines,
        net=net,
        tax=tax,
        gross=gross,
        commission=(net * tariff.commission_rate).quantize(CENT, ROUND_HALF_UP),
        instalments=instalments,
    )


@dataclass(frozen=True)
class ProRata:
    """A premium difference for part of the period: positive to collect, negative to refund."""

    net: Decimal
    tax: Decimal
    gross: Decimal
    commission: Decimal


def pro_rata(
    tariff: Tariff, *, old_net: Decimal, new_net: Decimal, days_left: int, days_in_period: int
) -> ProRata:
    """The net premium difference for the days left of the period (pro rata temporis), with the
    tariff's tax and commission on it; rounded half-up to the cent like a premium."""
    if not 0 <= days_left <= days_in_period or days_in_period <= 0:
        raise ValueError("days_left must be within the period")
    net = ((new_net - old_net) * days_left / days_in_period).quantize(CENT, ROUND_HALF_UP)
    tax = (net * tariff.tax_rate).quantize(CENT, ROUND_HALF_UP)
    return ProRata(
        net=net,
        tax=tax,
        gross=net + tax,
        commission=(net * tariff.commission_rate).quantize(CENT, ROUND_HALF_UP),
    )
