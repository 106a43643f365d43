import factory
from django.utils import timezone
from stdnum.it import codicefiscale

from polis.accounts.tests.factories import UserFactory
from polis.clients.models import Client


def _codice_fiscale(n: int) -> str:
    base = f"RSSMRA85T10Z{n % 1000:03d}"  # born abroad: a Z code, distinct per client
    return base + codicefiscale.calc_check_digit(base)


class ClientFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Client

    created_by = factory.SubFactory(UserFactory)
    firm = factory.LazyAttribute(lambda o: o.created_by.firm)
    kind = Client.Kind.PERSON
    first_name = "Mario"
    last_name = "Rossi"
    codice_fiscale = factory.Sequence(lambda n: _codice_fiscale(n))
    email = "mario.rossi@example.it"
    mobile = "+393331234567"
    address = "Via Roma 1"
    postal_code = "20100"
    city = "Milano"
    province = "MI"
    privacy_consent_version = "2026-01"
    privacy_consent_at = factory.LazyFunction(timezone.now)
