"""Amounts as Italians type them ("7.345,60", "7345,60", and the plain "7345.60") and read
them ("€ 1.234,50")."""

import re
from decimal import ROUND_HALF_UP, Decimal, InvalidOperation

# "7.345,60", "1.500", "7345,6": dots group thousands, a comma marks the decimals
_ITALIAN = re.compile(r"^-?(\d{1,3}(\.\d{3})+|\d+)(,\d+)?$")
_PLAIN = re.compile(r"^-?\d+(\.\d+)?$")


def parse_amount(value) -> Decimal | None:
    """The Decimal `value` stands for, or None if it is not an amount. Numbers pass as they
    are; in text, "." followed by three digits groups thousands, as in Italy ("1.500" is
    millecinquecento), otherwise it marks the decimals ("7345.60")."""
    if isinstance(value, Decimal | int):
        return Decimal(value)
    text = "".join(str(value).split()).removeprefix("€")
    if _ITALIAN.match(text):
        text = text.replace(".", "").replace(",", ".")
    elif not _PLAIN.match(text):
        return None
    try:
        return Decimal(text)
    except InvalidOperation:
        return None


def italian_number(value, places: int = 2) -> str:
    """1234.5 -> "1.234,50", rounded half-up, whatever language is active: amounts are read
    the same in every message, PDF and e-mail."""
    text = f"{Decimal(value).quantize(Decimal(1).scaleb(-places), ROUND_HALF_UP):,.{places}f}"
    return text.replace(",", "X").replace(".", ",").replace("X", ".")


def euro(amount, places: int | None = 2) -> str:
    """ "€ 1.234,50". With `places=None` a whole amount has no decimals ("€ 1.000.000", as
    limits and deductibles are written) and any other has two."""
    amount = Decimal(amount)
    if places is None:
        places = 0 if amount == amount.to_integral_value() else 2
    return "€ " + italian_number(amount, places)
