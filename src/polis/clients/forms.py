from django import forms
from django.core.exceptions import ValidationError
from django.utils.translation import gettext_lazy as _

from polis.clients.models import Client
from polis.clients.services import ClientData
from polis.core.forms import StyledForm
from polis.core.validators import check_codice_fiscale, normalize_mobile, normalize_partita_iva

PERSON_REQUIRED = ("first_name", "last_name", "codice_fiscale")
COMPANY_REQUIRED = ("company_name", "partita_iva")


class ClientForm(StyledForm):
    kind = forms.ChoiceField(
        label=_("Tipo di cliente"), choices=Client.Kind.choices, widget=forms.RadioSelect
    )
    first_name = forms.CharField(label=_("Nome"), max_length=100, required=False)
    last_name = forms.CharField(label=_("Cognome"), max_length=100, required=False)
    company_name = forms.CharField(label=_("Ragione sociale"), max_length=200, required=False)
    codice_fiscale = forms.CharField(label=_("Codice fiscale"), max_length=16, required=False)
    partita_iva = forms.CharField(label=_("Partita IVA"), max_length=16, required=False)
    birth_date = forms.DateField(
        label=_("Data di nascita"),
        required=False,
        widget=forms.DateInput(format="%Y-%m-%d", attrs={"type": "date"}),
    )
    sex = forms.ChoiceField(
        label=_("Sesso"), required=False, choices=[("", "—"), *Client.Sex.choices]
    )
    email = forms.EmailField(label=_("E-mail"))
    mobile = forms.CharField(
        label=_("Cellulare"),
        max_length=20,
        help_text=_("Riceverà i codici SMS per firmare i contratti."),
    )
    pec = forms.EmailField(label=_("PEC"), required=False)
    address = forms.CharField(label=_("Indirizzo"), max_length=200)
    postal_code = forms.RegexField(
        label=_("CAP"), regex=r"^\d{5}$", error_messages={"invalid": _("Il CAP ha 5 cifre.")}
    )
    city = forms.CharField(label=_("Comune"), max_length=100)
    province = forms.RegexField(
        label=_("Provincia"),
        regex=r"^[A-Za-z]{2}$",
        error_messages={"invalid": _("Indica la sigla, es. MI.")},
    )
    privacy = forms.BooleanField(
        label=_(
            "Il cliente ha ricevuto l'informativa privacy e "
            "acconsente al trattamento dei dati per il contratto."
        )
    )
    marketing_consent = forms.BooleanField(
        label=_("Il cliente acconsente a ricevere comunicazioni commerciali."), required=False
    )

    def __init__(self, *args, editing: bool = False, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["kind"].widget.attrs["class"] = "form-check-input"
        if editing:
            self.fields["kind"].disabled = True
            del self.fields["privacy"]

    def clean_province(self):
        return self.cleaned_data["province"].upper()

    def clean_mobile(self):
        return normalize_mobile(self.cleaned_data["mobile"])

    def clean(self):
        data = super().clean()
        is_person = data.get("kind") == Client.Kind.PERSON
        for name in PERSON_REQUIRED if is_person else COMPANY_REQUIRED:
            if not data.get(name):
                self.add_error(name, _("Campo obbligatorio per questo tipo di cliente."))
        try:
            if is_person and data.get("codice_fiscale"):
                data["codice_fiscale"] = check_codice_fiscale(
                    data["codice_fiscale"],
                    birth_date=data.get("birth_date"),
                    sex=data.get("sex", ""),
                )
            elif data.get("codice_fiscale"):
                data["codice_fiscale"] = normalize_partita_iva(data["codice_fiscale"])
        except ValidationError as error:
            self.add_error("codice_fiscale", error)
        if data.get("partita_iva"):
            try:
                data["partita_iva"] = normalize_partita_iva(data["partita_iva"])
            except ValidationError as error:
                self.add_error("partita_iva", error)
        if not is_person:
            data.update(first_name="", last_name="", birth_date=None, sex="")
        else:
            data["company_name"] = ""
        return data

    def client_data(self) -> ClientData:
        fields = ClientData.__dataclass_fields__
        return ClientData(
            **{name: self.cleaned_data[name] for name in fields if name in self.cleaned_data}
        )
