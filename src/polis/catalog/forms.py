"""Forms built from a product's questionnaire (data), with ranges and choices checked."""

from decimal import Decimal

from django import forms

from polis.catalog.models import Product
from polis.core.forms import StyledForm


def _field(question: dict) -> forms.Field:
    required = question.get("required", True)
    if question["type"] == "choice":
        return forms.ChoiceField(
            label=question["label"],
            required=required,
            choices=[("", "—"), *[tuple(c) for c in question["choices"]]],
        )
    if question["type"] == "decimal":
        return forms.DecimalField(
            label=question["label"],
            required=required,
            min_value=Decimal(question["min"]),
            max_value=Decimal(question["max"]),
            decimal_places=2,
            widget=forms.NumberInput(attrs={"step": question.get("step", "1")}),
        )
    if question["type"] == "boolean":
        return forms.BooleanField(label=question["label"], required=False)
    raise ValueError(f"unknown question type {question['type']}")


def questionnaire_form_class(product: Product) -> type[StyledForm]:
    fields = {question["name"]: _field(question) for question in product.questionnaire}
    return type(f"{product.code}Questionnaire", (StyledForm,), fields)


def answers_of(form: StyledForm) -> dict:
    """Answers as strings, the way tariffs and stored quotes keep them."""
    return {
        name: str(value) for name, value in form.cleaned_data.items() if value not in ("", None)
    }
