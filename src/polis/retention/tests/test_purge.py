"""The nightly purge: what it removes, what it keeps (holds, periods, signature evidence)."""

from datetime import date, timedelta

import pytest
from django.db import transaction
from django.utils import timezone
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from polis.claims.models import Claim, Quietanza
from polis.claims.tests.support import open_claim_on, policy_in_force
from polis.clients.models import Client
from polis.clients.services import ERASED_NAME
from polis.clients.tests.factories import ClientFactory
from polis.core.retention import add_months
from polis.ledger.models import LedgerEntry
from polis.practices.models import Practice
from polis.practices.tests.factories import PracticeFactory, signed_practice
from polis.quotes.models import Quote
from polis.retention import services
from polis.retention.models import LegalHold, PurgeRun
from polis.retention.tests.support import make_quote
from polis.signatures.selectors import evidence_of, latest_requests_by_subject

pytestmark = pytest.mark.django_db

TODAY = date(2026, 12, 7)
QUOTE_CUTOFF = add_months(TODAY, -24)
CONTRACT_CUTOFF = add_months(TODAY, -60)

history = st.lists(
    st.tuples(
        st.sampled_from(["quote", "practice"]),
        st.integers(min_value=0, max_value=2),  # which client
        st.integers(min_value=-8 * 365, max_value=365),  # its start event, from today
    ),
    max_size=8,
)
holds = st.lists(
    st.tuples(st.integers(min_value=0, max_value=2), st.booleans()),  # client, released
    max_size=3,
)


@settings(
    max_examples=30, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture]
)
@given(records=history, placed=holds)
def test_the_purge_removes_exactly_what_has_expired_outside_a_hold(
    records, placed, collaborator_a, operator
):
    """Over random histories: a record under hold or within its period is never removed, an
    expired one always is."""
    with transaction.atomic():
        clients = [ClientFactory(created_by=collaborator_a) for _ in range(3)]
        made = []
        for kind, who, offset in records:
            day = TODAY + timedelta(days=offset)
            if kind == "quote":
                made.append((kind, make_quote(clients[who], valid_until=day), day < QUOTE_CUTOFF))
            else:
                practice = PracticeFactory(
                    created_by=collaborator_a,
                    client=clients[who],
                    effective_date=day - timedelta(days=365),
                    end_date=day,
                )
                made.append((kind, practice, day < CONTRACT_CUTOFF))
        for who, released in placed:
            hold = services.place_hold(
                actor=operator, client=clients[who], reason="authority", reference="IVASS 1/26"
            )
            if released:
                services.release_hold(actor=operator, hold=hold)
        held = {hold.client_id for hold in LegalHold.objects.filter(status="active")}

        services.purge_expired(today=TODAY, batch_size=3)

        for kind, record, expired in made:
            removes = expired and record.client_id not in held
            if kind == "quote":
                assert Quote.objects.filter(pk=record.pk).exists() is not removes
            else:
                record.refresh_from_db()
                assert (record.answers == {}) is removes
        transaction.set_rollback(True)


def test_a_second_run_finds_nothing_left_to_do(collaborator_a):
    client = ClientFactory(created_by=collaborator_a)
    for days in (1, 40, 400):
        make_quote(client, valid_until=QUOTE_CUTOFF - timedelta(days=days))
    first = services.purge_expired(today=TODAY, batch_size=2)
    second = services.purge_expired(today=TODAY)
    line = first.lines.get(record_class="quotes.quote")
    assert (line.count, line.batches) == (3, 2)
    assert second.lines.get(record_class="quotes.quote").count == 0


def test_the_report_says_what_was_done_and_why(collaborator_a):
    client = ClientFactory(created_by=collaborator_a)
    make_quote(client, valid_until=QUOTE_CUTOFF - timedelta(days=1))
    run = services.purge_expired(today=TODAY)
    line = run.lines.get(record_class="quotes.quote")
    assert (line.action, line.months, line.cutoff, line.count) == ("delete", 24, QUOTE_CUTOFF, 1)
    assert line.unconfirmed
    assert "validità" in line.start_event
    assert run.finished_at is not None


def test_a_contested_claim_holds_every_record_of_its_client(collaborator_a):
    claim = open_claim_on(collaborator_a, policy_in_force(collaborator_a))
    Claim.objects.filter(pk=claim.pk).update(status=Claim.Status.INVESTIGATION)
    Quietanza.objects.create(
        claim=claim,
        version=1,
        amount="500.00",
        conditions="A saldo.",
        document=claim.documents.first().file,
        status=Quietanza.Status.REFUSED,
        objections="L'importo non copre il danno.",
        created_by=claim.created_by,
    )
    old = make_quote(claim.client, valid_until=QUOTE_CUTOFF - timedelta(days=10))
    services.purge_expired(today=TODAY)
    assert Quote.objects.filter(pk=old.pk).exists()


def test_signature_evidence_and_the_register_are_not_touched(collaborator_a):
    # given a contract signed with the FEA eight years ago, over for six
    signed = signed_practice(collaborator_a)
    signed.end_date = TODAY - timedelta(days=6 * 365)
    signed.save(update_fields=["end_date"])
    request = latest_requests_by_subject("practice", [signed.pk])[signed.pk]
    steps, entries = len(evidence_of(request)), LedgerEntry.objects.count()
    # when
    services.purge_expired(today=TODAY)
    # then its answers are forgotten, the evidence, the signed PDF and the register stay
    signed.refresh_from_db()
    assert signed.answers == {}
    assert signed.signed_contract is not None
    request.refresh_from_db()
    assert request.signed_document_id
    assert len(evidence_of(request)) == steps
    assert LedgerEntry.objects.count() == entries


def test_a_client_of_whom_nothing_is_left_is_erased_unless_held(collaborator_a, operator):
    long_ago = timezone.now() - timedelta(days=3 * 365)
    forgotten, held, active = (
        ClientFactory(created_by=collaborator_a, created_at=long_ago) for _ in range(3)
    )
    services.place_hold(actor=operator, client=held, reason="dispute", reference="Trib. MI")
    PracticeFactory(created_by=collaborator_a, client=active)
    services.purge_expired()
    names = dict(Client.objects.values_list("pk", "last_name"))
    assert names[forgotten.pk] == ERASED_NAME
    assert names[held.pk] != ERASED_NAME
    assert names[active.pk] != ERASED_NAME


def test_the_job_is_scheduled_nightly(settings):
    entry = settings.CELERY_BEAT_SCHEDULE["retention-purge"]
    assert entry["task"] == "polis.retention.tasks.purge_expired"
    assert PurgeRun.objects.count() == 0


def test_only_the_mga_staff_places_a_hold(collaborator_a):
    from polis.core.errors import PermissionDenied

    with pytest.raises(PermissionDenied):
        services.place_hold(
            actor=collaborator_a,
            client=ClientFactory(created_by=collaborator_a),
            reason="authority",
            reference="x",
        )
    assert not Practice.objects.exists()
