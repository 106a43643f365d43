from django import forms
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from polis.catalog.models import Insurer
from polis.core.forms import StyledForm


class PrepareRemittanceForm(StyledForm):
    insurer = forms.ModelChoiceField(Insurer.objects.order_by("name"), label=_("Compagnia"))
    period_end = forms.DateField(
        label=_("Incassi fino al"),
        widget=forms.DateInput(format="%Y-%m-%d", attrs={"type": "date"}),
    )


class ConfirmRemittanceForm(StyledForm):
    paid_on = forms.DateField(
        label=_("Pagata il"),
        initial=timezone.localdate,
        widget=forms.DateInput(format="%Y-%m-%d", attrs={"type": "date"}),
    )
    bank_reference = forms.CharField(label=_("Riferimento del bonifico (CRO/TRN)"), max_length=35)


class MonthForm(StyledForm):
    mese = forms.DateField(
        label=_("Mese"), input_formats=["%Y-%m"], widget=forms.DateInput(attrs={"type": "month"})
    )

    @property
    def month(self):
        if self.is_valid():
            return self.cleaned_data["mese"].replace(day=1)
        return timezone.localdate().replace(day=1)


class BatchForm(StyledForm):
    execution_date = forms.DateField(
        label=_("Data di esecuzione"),
        initial=timezone.localdate,
        widget=forms.DateInput(format="%Y-%m-%d", attrs={"type": "date"}),
    )
