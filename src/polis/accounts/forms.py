from django import forms
from django.contrib.auth import password_validation
from django.contrib.auth.forms import PasswordResetForm, SetPasswordForm
from django.core.exceptions import ValidationError
from django.urls import reverse
from django.utils.translation import gettext_lazy as _

from polis.accounts.models import Firm
from polis.accounts.services import FirmData, PersonData
from polis.core.forms import StyledForm
from polis.core.validators import normalize_partita_iva, normalize_rui_number
from polis.notify.services import queue_email


class RegistrationForm(StyledForm):
    name = forms.CharField(label=_("Ragione sociale"), max_length=200)
    partita_iva = forms.CharField(label=_("Partita IVA"), max_length=16)
    rui_section = forms.ChoiceField(label=_("Sezione RUI"), choices=Firm.RuiSection.choices)
    rui_number = forms.CharField(
        label=_("Numero di iscrizione RUI"), max_length=12, help_text=_("Es. B000137064")
    )
    address = forms.CharField(label=_("Indirizzo"), max_length=200)
    city = forms.CharField(label=_("Comune"), max_length=100)
    postal_code = forms.RegexField(
        label=_("CAP"), regex=r"^\d{5}$", error_messages={"invalid": _("Il CAP ha 5 cifre.")}
    )
    province = forms.RegexField(
        label=_("Provincia"),
        regex=r"^[A-Za-z]{2}$",
        error_messages={"invalid": _("Indica la sigla della provincia, es. MI.")},
    )
    pec = forms.EmailField(label=_("PEC"))
    phone = forms.CharField(label=_("Telefono"), max_length=20, required=False)
    first_name = forms.CharField(label=_("Nome"), max_length=100)
    last_name = forms.CharField(label=_("Cognome"), max_length=100)
    email = forms.EmailField(label=_("E-mail di accesso"))
    password = forms.CharField(label=_("Password"), widget=forms.PasswordInput, strip=False)
    password_confirm = forms.CharField(
        label=_("Conferma password"), widget=forms.PasswordInput, strip=False
    )
    privacy = forms.BooleanField(
        label=_(
            "Ho letto l'informativa privacy e accetto il trattamento dei dati per la registrazione."
        )
    )

    def clean_partita_iva(self):
        return normalize_partita_iva(self.cleaned_data["partita_iva"])

    def clean_province(self):
        return self.cleaned_data["province"].upper()

    def clean_email(self):
        return self.cleaned_data["email"].lower()

    def clean(self):
        data = super().clean()
        if "rui_number" in data and "rui_section" in data:
            try:
                data["rui_number"] = normalize_rui_number(data["rui_number"], data["rui_section"])
            except ValidationError as exc:
                self.add_error("rui_number", exc)
        password = data.get("password")
        if password and password != data.get("password_confirm"):
            self.add_error("password_confirm", _("Le due password non coincidono."))
        elif password:
            try:
                password_validation.validate_password(password)
            except ValidationError as exc:
                self.add_error("password", exc)
        return data

    def firm_data(self) -> FirmData:
        fields = FirmData.__dataclass_fields__
        return FirmData(**{name: self.cleaned_data[name] for name in fields})

    def person_data(self) -> PersonData:
        fields = PersonData.__dataclass_fields__
        return PersonData(**{name: self.cleaned_data[name] for name in fields})


class LoginForm(StyledForm):
    email = forms.EmailField(label=_("E-mail"))
    password = forms.CharField(label=_("Password"), widget=forms.PasswordInput, strip=False)


class TokenForm(StyledForm):
    token = forms.RegexField(
        label=_("Codice a 6 cifre"),
        regex=r"^\d{6}$",
        error_messages={"invalid": _("Il codice è composto da 6 cifre.")},
        widget=forms.TextInput(attrs={"inputmode": "numeric", "autocomplete": "one-time-code"}),
    )


class ReplaceDeviceForm(StyledForm):
    current_token = forms.RegexField(
        label=_("Codice dell'app attuale"),
        regex=r"^\d{6}$",
        error_messages={"invalid": _("Il codice è composto da 6 cifre.")},
        widget=forms.TextInput(attrs={"inputmode": "numeric", "autocomplete": "off"}),
    )
    token = forms.RegexField(
        label=_("Codice della nuova app"),
        regex=r"^\d{6}$",
        error_messages={"invalid": _("Il codice è composto da 6 cifre.")},
        widget=forms.TextInput(attrs={"inputmode": "numeric", "autocomplete": "off"}),
    )


class FirmTwoFactorForm(StyledForm):
    two_factor_required = forms.BooleanField(
        label=_("Verifica in due passaggi obbligatoria per tutti gli utenti dell'agenzia"),
        required=False,
    )


class RejectFirmForm(StyledForm):
    reason = forms.CharField(
        label=_("Motivo del rifiuto"), widget=forms.Textarea(attrs={"rows": 3})
    )


class InviteForm(StyledForm):
    first_name = forms.CharField(label=_("Nome"), max_length=100)
    last_name = forms.CharField(label=_("Cognome"), max_length=100)
    email = forms.EmailField(label=_("E-mail"))

    def person_data(self) -> PersonData:
        return PersonData(**self.cleaned_data)


class OutboxPasswordResetForm(StyledForm, PasswordResetForm):
    """Django's reset form, delivered via the outbox. An address without an active account
    gets an e-mail too (saying so): the answer, and the work behind it, are the same."""

    def save(self, *args, **kwargs):
        self.queued = False
        super().save(*args, **kwargs)
        if not self.queued:
            queue_email(
                to=self.cleaned_data["email"], template="password_reset_unknown", context={}
            )

    def send_mail(
        self,
        subject_template_name,
        email_template_name,
        context,
        from_email,
        to_email,
        html_email_template_name=None,
    ):
        path = reverse(
            "accounts:password_reset_confirm",
            kwargs={"uidb64": context["uid"], "token": context["token"]},
        )
        link = "{protocol}://{domain}".format(**context) + path
        queue_email(
            to=to_email, template="password_reset", context={"user": context["user"], "link": link}
        )
        self.queued = True


class StyledSetPasswordForm(StyledForm, SetPasswordForm):
    pass
