from django import forms
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from polis.catalog.forms import PortfolioFilterForm, answers_of, questionnaire_form_class
from polis.catalog.models import Product
from polis.clients.forms import ClientChoiceField
from polis.clients.selectors import clients_visible_to
from polis.core.forms import StyledForm
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
    claims_amount = forms.DecimalField(
        label=_("Importi pagati o richiesti (€)"), required=False, min_value=0, decimal_places=2
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


class OfferForm(StyledForm):
    product = forms.ModelChoiceField(
        label=_("Prodotto"), queryset=Product.objects.filter(active=True)
    )
    gross = forms.DecimalField(label=_("Premio lordo (€)"), min_value=0, decimal_places=2)
    conditions = forms.CharField(
        label=_("Condizioni"), widget=forms.Textarea(attrs={"rows": 3}), max_length=3000
    )
    valid_until = forms.DateField(
        label=_("Valida fino al"),
        widget=forms.DateInput(format="%Y-%m-%d", attrs={"type": "date"}),
    )


class PricingForms:
    """The client and effective-date form with the product's questionnaire, as FAI PREVENTIVO
    and AGGIUNGI PRATICA ask them."""

    def __init__(self, request, product):
        chosen = request.GET.get("cliente", "")  # a client just added with "Aggiungilo"
        initial = {"client": int(chosen)} if chosen.isdigit() else {}
        self.start = QuoteStartForm(request.POST or None, user=request.user, initial=initial)
        self.questions = questionnaire_form_class(product)(request.POST or None)

    def is_valid(self) -> bool:
        return self.start.is_valid() & self.questions.is_valid()

    def values(self) -> dict:
        return {
            "client": self.start.cleaned_data["client"],
            "answers": answers_of(self.questions),
            "effective_date": self.start.cleaned_data["effective_date"],
        }

    def show(self, error) -> None:
        """Put a service's error next to its field (or on top of the form)."""
        form = self.start if error.field in self.start.fields else self.questions
        form.add_error(error.field if error.field in form.fields else None, error.message)
