from django import forms
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from polis.clients.selectors import clients_visible_to
from polis.core.forms import StyledForm


class QuoteStartForm(StyledForm):
    client = forms.ModelChoiceField(
        label=_("Cliente"), queryset=None, empty_label=_("— scegli il cliente —")
    )
    effective_date = forms.DateField(
        label=_("Decorrenza"), widget=forms.DateInput(format="%Y-%m-%d", attrs={"type": "date"})
    )

    def __init__(self, *args, user, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["client"].queryset = clients_visible_to(user).order_by(
            "last_name", "first_name", "company_name"
        )
        self.fields["effective_date"].initial = timezone.localdate()
