from django import forms
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from polis.core.forms import StyledForm
from polis.privacy.models import DataSubjectRequest


class RequestForm(StyledForm):
    kind = forms.ChoiceField(label=_("Diritto esercitato"), choices=DataSubjectRequest.Kind.choices)
    channel = forms.ChoiceField(label=_("Canale"), choices=DataSubjectRequest.Channel.choices)
    received_on = forms.DateField(
        label=_("Data di ricezione"),
        initial=timezone.localdate,
        widget=forms.DateInput(format="%Y-%m-%d", attrs={"type": "date"}),
    )
    identity_check = forms.CharField(
        label=_("Verifica dell'identità"),
        max_length=200,
        help_text=_(
            "Come è stata verificata l'identità, es. «documento d'identità esibito in agenzia»."
        ),
    )
    details = forms.CharField(
        label=_("Dettagli della richiesta"),
        required=False,
        widget=forms.Textarea(attrs={"rows": 3}),
    )
