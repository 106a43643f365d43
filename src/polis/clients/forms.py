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
    language = forms.ChoiceField(
        label=_("Lingua"),
        choices=Client.Language.choices,
        initial=Client.Language.ITALIAN,
        required=False,  # Italian unless said
        help_text=_("Di pagina di firma, e-mail e SMS; i documenti restano in italiano."),
    )
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
        if editing:
            self.fields["kind"].disabled = True
            del self.fields["privacy"]

    def clean_province(self):
        return self.cleaned_data["province"].upper()

    def clean_language(self):
        return self.cleaned_data["language"] or Client.Language.ITALIAN

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


# Clients listed in the picker before anything is typed; more are reached by searching.
PICKER_SIZE = 50


class ClientPicker(forms.Select):
    """A client select with a search box above it that refills its options (htmx): a firm with
    thousands of clients does not render them all. Without JavaScript the first PICKER_SIZE
    clients, and the chosen one, are still there to choose from."""

    template_name = "clients/widgets/client_picker.html"

    def optgroups(self, name, value, attrs=None):
        iterator = self.choices
        clients = list(iterator.queryset[: PICKER_SIZE + 1])
        self.more = len(clients) > PICKER_SIZE
        clients = clients[:PICKER_SIZE]
        chosen = [v for v in value if v and v not in {str(c.pk) for c in clients}]
        clients += list(iterator.queryset.filter(pk__in=chosen))
        self.choices = [("", iterator.field.empty_label), *map(iterator.choice, clients)]
        try:
            return super().optgroups(name, value, attrs)
        finally:
            self.choices = iterator

    def get_context(self, name, value, attrs):
        context = super().get_context(name, value, attrs)
        context["widget"]["more"] = self.more
        return context


class ClientChoiceField(forms.ModelChoiceField):
    """One of the clients the user may see, chosen with a ClientPicker."""

    widget = ClientPicker

    def __init__(self, **kwargs):
        kwargs.setdefault("label", _("Cliente"))
        kwargs.setdefault("empty_label", _("— scegli il cliente —"))
        super().__init__(queryset=Client.objects.none(), **kwargs)
