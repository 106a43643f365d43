import datetime

from django import forms
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from polis.bordereaux.models import Bordereau
from polis.bordereaux.selectors import insurers
from polis.core.forms import StyledForm


class MonthField(forms.DateField):
    """A month as the browser's month picker sends it (2026-01), stored as its first day."""

    widget = forms.DateInput(attrs={"type": "month"}, format="%Y-%m")
    input_formats = ["%Y-%m"]


def _last_month() -> datetime.date:
    return (timezone.localdate().replace(day=1) - datetime.timedelta(days=1)).replace(day=1)


class GenerateForm(StyledForm):
    insurer = forms.ModelChoiceField(
        label=_("Compagnia"), queryset=insurers(), empty_label=_("Scegli la compagnia")
    )
    month = MonthField(label=_("Mese"), initial=_last_month)
    kind = forms.ChoiceField(label=_("Bordereau"), choices=Bordereau.Kind.choices)


class FilterForm(StyledForm):
    compagnia = forms.ModelChoiceField(
        label=_("Compagnia"), queryset=insurers(), required=False, empty_label=_("Tutte")
    )
    tipo = forms.ChoiceField(
        label=_("Bordereau"), choices=[("", _("Tutti")), *Bordereau.Kind.choices], required=False
    )
    stato = forms.ChoiceField(
        label=_("Stato"), choices=[("", _("Tutti")), *Bordereau.Status.choices], required=False
    )
    mese = MonthField(label=_("Mese"), required=False)
