from decimal import Decimal

import pytest

from polis.core.amounts import euro
from polis.core.forms import AmountField


@pytest.mark.parametrize(
    ("typed", "amount"),
    [
        ("7.345,60", "7345.60"),
        ("7345,60", "7345.60"),
        ("7345.60", "7345.60"),
        ("1.500", "1500"),
        ("1.234.567,8", "1234567.8"),
        (" € 12.000 ", "12000"),
        ("0,5", "0.5"),
        ("-1.500,5", "-1500.5"),
    ],
)
def test_amounts_are_read_as_italians_type_them(typed, amount):
    assert AmountField().clean(typed) == Decimal(amount)


@pytest.mark.parametrize("typed", ["7,345.60", "7.34,60", "12a", "1,2,3", "--5", "7.3456,00"])
def test_what_is_not_an_amount_is_refused_in_italian(typed):
    from django.core.exceptions import ValidationError

    with pytest.raises(ValidationError, match="Importo non valido"):
        AmountField().clean(typed)


def test_an_amount_field_is_a_text_box_with_the_decimal_keypad():
    html = AmountField().widget.render("amount", "")
    assert 'type="text"' in html
    assert 'inputmode="decimal"' in html


def test_an_amount_is_shown_as_italians_write_it():
    from django import forms

    class Form(forms.Form):
        amount = AmountField()

    assert 'value="421,67"' in str(Form(initial={"amount": Decimal("421.67")})["amount"])


@pytest.mark.parametrize(
    ("amount", "places", "text"),
    [
        (Decimal("1234.5"), 2, "€ 1.234,50"),
        (Decimal("843.335"), 2, "€ 843,34"),
        (Decimal("-1500"), 2, "€ -1.500,00"),
        (Decimal("1000000"), None, "€ 1.000.000"),
        ("2500.5", None, "€ 2.500,50"),
        (250, 2, "€ 250,00"),
    ],
)
def test_amounts_read_as_italians_read_them_in_any_language(amount, places, text):
    from django.utils import translation

    with translation.override("en"):
        assert euro(amount, places) == text
