"""The money rules, written once (money brief §2, §6): amounts are Decimal euros with cents,
rounded half-up to the cent at each step that produces a new amount."""

from decimal import ROUND_HALF_UP, Decimal

CENT = Decimal("0.01")
ZERO = Decimal("0.00")
# Art. 25-bis DPR 600/1973: 23% on 50% of the commission paid to a sub-intermediary (brief §2).
WITHHOLDING_RATE = Decimal("0.23")
WITHHOLDING_BASE = Decimal("0.50")


def cents(value: Decimal | int | str) -> Decimal:
    """`value` rounded half-up to the cent."""
    return Decimal(value).quantize(CENT, ROUND_HALF_UP)


def commission_on(net: Decimal, rate: Decimal) -> Decimal:
    """The commission on a premium net of taxes and levies (Cass. 26242/2018), at `rate`."""
    return cents(net * rate)


def clawback(*, commission: Decimal, premium: Decimal, refund: Decimal) -> Decimal:
    """The commission charged back on a refund of `refund` out of a collected `premium` that
    earned `commission`: in proportion, never more than was earned."""
    if premium <= 0:
        return ZERO
    return min(commission, cents(commission * refund / premium))


def withholding(commission: Decimal) -> Decimal:
    """The ritenuta d'acconto kept on a commission paid to a sub-intermediary (11.5%)."""
    return cents(commission * WITHHOLDING_BASE * WITHHOLDING_RATE)
