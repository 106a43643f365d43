from datetime import date

from django import forms
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from polis.catalog.answers import allowed_choices
from polis.catalog.forms import (
    PortfolioFilterForm,
    answers_of,
    offer_only,
    questionnaire_form_class,
)
from polis.catalog.models import Product
from polis.catalog.rating import load_tariff
from polis.catalog.services import tariff_for
from polis.clients.forms import ClientChoiceField
from polis.clients.selectors import clients_visible_to
from polis.core.errors import DomainError
from polis.core.forms import AmountField, StyledForm, show_error
from polis.quotes.models import Quote


class QuoteStartForm(StyledForm):
    client = ClientChoiceField()
    effective_date = forms.DateField(
        label=_("Decorrenza"), widget=forms.DateInput(format="%Y-%m-%d", attrs={"type": "date"})
    )

    def __init__(self, *args, user, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["client"].queryset = clients_visible_to(user).order_by(
            "last_name", "first_name", "company_name"
        )
        self.fields["effective_date"].initial = timezone.localdate()


class QuoteFilterForm(PortfolioFilterForm):
    statuses = [
        ("validi", _("Validi")),
        ("scaduti", _("Scaduti")),
        ("trasformati", _("Trasformati in pratica")),
    ]
    orderings = {
        "recenti": (_("Più recenti"), ("-created_at", "-pk")),
        "validita": (_("Validità"), ("valid_until", "pk")),
        "decorrenza": (_("Decorrenza"), ("-effective_date", "-pk")),
        "numero": (_("Numero"), ("number",)),
    }
    search_label = _("Numero, cliente o codice fiscale")

    def status_filter(self, queryset, status: str):
        today = timezone.localdate()
        if status == "validi":
            return queryset.filter(status=Quote.Status.PRICED, valid_until__gte=today)
        if status == "scaduti":
            return queryset.filter(status=Quote.Status.PRICED, valid_until__lt=today)
        return queryset.filter(status=Quote.Status.CONVERTED)


class CustomQuoteRequestForm(StyledForm):
    """Preventivo personalizzato: special coverages or a client with claims."""

    client = ClientChoiceField()
    product = forms.ModelChoiceField(
        label=_("Prodotto (se c'è)"),
        queryset=Product.objects.filter(active=True),
        required=False,
        empty_label=_("— nessuno in particolare —"),
    )
    need = forms.CharField(label=_("Esigenza del cliente"), max_length=300)
    special_coverages = forms.CharField(
        label=_("Garanzie particolari richieste"),
        required=False,
        widget=forms.Textarea(attrs={"rows": 3}),
        max_length=3000,
    )
    claims_count = forms.IntegerField(
        label=_("Sinistri negli ultimi 5 anni"), min_value=0, max_value=99, initial=0
    )
    claims_years = forms.CharField(label=_("Anni"), required=False, max_length=100)
    claims_amount = AmountField(
        label=_("Importi pagati o richiesti (€)"), required=False, min_value=0
    )
    claims_text = forms.CharField(
        label=_("Descrizione dei sinistri (stato, cause)"),
        required=False,
        widget=forms.Textarea(attrs={"rows": 3}),
        max_length=3000,
    )

    def __init__(self, *args, user, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["client"].queryset = clients_visible_to(user).order_by(
            "last_name", "first_name", "company_name"
        )


COVER_TERMS = (
    ("limit", _("Massimale (€)")),
    ("deductible", _("Franchigia (€)")),
    ("scoperto", _("Scoperto (%)")),
)


class OfferForm(StyledForm):
    """The MGA's offer: premium, conditions, validity and the cover per coverage, one table
    per product on sale (the chosen product's table is the offer's cover)."""

    product = forms.ModelChoiceField(
        label=_("Prodotto"), queryset=Product.objects.filter(active=True)
    )
    gross = AmountField(label=_("Premio lordo (€)"), min_value=0)
    conditions = forms.CharField(
        label=_("Condizioni"), widget=forms.Textarea(attrs={"rows": 3}), max_length=3000
    )
    valid_until = forms.DateField(
        label=_("Valida fino al"),
        widget=forms.DateInput(format="%Y-%m-%d", attrs={"type": "date"}),
    )

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self._cover_names = []  # (product, coverage, {term: field name})
        for product in Product.objects.filter(active=True).prefetch_related("coverages"):
            for coverage in product.coverages.all():
                names = {
                    term: f"cover-{product.code}-{coverage.code}-{term}" for term, _l in COVER_TERMS
                }
                for term, label in COVER_TERMS:
                    self.fields[names[term]] = forms.CharField(
                        label=label, required=False, max_length=20
                    )
                self._cover_names.append((product, coverage, names))

    @property
    def cover_groups(self) -> list[tuple]:
        """[(product, [(coverage, [bound fields])])] for the template."""
        groups: dict = {}
        for product, coverage, names in self._cover_names:
            groups.setdefault(product, []).append(
                (coverage, [self[names[term]] for term, _l in COVER_TERMS])
            )
        return list(groups.items())

    def cover(self) -> list[dict]:
        """The terms typed in the chosen product's table (checked by offer_custom_quote)."""
        chosen = self.cleaned_data["product"]
        return [
            {"coverage": coverage.code}
            | {term: self.cleaned_data[name] for term, name in names.items()}
            for product, coverage, names in self._cover_names
            if product == chosen
        ]


class TargetMarketForm(StyledForm):
    """The collaborator's justification of a sale outside the product's target market (POG),
    asked when the check finds one."""

    target_market_justification = forms.CharField(
        label=_("Motivazione della vendita fuori target market"),
        required=False,
        max_length=2000,
        widget=forms.Textarea(attrs={"rows": 3}),
        help_text=_(
            "Perché il prodotto è comunque nell'interesse del cliente: resta agli atti con il "
            "preventivo ed è segnalata all'MGA."
        ),
    )


class PricingForms:
    """The client and effective-date form with the product's questionnaire, as FAI PREVENTIVO
    and AGGIUNGI PRATICA ask them."""

    def __init__(self, request, product):
        # htmx asks for the questionnaire again as the user picks: shown, not submitted
        self.refreshing = bool(request.htmx and request.GET.get("aggiorna"))
        data = request.POST or None
        chosen = request.GET.get("cliente", "")  # a client just added with "Aggiungilo"
        initial = {"client": int(chosen)} if chosen.isdigit() else {}
        self.start = QuoteStartForm(data, user=request.user, initial=initial)
        if self.refreshing:
            self.questions = questionnaire_form_class(product)(initial=request.POST.dict())
        else:
            self.questions = questionnaire_form_class(product)(data)
        self.target_market = TargetMarketForm(data)
        self._offer_allowed(product, request.POST)

    def _offer_allowed(self, product, data) -> None:
        """Offer only the choices the tariff valid on the chosen date allows (brief §1.2)."""
        try:
            on = date.fromisoformat(data.get("effective_date", ""))
        except ValueError:
            on = timezone.localdate()
        try:
            tariff = load_tariff(tariff_for(product, on).document)
        except DomainError:  # no tariff then: the service will say so on submit
            return
        answers = {name: data.get(name, "") for name in self.questions.fields}
        offer_only(self.questions, allowed_choices(product, answers, tariff=tariff))
        self.questions.has_rules = bool(tariff.rules)

    def is_valid(self) -> bool:
        return self.start.is_valid() & self.questions.is_valid() & self.target_market.is_valid()

    @property
    def justification(self) -> str:
        return self.target_market.cleaned_data.get("target_market_justification", "")

    @property
    def asks_justification(self) -> bool:
        """Shown once the check asked for it (and kept while the user writes it)."""
        return bool(
            self.target_market.errors or self.target_market.data.get("target_market_justification")
        )

    def values(self) -> dict:
        return {
            "client": self.start.cleaned_data["client"],
            "answers": answers_of(self.questions),
            "effective_date": self.start.cleaned_data["effective_date"],
        }

    def show(self, error) -> None:
        """Put a service's error next to its field (or on top of the form); refused answers
        each next to their question."""
        for field, message in getattr(error, "errors", {error.field: error.message}).items():
            form = next(
                (f for f in (self.start, self.target_market) if field in f.fields), self.questions
            )
            show_error(form, error, field, message)
