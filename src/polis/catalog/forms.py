"""Forms built from a product's questionnaire (data), with ranges and choices checked."""

import hashlib
from decimal import Decimal

from django import forms
from django.utils.translation import get_language
from django.utils.translation import gettext_lazy as _

from polis.catalog.models import Insurer, Product
from polis.core.cache import cached
from polis.core.forms import AmountField, StyledForm

# Touched when products or insurers change: their names are in the portfolio filters.
CATALOG_STAMP = "catalog"


def _field(question: dict) -> forms.Field:
    required = question.get("required", True)
    if question["type"] == "choice":
        return forms.ChoiceField(
            label=question["label"],
            required=required,
            choices=[("", "—"), *[tuple(c) for c in question["choices"]]],
        )
    if question["type"] == "decimal":
        return AmountField(
            label=question["label"],
            required=required,
            min_value=Decimal(question["min"]),
            max_value=Decimal(question["max"]),
        )
    if question["type"] == "boolean":
        return forms.BooleanField(label=question["label"], required=False)
    raise ValueError(f"unknown question type {question['type']}")


def questionnaire_form_class(product: Product) -> type[StyledForm]:
    fields = {question["name"]: _field(question) for question in product.questionnaire}
    return type(f"{product.code}Questionnaire", (StyledForm,), fields)


def offer_only(form: StyledForm, allowed: dict) -> None:
    """Keep in each choice field only the values the tariff's rules allow for the answers so
    far (catalog.answers.allowed_choices), with the rules' reasons as the field's help; on a
    form shown again, not submitted, a single allowed value is chosen at once."""
    for name, (values, reasons) in allowed.items():
        field = form.fields[name]
        field.choices = [(value, label) for value, label in field.choices if value in ("", *values)]
        field.help_text = " ".join(reasons)
        current = form.data.get(name) if form.is_bound else form.initial.get(name)
        if len(values) == 1 and current not in values and not form.is_bound:
            form.initial[name] = values[0]


def answers_of(form: StyledForm) -> dict:
    """Answers as strings, the way tariffs and stored quotes keep them."""
    return {
        name: str(value) for name, value in form.cleaned_data.items() if value not in ("", None)
    }


PAGE_SIZES = (25, 50, 100)


def date_input() -> forms.DateInput:
    return forms.DateInput(format="%Y-%m-%d", attrs={"type": "date"})


class PortfolioFilterForm(StyledForm):
    """Filters, sorting and page size of the portfolio lists (PRATICHE E PREVENTIVI).

    Everything is optional and a value that does not validate is simply ignored. Subclasses
    name their `statuses` (value, label) and `orderings` {value: (label, order_by fields)}, the
    first being the default, and implement `status_filter`.
    """

    statuses: list[tuple[str, str]] = []
    orderings: dict[str, tuple[str, tuple[str, ...]]] = {}
    date_field = "effective_date"
    search_label = _("Cerca")
    template_name = "web/_portfolio_filter_fields.html"

    q = forms.CharField(
        label=_("Cerca"),
        max_length=100,
        required=False,
        widget=forms.TextInput(attrs={"type": "search"}),
    )
    stato = forms.ChoiceField(label=_("Stato"), required=False)
    prodotto = forms.ModelChoiceField(
        label=_("Prodotto"),
        queryset=Product.objects.order_by("name"),
        to_field_name="code",
        required=False,
        empty_label=_("Tutti"),
    )
    compagnia = forms.ModelChoiceField(
        label=_("Compagnia"),
        queryset=Insurer.objects.order_by("name"),
        required=False,
        empty_label=_("Tutte"),
    )
    dal = forms.DateField(label=_("Decorrenza dal"), required=False, widget=date_input())
    al = forms.DateField(label=_("Decorrenza al"), required=False, widget=date_input())
    ordina = forms.ChoiceField(label=_("Ordina per"), required=False)
    per_pagina = forms.TypedChoiceField(
        label=_("Per pagina"),
        choices=[(n, n) for n in PAGE_SIZES],
        coerce=int,
        required=False,
    )

    def __init__(self, data=None, **kwargs):
        super().__init__(data or {}, **kwargs)
        self.fields["q"].label = self.search_label
        self.fields["stato"].choices = [("", _("Tutti")), *self.statuses]
        self.fields["ordina"].choices = [
            (value, label) for value, (label, _fields) in self.orderings.items()
        ]
        # Validated at once, without marking ignored values as errors in the page.
        forms.Form.full_clean(self)

    def value(self, name: str):
        return self.cleaned_data.get(name) or None

    def render(self, template_name=None, context=None, renderer=None):
        """The fields' HTML. The same for everyone who filters alike, and a dozen widget
        templates to render, so kept in the shared cache until the catalog changes."""
        if template_name or context or renderer:
            return super().render(template_name, context, renderer)
        values = repr([(name, self[name].value()) for name in self.fields]).encode()
        form = f"{type(self).__module__}.{type(self).__qualname__}"
        key = f"filters:{get_language()}:{form}:{hashlib.sha256(values).hexdigest()}"
        return cached(key, super().render, stamps=[CATALOG_STAMP])  # a SafeString, pickled

    __str__ = __html__ = render  # as in Django's RenderableMixin, which binds its own render

    @property
    def page_size(self) -> int:
        return self.value("per_pagina") or PAGE_SIZES[0]

    def status_filter(self, queryset, status: str):
        return queryset.filter(status=status)

    def apply(self, queryset):
        """The queryset filtered by status, product, insurer and dates, then sorted."""
        if status := self.value("stato"):
            queryset = self.status_filter(queryset, status)
        if product := self.value("prodotto"):
            queryset = queryset.filter(product=product)
        if insurer := self.value("compagnia"):
            # A subquery on products keeps the (firm, product, …) index usable: no join.
            queryset = queryset.filter(product__in=insurer.products.values("pk"))
        if since := self.value("dal"):
            queryset = queryset.filter(**{f"{self.date_field}__gte": since})
        if until := self.value("al"):
            queryset = queryset.filter(**{f"{self.date_field}__lte": until})
        ordering = self.orderings.get(self.value("ordina") or "") or next(
            iter(self.orderings.values())
        )
        return queryset.order_by(*ordering[1])
