"""How premiums read in the documents the client receives: Italian numbers that never wrap."""

from decimal import Decimal

from django import template
from django.utils.formats import number_format

register = template.Library()

NBSP = "\u00a0"


@register.filter
def euro(amount) -> str:
    """ "3967.69" -> "€ 3.967,69", held together by a no-break space."""
    return f"€{NBSP}{number_format(Decimal(amount), 2, force_grouping=True)}"


@register.filter
def percent(rate) -> str:
    """A rate as a share ("0.2225") -> "22,25 %"."""
    return f"{number_format(Decimal(rate) * 100, 2)}{NBSP}%"
