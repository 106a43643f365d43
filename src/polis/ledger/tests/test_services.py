import base64
import hashlib
import json

import pytest
from django.db import transaction
from hypothesis import given
from hypothesis import strategies as st

from polis.core.errors import DomainError
from polis.ledger import audit, entries, merkle, note, selectors, services
from polis.ledger.models import LedgerCheckpoint, LedgerEntry

pytestmark = pytest.mark.django_db

DOC = hashlib.sha256(b"polizza.pdf").hexdigest()


def test_record_event_queues_canonical_json_without_personal_data():
    # when
    entry = services.record_event(type="policy.issued", ref="POL-7f3a", sha256=DOC.upper())
    # then
    data = json.loads(entry.data)
    assert entry.index is None
    assert list(data) == ["ref", "sha256", "time", "type", "v"]
    assert entry.data == (
        '{{"ref":"POL-7f3a","sha256":"{}","time":"{}","type":"policy.issued","v":1}}'.format(
            DOC, data["time"]
        )
    )
    assert data["time"].endswith("Z")
    assert len(data["time"]) == 20
    assert entry.leaf_hash == merkle.leaf_hash(entry.data.encode()).hex()


@pytest.mark.parametrize(
    ("kwargs", "field"),
    [
        ({"type": "customer.name", "ref": "x1", "sha256": DOC}, "type"),
        ({"type": "policy.issued", "ref": "Mario Rossi", "sha256": DOC}, "ref"),
        ({"type": "policy.issued", "ref": "x1", "sha256": "abc"}, "sha256"),
        ({"type": "policy.issued", "ref": "", "sha256": DOC}, "ref"),
    ],
)
def test_record_event_refuses_anything_but_types_opaque_refs_and_hashes(kwargs, field):
    with pytest.raises(DomainError) as excinfo:
        services.record_event(**kwargs)
    assert excinfo.value.field == field
    assert LedgerEntry.objects.count() == 0


def test_a_rolled_back_business_change_never_reaches_the_log():
    # given an event recorded in a transaction that fails
    def business_change():
        with transaction.atomic():
            services.record_event(type="claim.opened", ref="SIN-1", sha256=DOC)
            raise RuntimeError("business change failed")

    with pytest.raises(RuntimeError):
        business_change()
    # when the sequencer runs
    services.integrate_all()
    # then the log is empty and signed as such
    assert LedgerEntry.objects.count() == 0
    assert LedgerCheckpoint.objects.get().size == 0


def test_the_sequencer_numbers_entries_and_signs_checkpoints(ledger_key):
    # given events queued across two sequencer runs with small batches
    for i in range(5):
        services.record_event(type="policy.issued", ref=f"POL-{i}", sha256=DOC)
    services.integrate_all(batch_size=2)
    for i in range(5, 8):
        services.record_event(type="claim.opened", ref=f"SIN-{i}", sha256=DOC)
    services.integrate_all(batch_size=1000)
    # then
    entries = list(LedgerEntry.objects.order_by("index"))
    assert [e.index for e in entries] == list(range(8))
    assert [e.ref for e in entries] == [f"POL-{i}" for i in range(5)] + ["SIN-5", "SIN-6", "SIN-7"]
    assert list(LedgerCheckpoint.objects.values_list("size", flat=True)) == [8, 5, 4, 2]
    memory = merkle.MemoryTree([merkle.leaf_hash(e.data.encode()) for e in entries])
    for cp in LedgerCheckpoint.objects.all():
        opened = note.open_checkpoint(cp.note, ledger_key.verifier, "polis.local/registro")
        assert opened.size == cp.size
        assert opened.root == memory.root(cp.size) == bytes.fromhex(cp.root_hash)
        assert cp.note.startswith(f"polis.local/registro\n{cp.size}\n")
    # and proofs from the stored tiles verify against the signed roots
    proof = selectors.inclusion_proof(3, 8)
    assert merkle.verify_inclusion(3, 8, memory.node(0, 3), proof, memory.root())
    assert merkle.verify_consistency(
        2, 8, selectors.consistency_proof(2, 8), memory.root(2), memory.root()
    )
    assert base64.b64encode(memory.root()).decode() in LedgerCheckpoint.objects.first().note


@pytest.mark.django_db(transaction=True)
def test_seed_demo_leaves_a_non_empty_signed_log(settings):
    from django.core.management import call_command

    settings.DEBUG = True
    # when
    call_command("seed_demo", stdout=None)
    call_command("seed_demo", stdout=None)
    # then the demo portfolio's events and the two demo documents, integrated and signed once
    types = sorted(LedgerEntry.objects.values_list("type", flat=True))
    expected = ["policy.issued", "policy.issued", "contract.signed", "contract.evidence"]
    expected += ["practice.in_force", "claim.opened", "demo.document", "demo.document"]
    # the demo's variazione, issued and signed by FEA like a contract
    expected += ["endorsement.issued", "endorsement.signed", "endorsement.evidence"]
    assert types == sorted(expected)
    assert not LedgerEntry.objects.filter(index__isnull=True).exists()
    assert LedgerCheckpoint.objects.first().size == len(types)


def test_record_events_queues_many_with_the_same_rules():
    entries = services.record_events(
        events=[{"type": "claim.opened", "ref": f"S-{i}", "sha256": DOC} for i in range(3)]
    )
    assert [e.ref for e in LedgerEntry.objects.order_by("pk")] == ["S-0", "S-1", "S-2"]
    assert entries[0].leaf_hash == merkle.leaf_hash(entries[0].data.encode()).hex()
    with pytest.raises(DomainError):
        services.record_events(
            events=[{"type": "claim.opened", "ref": "Mario Rossi", "sha256": DOC}]
        )
    assert LedgerEntry.objects.count() == 3


def test_append_events_numbers_tiles_and_signs_a_batch_beside_the_outbox(ledger_key):
    # given two outbox events already integrated and one still queued
    services.record_event(type="policy.issued", ref="POL-A", sha256=DOC)
    services.record_event(type="policy.issued", ref="POL-B", sha256=DOC)
    services.integrate_all()
    services.record_event(type="claim.opened", ref="SIN-Q", sha256=DOC)
    # when a batch of 300 crossing a tile boundary is appended directly
    batch = [{"type": "claim.opened", "ref": f"B-{i}", "sha256": DOC.upper()} for i in range(300)]
    checkpoint = services.append_events(events=batch)
    services.integrate_all()
    # then the batch is in the log at once, and found by its reference once the follower ran
    assert checkpoint.size == 302
    assert not LedgerEntry.objects.filter(ref="B-0").exists()
    assert services.index_entries() == 300
    assert services.index_entries() == 0
    # and it follows the integrated entries, the queued one keeping its turn after it
    entries = list(LedgerEntry.objects.order_by("index"))
    assert [e.ref for e in entries[:3]] == ["POL-A", "POL-B", "B-0"]
    assert entries[-1].ref == "SIN-Q"
    assert [e.index for e in entries] == list(range(303))
    assert all(e.sha256 == DOC for e in entries)
    memory = merkle.MemoryTree([merkle.leaf_hash(e.data.encode()) for e in entries])
    opened = note.open_checkpoint(checkpoint.note, ledger_key.verifier)
    assert opened.root == memory.root(302)
    proof = selectors.inclusion_proof(257, 303)
    assert merkle.verify_inclusion(257, 303, memory.node(0, 257), proof, memory.root())
    assert audit.verify_ledger().ok


@pytest.mark.parametrize(
    ("bad", "field"),
    [
        ({"ref": "Mario Rossi"}, "ref"),
        ({"ref": "B-1\nB-2"}, "ref"),  # one line each in the batch check: still refused
        ({"sha256": DOC[:32] + "\n" + DOC[32:]}, "sha256"),
        ({"sha256": None}, "sha256"),
        ({"type": "client.name"}, "type"),
    ],
)
def test_append_events_stores_nothing_of_a_batch_with_one_bad_event(bad, field):
    batch = [{"type": "claim.opened", "ref": f"B-{i}", "sha256": DOC} for i in range(5)]
    batch.insert(3, {"type": "claim.opened", "ref": "B-x", "sha256": DOC} | bad)
    with pytest.raises(DomainError) as excinfo:
        services.append_events(events=batch)
    assert excinfo.value.field == field
    assert LedgerEntry.objects.count() == 0
    assert LedgerCheckpoint.objects.count() == 0


@given(
    type=st.sampled_from(services.EVENT_TYPES),
    ref=st.from_regex(r"[A-Za-z0-9][A-Za-z0-9._:-]{0,63}", fullmatch=True),
    digest=st.binary(min_size=32, max_size=32),
)
def test_entries_are_exactly_the_canonical_json(type, ref, digest):
    # the fast formatter must agree with json.dumps(sort_keys) for every valid event, and the
    # batch check must accept it
    assert services._valid_batch([{"type": type, "ref": ref, "sha256": digest.hex().upper()}])
    stamp = "2026-11-25T10:00:00Z"
    data = services._canonical(type, ref, digest.hex(), stamp)
    assert data.encode() == entries.canonical_entry(
        type=type, ref=ref, sha256=digest.hex(), time=stamp
    )
