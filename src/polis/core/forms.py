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
