from django import forms
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from polis.catalog.forms import PortfolioFilterForm
from polis.clients.selectors import clients_visible_to
from polis.core.forms import StyledForm
from polis.quotes.models import Quote


class QuoteStartForm(StyledForm):
    client = forms.ModelChoiceField(
        label=_("Cliente"), queryset=None, empty_label=_("— scegli il cliente —")
    )
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
