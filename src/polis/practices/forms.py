from django import forms
from django.conf import settings
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from polis.catalog.forms import PortfolioFilterForm, date_input
from polis.core.forms import AmountField, StyledForm
from polis.practices.models import Payment, Practice

# Only orders an index serves (practices' Meta.indexes; policy numbers are unique).
PRACTICE_ORDERINGS = {
    "recenti": (_("Più recenti"), ("-created_at", "-pk")),
    "scadenza": (_("Scadenza"), ("end_date", "pk")),
    "decorrenza": (_("Decorrenza"), ("-effective_date", "-pk")),
    "polizza": (_("Numero di polizza"), ("policy_number",)),
}


class PracticeFilterForm(PortfolioFilterForm):
    statuses = Practice.Status.choices
    orderings = PRACTICE_ORDERINGS
    search_label = _("Numero di polizza, cliente o codice fiscale")


class ExpiringFilterForm(PortfolioFilterForm):
    """Pratiche in scadenza: in force practices ending within the chosen window."""

    orderings = {
        "scadenza": PRACTICE_ORDERINGS["scadenza"],
        **{key: value for key, value in PRACTICE_ORDERINGS.items() if key != "scadenza"},
    }
    search_label = _("Numero di polizza, cliente o codice fiscale")
    giorni = forms.TypedChoiceField(label=_("Scadenza entro"), coerce=int, required=False)
    field_order = ["q", "giorni"]

    def __init__(self, data=None, **kwargs):
        self.base_fields["giorni"].choices = [
            (days, _("%(days)s giorni") % {"days": days})
            for days in settings.PRACTICE_EXPIRING_WINDOWS
        ]
        # The window in force is always the one shown selected: the default when none is asked.
        data = (data or {}).copy()
        if not data.get("giorni"):
            data["giorni"] = str(self.default_days())
        super().__init__(data, **kwargs)
        del self.fields["stato"]

    @staticmethod
    def default_days() -> int:
        windows = settings.PRACTICE_EXPIRING_WINDOWS
        default = settings.PRACTICE_EXPIRING_DEFAULT_DAYS
        return default if default in windows else windows[0]

    @property
    def days(self) -> int:
        return self.value("giorni") or self.default_days()


class PaymentForm(StyledForm):
    method = forms.ChoiceField(label=_("Modalità di pagamento"), choices=Payment.Method.choices)
    paid_on = forms.DateField(label=_("Data del pagamento"), widget=date_input())
    amount = AmountField(label=_("Importo (€)"), max_digits=12, min_value=0)
    receipt = forms.FileField(label=_("Ricevuta (PDF, JPEG, PNG, TIFF, P7M; max 20 MB)"))

    def __init__(self, *args, due=None, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["paid_on"].initial = timezone.localdate()
        self.fields["amount"].initial = due
        self.fields["amount"].widget.attrs["inputmode"] = "decimal"


class EndorsementForm(StyledForm):
    """When a variazione takes effect and why (beside the questionnaire's new answers)."""

    effective_date = forms.DateField(
        label=_("Data di effetto della variazione"), widget=date_input()
    )
    note = forms.CharField(
        label=_("Motivo o altri dati variati (es. nuovo indirizzo, assicurato aggiunto)"),
        required=False,
        max_length=300,
    )

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["effective_date"].initial = timezone.localdate()


class EndorsementSignatureForm(StyledForm):
    """The appendice's signature: the contract's identification is reused unless a new identity
    document is uploaded."""

    identity_document = forms.FileField(
        label=_("Nuovo documento d'identità del firmatario (facoltativo)"), required=False
    )
    identity_attested = forms.BooleanField(
        label=_("Ho identificato il firmatario con questo documento d'identità valido"),
        required=False,
        widget=forms.CheckboxInput(attrs={"class": "form-check-input"}),
    )
