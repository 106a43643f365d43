from django import forms
from django.urls import reverse
from django.utils import timezone
from django.utils.html import format_html
from django.utils.translation import get_language
from django.utils.translation import gettext_lazy as _

from polis.accounts.models import Firm, User
from polis.catalog.models import Insurer
from polis.complaints.models import Category, Complaint
from polis.complaints.services import ComplaintData
from polis.core.access import MGA_STAFF
from polis.core.forms import MAX_FILES, StyledForm
from polis.messaging.forms import MultipleFileField


class CategoryField(forms.ModelChoiceField):
    def label_from_instance(self, obj):
        return obj.label_en if get_language() == "en" else obj.label


class ComplaintForm(StyledForm):
    """What a complaint says, the public form's and the operator's."""

    complainant_name = forms.CharField(label=_("Nome e cognome o ragione sociale"), max_length=200)
    complainant_kind = forms.ChoiceField(
        label=_("Lei è"), choices=Complaint.ComplainantKind.choices
    )
    complainant_email = forms.EmailField(label=_("E-mail per la risposta"))
    complainant_address = forms.CharField(
        label=_("Indirizzo postale"), max_length=300, required=False
    )
    complainant_tax_code = forms.CharField(
        label=_("Codice fiscale o partita IVA"), max_length=16, required=False
    )
    against = forms.ChoiceField(label=_("Il reclamo riguarda"), choices=Complaint.Against.choices)
    firm = forms.ModelChoiceField(
        label=_("Intermediario (agenzia o broker)"),
        queryset=Firm.objects.filter(status=Firm.Status.APPROVED).order_by("name"),
        required=False,
        help_text=_("Se il reclamo riguarda un intermediario."),
    )
    insurer = forms.ModelChoiceField(
        label=_("Compagnia"),
        queryset=Insurer.objects.order_by("name"),
        required=False,
        help_text=_("Se il reclamo riguarda una compagnia."),
    )
    subject_detail = forms.CharField(
        label=_("Persona o ufficio a cui si riferisce"), max_length=200, required=False
    )
    policy_ref = forms.CharField(label=_("Numero di polizza"), max_length=40, required=False)
    claim_ref = forms.CharField(label=_("Numero di sinistro"), max_length=40, required=False)
    category = CategoryField(
        label=_("Argomento"), queryset=Category.objects.filter(active=True), empty_label=None
    )
    text = forms.CharField(
        label=_("Testo del reclamo"), max_length=10_000, widget=forms.Textarea(attrs={"rows": 7})
    )
    files = MultipleFileField(
        label=_("Allegati (PDF, JPEG, PNG, TIFF, P7M; max 20 MB)"), required=False
    )

    def clean_files(self):
        return self.cleaned_data["files"][:MAX_FILES]

    def clean(self):
        data = super().clean()
        if data.get("against") == Complaint.Against.INSURER and not data.get("insurer"):
            self.add_error("insurer", _("Indica la compagnia."))
        if data.get("against") == Complaint.Against.COLLABORATOR and not data.get("firm"):
            self.add_error("firm", _("Indica l'intermediario."))
        return data

    def complaint_data(self) -> ComplaintData:
        fields = ComplaintData.__dataclass_fields__
        return ComplaintData(**{name: self.cleaned_data[name] for name in fields})


class PublicComplaintForm(ComplaintForm):
    privacy = forms.BooleanField()
    # Honeypot: hidden from people by CSS, filled in by naive bots.
    website = forms.CharField(required=False, label=_("Lascia vuoto questo campo"))

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["privacy"].label = format_html(
            _(
                'Ho letto l\'<a href="{url}" target="_blank" rel="noopener">informativa '
                "privacy</a> e acconsento al trattamento dei miei dati per la gestione del "
                "reclamo."
            ),
            url=reverse("web:privacy"),
        )

    def is_spam(self) -> bool:
        return bool(self.cleaned_data.get("website"))


class RegisterComplaintForm(ComplaintForm):
    """An operator's registration of a complaint received by e-mail or letter."""

    channel = forms.ChoiceField(
        label=_("Canale"),
        choices=[c for c in Complaint.Channel.choices if c[0] != Complaint.Channel.WEB],
    )
    received_on = forms.DateField(
        label=_("Data di ricezione"),
        initial=timezone.localdate,
        widget=forms.DateInput(format="%Y-%m-%d", attrs={"type": "date"}),
    )
    field_order = ["channel", "received_on"]

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        # a letter may come without an e-mail address: then the answer goes by post
        self.fields["complainant_email"].required = False
        self.fields["complainant_email"].label = _("E-mail del reclamante")


class AssignForm(StyledForm):
    assignee = forms.ModelChoiceField(
        label=_("Operatore"),
        queryset=User.objects.filter(role__in=MGA_STAFF, is_active=True).order_by("last_name"),
    )


class AnswerForm(StyledForm):
    outcome = forms.ChoiceField(label=_("Esito"), choices=Complaint.Outcome.choices)
    amount = forms.DecimalField(
        label=_("Importo riconosciuto (€)"), max_digits=12, decimal_places=2, required=False
    )
    answer = forms.CharField(
        label=_("Risposta al reclamante"),
        widget=forms.Textarea(attrs={"rows": 6}),
        help_text=_(
            "La comunicazione aggiunge il diritto di rivolgersi all'IVASS e all'Arbitro "
            "Assicurativo."
        ),
    )


class ForwardForm(StyledForm):
    to = forms.EmailField(label=_("Indirizzo reclami della compagnia"))


class PeriodForm(forms.Form):
    start = forms.DateField(
        label=_("Dal"), widget=forms.DateInput(format="%Y-%m-%d", attrs={"type": "date"})
    )
    end = forms.DateField(
        label=_("Al"), widget=forms.DateInput(format="%Y-%m-%d", attrs={"type": "date"})
    )
