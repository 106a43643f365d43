from django import forms
from django.core.exceptions import ValidationError
from django.utils.translation import gettext_lazy as _

from polis.core.amounts import parse_amount


class AmountField(forms.DecimalField):
    """An amount in euro as Italians type it ("7.345,60"), or plain ("7345.60")."""

    widget = forms.TextInput

    def __init__(self, **kwargs):
        kwargs.setdefault("decimal_places", 2)
        kwargs.setdefault("localize", True)  # shown as Italians write it: "421,67"
        super().__init__(**kwargs)

    def to_python(self, value):
        if value in self.empty_values:
            return None
        amount = parse_amount(value)
        if amount is None:
            raise ValidationError(_("Importo non valido: scrivilo come 7.345,60."), code="invalid")
        return amount

    def widget_attrs(self, widget):
        # a text box with the decimal keypad: a number box refuses "7.345,60"
        return {"inputmode": "decimal"}


# At most this many files are taken from one upload field.
MAX_FILES = 10


def uploaded_files(request, field: str = "files") -> list:
    """The files posted in `field`, at most MAX_FILES."""
    return request.FILES.getlist(field)[:MAX_FILES]


def uploads(request, field: str = "files") -> list[tuple[str, bytes]]:
    """The files posted in `field` as (name, content), as the services take them."""
    return [(f.name, f.read()) for f in uploaded_files(request, field)]


def show_error(form: forms.Form, error, field: str | None = None, message: str = "") -> None:
    """Put a service's refusal (a `DomainError`) next to the field it names, or on top of the
    form when the form has no such field."""
    field = field if field is not None else error.field
    form.add_error(field if field in form.fields else None, message or error.message)


class StyledForm(forms.Form):
    """Adds the CSS framework's classes to widgets and marks invalid fields for screen readers."""

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        for field in self.fields.values():
            if not isinstance(field.widget, forms.CheckboxInput):
                select = isinstance(field.widget, forms.Select)
                field.widget.attrs["class"] = "form-select" if select else "form-control"

    def full_clean(self):
        super().full_clean()
        for name in self.errors:
            if name in self.fields:
                widget = self.fields[name].widget
                widget.attrs["class"] = widget.attrs.get("class", "") + " is-invalid"
                widget.attrs["aria-invalid"] = "true"
                widget.attrs["aria-describedby"] = f"id_{name}-error"
