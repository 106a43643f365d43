from django import forms
from django.urls import reverse
from django.utils.html import format_html
from django.utils.translation import gettext_lazy as _

from polis.core.forms import StyledForm
from polis.core.validators import normalize_phone
from polis.web.services import ContactData


class ContactForm(StyledForm):
    name = forms.CharField(label=_("Nome e cognome"), max_length=150)
    email = forms.EmailField(label=_("E-mail"))
    phone = forms.CharField(label=_("Telefono"), max_length=20, required=False)
    subject = forms.CharField(label=_("Oggetto"), max_length=200)
    message = forms.CharField(
        label=_("Messaggio"), max_length=5000, widget=forms.Textarea(attrs={"rows": 6})
    )
    privacy = forms.BooleanField()
    # Honeypot: hidden from people by CSS, filled in by naive bots.
    website = forms.CharField(required=False, label=_("Lascia vuoto questo campo"))

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        # the notice opens in a new tab: the message typed so far stays in the form
        self.fields["privacy"].label = format_html(
            _(
                'Ho letto l\'<a href="{url}" target="_blank" rel="noopener">informativa '
                "privacy</a> e acconsento al trattamento dei miei dati per ricevere risposta."
            ),
            url=reverse("web:privacy"),
        )

    def clean_phone(self):
        phone = self.cleaned_data["phone"].strip()
        return normalize_phone(phone) if phone else ""

    def is_spam(self) -> bool:
        return bool(self.cleaned_data.get("website"))

    def contact_data(self) -> ContactData:
        fields = ContactData.__dataclass_fields__
        return ContactData(**{name: self.cleaned_data[name] for name in fields})
