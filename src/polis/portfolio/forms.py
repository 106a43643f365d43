from django import forms
from django.utils.translation import gettext_lazy as _

from polis.core.forms import StyledForm


class UploadForm(StyledForm):
    file = forms.FileField(
        label=_("File del portafoglio (CSV o XLSX)"),
        help_text=_("Compila il modello: una riga per polizza, con il suo cliente."),
    )
    firm = forms.ModelChoiceField(label=_("Agenzia"), queryset=None, empty_label=None)
    privacy = forms.BooleanField(
        label=_(
            "Dichiaro che i clienti del file hanno ricevuto l'informativa privacy e acconsentito "
            "al trattamento dei dati per i loro contratti."
        )
    )

    def __init__(self, *args, firms, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["firm"].queryset = firms
        if firms.count() == 1:
            self.fields["firm"].widget = forms.HiddenInput()
            self.fields["firm"].initial = firms.first()
