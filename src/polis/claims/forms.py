from django import forms
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from polis.core.forms import AmountField, StyledForm

DATE = forms.DateInput(attrs={"type": "date"}, format="%Y-%m-%d")


class ClaimForm(StyledForm):
    """APRI SINISTRO: the event, the claim type of the product and its documents checklist."""

    claim_type = forms.ChoiceField(label=_("Tipo di sinistro"))
    event_date = forms.DateField(label=_("Data dell'evento"), widget=DATE)
    reported_on = forms.DateField(label=_("Data della denuncia"), widget=DATE)
    place = forms.CharField(label=_("Luogo"), max_length=200)
    description = forms.CharField(
        label=_("Descrizione"), widget=forms.Textarea(attrs={"rows": 4}), max_length=5000
    )
    estimated_amount = AmountField(label=_("Importo stimato (€)"), required=False, min_value=0)
    third_parties = forms.CharField(
        label=_("Terzi coinvolti"),
        required=False,
        widget=forms.Textarea(attrs={"rows": 2}),
        max_length=2000,
    )
    notify_insured = forms.BooleanField(
        label=_("Invia la conferma di apertura anche all'assicurato"),
        required=False,
        widget=forms.CheckboxInput(attrs={"class": "form-check-input"}),
    )

    def __init__(self, practice, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.claim_types = practice.product.claim_types
        self.fields["claim_type"].choices = [("", "—")] + [
            (kind["code"], kind["label"]) for kind in self.claim_types
        ]
        self.fields["reported_on"].initial = timezone.localdate()
        self.document_codes = sorted(
            {doc["code"] for kind in self.claim_types for doc in kind["documents"]} | {"altro"}
        )
