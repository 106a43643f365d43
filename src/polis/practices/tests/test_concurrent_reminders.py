"""The expiry job started twice at the same moment (PostgreSQL: the second waits on the rows the
first is inserting)."""

import pytest
from django.db import connection

from polis.notify.models import OutboundMessage
from polis.practices import services
from polis.practices.models import ExpiryReminder
from polis.practices.tests.test_concurrent_issuing import _all_at_once
from polis.practices.tests.test_expiries import END, digests, ending

pytestmark = pytest.mark.django_db(transaction=True)


@pytest.fixture(autouse=True)
def _postgresql_only():
    if connection.vendor != "postgresql":
        pytest.skip("concurrent inserts need PostgreSQL")


def test_concurrent_runs_email_each_practice_once(collaborator_a, collaborator_b):
    # given
    mine = ending(collaborator_a, 5, 20, 45)
    theirs = ending(collaborator_b, 10)
    # when
    results, errors = _all_at_once(
        [lambda: services.send_expiry_reminders(today=END, chunk=1) for _ in range(4)]
    )
    # then
    assert (sum(results), errors) == (4, [])
    assert OutboundMessage.objects.count() == 2
    assert digests(collaborator_a) == [
        [(p.policy_number, f"tra {days} giorni") for p, days in zip(mine, (5, 20, 45), strict=True)]
    ]
    assert digests(collaborator_b) == [[(theirs[0].policy_number, "tra 10 giorni")]]
    assert ExpiryReminder.objects.count() == 3 + 2 + 1 + 2
