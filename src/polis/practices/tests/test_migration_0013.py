"""Migration 0013: what issuing used to record falsely is corrected."""

from datetime import timedelta

import pytest
from django.db import connection
from django.db.migrations.executor import MigrationExecutor
from django.utils import timezone

from polis.practices.tests.factories import PracticeFactory

BEFORE = [("practices", "0001_squashed_0012_renewal_indexes")]
AFTER = [("practices", "0013_completed_status_and_delivery")]


@pytest.fixture
def migrated_back_and_forth():
    """Going back to 0012 unapplies every later migration of every app that depends on it:
    the database is left at the latest state again for the tests that follow."""
    yield
    executor = MigrationExecutor(connection)
    executor.loader.build_graph()
    executor.migrate(executor.loader.graph.leaf_nodes())


@pytest.mark.django_db(transaction=True)
@pytest.mark.usefixtures("migrated_back_and_forth")
def test_fake_deliveries_are_dropped_and_early_policies_wait_for_their_start(collaborator_a):
    # given: rows as the code before it left them
    early = PracticeFactory(
        created_by=collaborator_a,
        status="in_force",
        effective_date=timezone.localdate() + timedelta(days=10),
    )
    running = PracticeFactory(created_by=collaborator_a, status="in_force")
    issued_at = timezone.now().isoformat()
    executor = MigrationExecutor(connection)
    executor.migrate(BEFORE)
    old = executor.loader.project_state(BEFORE).apps.get_model("practices", "Practice")
    old.objects.filter(pk__in=[early.pk, running.pk]).update(
        disclosures=[{"kind": "mup", "sha256": "ab" * 32, "delivered_at": issued_at}]
    )
    # when
    executor = MigrationExecutor(connection)
    executor.loader.build_graph()
    executor.migrate(AFTER)
    # then (read as 0013 left them: later migrations add columns the current model has)
    at_0013 = executor.loader.project_state(AFTER).apps.get_model("practices", "Practice")
    early, running = (at_0013.objects.get(pk=p.pk) for p in (early, running))
    assert (early.status, running.status) == ("completed", "in_force")
    assert early.in_force_at is None
    assert early.disclosures == [{"kind": "mup", "sha256": "ab" * 32, "delivered_at": None}]
