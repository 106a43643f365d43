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
        self.only_firm = firms.first() if len(firms) == 1 else None
        if self.only_firm is not None:  # a firm's administrator: his own
            del self.fields["firm"]

    def chosen_firm(self):
        return self.only_firm or self.cleaned_data["firm"]
