"""Amounts as Italians type them: "7.345,60", "7345,60", and the plain "7345.60"."""

import re
from decimal import Decimal, InvalidOperation

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
