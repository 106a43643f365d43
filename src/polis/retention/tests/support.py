import itertools
from datetime import date
from decimal import Decimal

from polis.quotes.models import Quote
from polis.quotes.tests.factories import demo_product

_numbers = itertools.count(1)


def make_quote(client, *, valid_until: date, **fields) -> Quote:
    """A priced quote of `client`, valid until that day (its PDF not made: not needed here)."""
    product = demo_product("RCP")
    return Quote.objects.create(
        number=f"PRV-T-{next(_numbers):06d}",
        firm=client.firm,
        client=client,
        product=product,
        tariff=product.tariffs.first(),
        answers={"fatturato": 100000},
        effective_date=valid_until,
        net=Decimal("100.00"),
        tax=Decimal("22.25"),
        gross=Decimal("122.25"),
        commission=Decimal("15.00"),
        breakdown={},
        valid_until=valid_until,
        created_by=client.created_by,
        **fields,
    )
