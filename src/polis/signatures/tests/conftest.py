from datetime import timedelta

import pytest
from django.utils import timezone

from polis.clients.tests.factories import ClientFactory
from polis.practices import services as practices
from polis.quotes import services as quotes
from polis.quotes.tests.factories import demo_product
from polis.quotes.tests.test_quotes import ARCHITECT
from polis.signatures.tests.support import last_link_token, send


class Clock:
    def __init__(self):
        self.now = timezone.now()

    def advance(self, **delta):
        self.now += timedelta(**delta)


@pytest.fixture
def clock(monkeypatch):
    """A fake clock for the services (they read django.utils.timezone.now)."""
    fake = Clock()
    monkeypatch.setattr(timezone, "now", lambda: fake.now)
    return fake


@pytest.fixture
def issued_practice(collaborator_a):
    quote = quotes.create_quote(
        actor=collaborator_a,
        client=ClientFactory(created_by=collaborator_a),
        product=demo_product("RCP"),
        answers=ARCHITECT,
        effective_date=timezone.localdate(),
    )
    practice = practices.convert_quote(actor=collaborator_a, quote=quote)
    return practices.issue_practice(actor=collaborator_a, practice=practice)


@pytest.fixture
def sent(collaborator_a, issued_practice):
    """An issued practice sent for signature: (practice, the link's token)."""
    practice = send(collaborator_a, issued_practice)
    return practice, last_link_token(practice.client.email)
