from datetime import date, datetime, time, timedelta

import factory
from django.utils import timezone

from polis.accounts.tests.factories import UserFactory
from polis.catalog.services import price
from polis.clients.tests.factories import ClientFactory
from polis.devdata.catalog import ARCHITECT_EXAMPLE
from polis.practices.models import Practice
from polis.quotes.tests.factories import demo_product


def _priced(o):
    # The demo tariff starts on 1 January 2026: older practices are priced with it too.
    return price(product=o.product, on=max(o.effective_date, date(2026, 1, 1)), answers=o.answers)


class PracticeFactory(factory.django.DjangoModelFactory):
    """A practice whose contract is signed (status `signed`), priced with the demo tariff:
    the architect of the brief, 843,34 € in 2 instalments of 421,67 €. Pass `status` and dates
    to place it elsewhere in its lifecycle."""

    class Meta:
        model = Practice
        exclude = ["priced"]

    created_by = factory.SubFactory(UserFactory)
    firm = factory.LazyAttribute(lambda o: o.created_by.firm)
    client = factory.LazyAttribute(lambda o: ClientFactory(created_by=o.created_by))
    product = factory.LazyFunction(lambda: demo_product("RCP"))
    answers = factory.LazyFunction(lambda: dict(ARCHITECT_EXAMPLE))
    effective_date = factory.LazyFunction(timezone.localdate)
    end_date = factory.LazyAttribute(lambda o: o.effective_date + timedelta(days=365))
    priced = factory.LazyAttribute(_priced)
    tariff = factory.LazyAttribute(lambda o: o.priced[0])
    net = factory.LazyAttribute(lambda o: o.priced[1].net)
    tax = factory.LazyAttribute(lambda o: o.priced[1].tax)
    gross = factory.LazyAttribute(lambda o: o.priced[1].gross)
    commission = factory.LazyAttribute(lambda o: o.priced[1].commission)
    breakdown = factory.LazyAttribute(lambda o: o.priced[1].as_json())
    status = Practice.Status.SIGNED
    policy_number = factory.Sequence(lambda n: f"RCP-2026-{n + 900000:06d}")
    issued_at = factory.LazyAttribute(
        lambda o: (
            timezone.make_aware(datetime.combine(o.effective_date, time(9))) - timedelta(days=3)
        )
    )
