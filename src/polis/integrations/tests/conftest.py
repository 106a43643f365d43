from datetime import timedelta

import pytest
from django.utils import timezone

from polis.integrations.services.keys import create_api_key
from tests.servers import webhook_receiver


@pytest.fixture(autouse=True)
def local_receivers(settings):
    """Tests deliver to a receiver on this machine, over http."""
    settings.WEBHOOK_ALLOW_LOCAL = True
    settings.WEBHOOK_BACKOFF_SECONDS = 0


@pytest.fixture
def receiver():
    with webhook_receiver() as receiver:
        yield receiver


def make_key(actor, user, scopes, **extra):
    return create_api_key(
        actor=actor,
        user=user,
        name=extra.pop("name", "Sistema sinistri"),
        scopes=scopes,
        expires_at=timezone.now() + timedelta(days=90),
        **extra,
    )


@pytest.fixture
def bearer():
    def header(token: str) -> dict:
        return {"HTTP_AUTHORIZATION": f"Bearer {token}"}

    return header
