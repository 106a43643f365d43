from django import forms
from django.utils.translation import gettext_lazy as _

from polis.core.forms import StyledForm
from polis.retention.models import LegalHold


class HoldForm(StyledForm):
    reason = forms.ChoiceField(label=_("Motivo"), choices=LegalHold.Reason.choices)
    reference = forms.CharField(
        label=_("Riferimento"),
        max_length=100,
        help_text=_("Protocollo della richiesta, numero del reclamo o del procedimento."),
    )
    note = forms.CharField(
        label=_("Note"), required=False, widget=forms.Textarea(attrs={"rows": 3})
    )
