from datetime import datetime, time, timedelta

from django import forms
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from polis.catalog.models import Insurer
from polis.core.forms import StyledForm
from polis.integrations.models import Scope
from polis.integrations.selectors import owners_for
from polis.integrations.services.webhooks import EVENT_CHOICES


class OwnerChoiceField(forms.ModelChoiceField):
    def label_from_instance(self, obj):
        who = obj.get_full_name() or obj.email
        where = obj.firm.name if obj.firm_id else obj.get_role_display()
        return f"{who} · {where}"


class _OwnedForm(StyledForm):
    name = forms.CharField(label=_("Nome"), max_length=80)
    user = OwnerChoiceField(
        label=_("Agisce come"),
        queryset=None,
        help_text=_("L'utente di cui la chiave o il webhook ha gli stessi permessi, non di più."),
    )
    insurer = forms.ModelChoiceField(
        label=_("Solo la compagnia"),
        queryset=Insurer.objects.order_by("name"),
        required=False,
        empty_label=_("Tutte quelle che l'utente vede"),
        help_text=_(
            "Per il sistema sinistri di una compagnia: solo le sue pratiche e i suoi sinistri."
        ),
    )

    def __init__(self, *args, actor, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["user"].queryset = owners_for(actor).select_related("firm")

    def owned(self) -> dict:
        """The fields a key and a webhook share, as their services take them."""
        return {name: self.cleaned_data[name] for name in ("name", "user", "insurer")}


class KeyForm(_OwnedForm):
    scopes = forms.MultipleChoiceField(
        label=_("Permessi"), choices=Scope.choices, widget=forms.CheckboxSelectMultiple
    )
    expires_on = forms.DateField(
        label=_("Scade il"),
        initial=lambda: timezone.localdate() + timedelta(days=365),
        widget=forms.DateInput(format="%Y-%m-%d", attrs={"type": "date"}),
    )

    field_order = ["name", "user", "scopes", "insurer", "expires_on"]

    def expires_at(self) -> datetime:
        """The end of the chosen day."""
        return timezone.make_aware(datetime.combine(self.cleaned_data["expires_on"], time.max))


class SubscriptionForm(_OwnedForm):
    url = forms.URLField(label=_("Indirizzo HTTPS"), max_length=500, assume_scheme="https")
    events = forms.MultipleChoiceField(
        label=_("Eventi"), choices=EVENT_CHOICES, widget=forms.CheckboxSelectMultiple
    )

    field_order = ["name", "url", "user", "events", "insurer"]
