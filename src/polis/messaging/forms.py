from django import forms
from django.utils.translation import gettext_lazy as _

from polis.accounts.models import Firm
from polis.core.forms import StyledForm


class MultipleFileInput(forms.ClearableFileInput):
    allow_multiple_selected = True


class MultipleFileField(forms.FileField):
    def __init__(self, *args, **kwargs):
        kwargs.setdefault("widget", MultipleFileInput())
        super().__init__(*args, **kwargs)

    def clean(self, data, initial=None):
        single = super().clean
        return (
            [single(item, initial) for item in data]
            if isinstance(data, list | tuple)
            else ([single(data, initial)] if data else [])
        )


class MessageForm(StyledForm):
    body = forms.CharField(
        label=_("Messaggio"), max_length=10_000, widget=forms.Textarea(attrs={"rows": 4})
    )
    files = MultipleFileField(
        label=_("Allegati (PDF, JPEG, PNG, TIFF, P7M; max 20 MB)"), required=False
    )
    is_request = forms.BooleanField(label=_("Richiede una risposta dall'agenzia"), required=False)

    def __init__(self, *args, from_mga: bool, **kwargs):
        super().__init__(*args, **kwargs)
        if not from_mga:
            del self.fields["is_request"]


class NewThreadForm(MessageForm):
    firm = forms.ModelChoiceField(label=_("Agenzia"), queryset=Firm.objects.none())
    title = forms.CharField(label=_("Oggetto"), max_length=200)
    field_order = ["firm", "title", "body", "files", "is_request"]

    def __init__(self, *args, from_mga: bool, **kwargs):
        super().__init__(*args, from_mga=from_mga, **kwargs)
        if from_mga:
            self.fields["firm"].queryset = Firm.objects.filter(status=Firm.Status.APPROVED)
        else:
            del self.fields["firm"]
