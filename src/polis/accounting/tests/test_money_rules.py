"""The money brief's rules (money-brief.md §2, §6), written from the brief before the code."""

from decimal import Decimal

import pytest

from polis.accounting.money import clawback, commission_on, withholding


def test_commission_is_a_share_of_the_premium_net_of_taxes_rounded_half_up():
    # 15% of 733,34 € net (the tax is not in the base, Cass. 26242/2018) = 110,001 -> 110,00
    assert commission_on(Decimal("733.34"), Decimal("0.15")) == Decimal("110.00")
    # half a cent goes up
    assert commission_on(Decimal("0.10"), Decimal("0.15")) == Decimal("0.02")


@pytest.mark.parametrize(
    ("commission", "expected"),
    [
        # art. 25-bis DPR 600/1973: 23% on 50% of the commission = 11,5%
        (Decimal("100.00"), Decimal("11.50")),
        (Decimal("110.00"), Decimal("12.65")),
        # 0,115 € is rounded half-up to 0,12 €
        (Decimal("1.00"), Decimal("0.12")),
    ],
)
def test_withholding_on_a_sub_intermediarys_commission_is_11_5_percent(commission, expected):
    assert withholding(commission) == expected


def test_clawback_on_a_refund_is_in_proportion_and_never_more_than_earned():
    # half the premium refunded: half the commission charged back
    assert clawback(
        commission=Decimal("110.00"), premium=Decimal("843.34"), refund=Decimal("421.67")
    ) == Decimal("55.00")
    # the whole premium: the whole commission
    assert clawback(
        commission=Decimal("110.00"), premium=Decimal("843.34"), refund=Decimal("843.34")
    ) == Decimal("110.00")
    assert clawback(
        commission=Decimal("110.00"), premium=Decimal("100.00"), refund=Decimal("900.00")
    ) == Decimal("110.00")
