import factory
from django.utils import timezone

from polis.accounts.tests.factories import UserFactory
from polis.clients.models import Client


class ClientFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Client

    created_by = factory.SubFactory(UserFactory)
    firm = factory.LazyAttribute(lambda o: o.created_by.firm)
    kind = Client.Kind.PERSON
    first_name = "Mario"
    last_name = "Rossi"
    codice_fiscale = "RSSMRA85T10A562S"
    email = "mario.rossi@example.it"
    mobile = "+393331234567"
    address = "Via Roma 1"
    postal_code = "20100"
    city = "Milano"
    province = "MI"
    privacy_consent_version = "2026-01"
    privacy_consent_at = factory.LazyFunction(timezone.now)
