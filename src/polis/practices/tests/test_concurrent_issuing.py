"""Many collaborators pressing «Emetti polizza» at the same moment (PostgreSQL row locks)."""

import threading

import pytest
from django.db import connection
from django.utils import timezone

from polis.clients.tests.factories import ClientFactory
from polis.core.errors import DomainError
from polis.ledger.models import LedgerEntry
from polis.practices import services
from polis.practices.models import Practice
from polis.quotes.tests.factories import demo_product
from polis.quotes.tests.test_quotes import ARCHITECT

pytestmark = pytest.mark.django_db(transaction=True)


@pytest.fixture(autouse=True)
def _postgresql_only():
    if connection.vendor != "postgresql":
        pytest.skip("concurrent row locks need PostgreSQL")


def _draft(collaborator) -> Practice:
    return services.create_practice(
        actor=collaborator,
        client=ClientFactory(created_by=collaborator),
        product=demo_product("RCP"),
        answers=ARCHITECT,
        effective_date=timezone.localdate(),
    )


def _all_at_once(calls) -> tuple[list, list]:
    """Run the calls in threads released together; their results and their domain errors."""
    barrier, results, errors = threading.Barrier(len(calls)), [], []

    def run(call):
        try:
            barrier.wait()
            results.append(call())
        except DomainError as error:
            errors.append(error)
        finally:
            connection.close()

    threads = [threading.Thread(target=run, args=(call,)) for call in calls]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    return results, errors


def test_concurrent_issuing_gives_unique_gap_free_policy_numbers(collaborator_a, collaborator_b):
    # given: drafts of two firms, same product
    drafts = [_draft(collaborator_a) for _ in range(6)] + [_draft(collaborator_b) for _ in range(6)]
    # when
    issued, errors = _all_at_once(
        [
            lambda d=draft: services.issue_practice(actor=d.created_by, practice=d)
            for draft in drafts
        ]
    )
    # then
    year = timezone.localdate().year
    assert errors == []
    assert sorted(p.policy_number for p in issued) == [
        f"RCP-{year}-{n:06d}" for n in range(1, len(drafts) + 1)
    ]
    assert set(Practice.objects.values_list("status", flat=True)) == {Practice.Status.ISSUED}
    assert LedgerEntry.objects.filter(type="policy.issued").count() == len(drafts)


def test_the_same_practice_issued_by_many_clicks_at_once_is_issued_once(collaborator_a):
    # given
    draft = _draft(collaborator_a)
    # when
    issued, errors = _all_at_once(
        [lambda: services.issue_practice(actor=collaborator_a, practice=draft)] * 5
    )
    # then
    assert [p.policy_number for p in issued] == [f"RCP-{timezone.localdate().year}-000001"]
    assert len(errors) == 4
    assert LedgerEntry.objects.filter(type="policy.issued").count() == 1


def test_a_stale_page_loses_to_the_first_click(collaborator_a):
    # given: two tabs showing the same version of the draft
    draft = _draft(collaborator_a)
    shown = draft.version
    # when
    issued, errors = _all_at_once(
        [
            lambda: services.issue_practice(actor=collaborator_a, practice=draft, version=shown),
            lambda: services.issue_practice(actor=collaborator_a, practice=draft, version=shown),
        ]
    )
    # then
    assert len(issued) == 1
    assert [e.message for e in errors] == [
        "La pratica è stata modificata da un altro utente: ricarica la pagina."
    ]
