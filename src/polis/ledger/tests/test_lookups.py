"""Register lookups whose plan cannot degrade, and proofs served from cached full tiles."""

import base64
import hashlib

import pytest
from django.core.cache import cache
from django.db import OperationalError, connection, transaction
from django.test.utils import CaptureQueriesContext
from django.utils import timezone
from redis.exceptions import RedisError

from polis.ledger import merkle, selectors, services
from polis.ledger.models import LedgerEntry

pytestmark = pytest.mark.django_db


def _plan_of_lookup(lookup, containing: str = "") -> str:
    """The PostgreSQL plan of the query a selector or service runs (the one whose SQL holds
    `containing`; captured, rolled back, then EXPLAINed)."""
    with CaptureQueriesContext(connection) as queries, transaction.atomic():
        lookup()
        transaction.set_rollback(True)
    selects = [q["sql"] for q in queries.captured_queries if q["sql"].startswith("SELECT")]
    (query,) = [sql for sql in selects if containing in sql]
    with connection.cursor() as cursor:
        cursor.execute("EXPLAIN " + query)
        return "\n".join(row[0] for row in cursor.fetchall())


def test_lookups_by_hash_use_the_hash_index_on_a_table_without_statistics():
    if connection.vendor != "postgresql":
        pytest.skip("the plan is PostgreSQL's")
    # given 20,000 integrated entries bulk-loaded and never ANALYZEd (as after a bulk append)
    now = timezone.now()
    rows = [
        LedgerEntry(
            index=i,
            type="policy.issued",
            ref=f"P-{i}",
            sha256=hashlib.sha256(b"doc %d" % i).hexdigest(),
            time=now,
            data=f"entry {i}",
            leaf_hash=hashlib.sha256(b"leaf %d" % i).hexdigest(),
        )
        for i in range(20_000)
    ]
    LedgerEntry.objects.bulk_create(rows, batch_size=5_000)
    leaf, document = rows[17_000].leaf_hash, rows[17_000].sha256
    # when
    by_leaf = _plan_of_lookup(lambda: selectors.leaf_inclusion_proof(leaf, 17_000))
    by_document = _plan_of_lookup(lambda: selectors.entries_for_document(document))
    pending = _plan_of_lookup(services.integrate_pending, containing="IS NULL")
    follower = _plan_of_lookup(services.index_entries, containing="FOR UPDATE")
    # then each goes through its hash index, never walking the B-tree of `index`
    assert "ledger_entry_leaf_hash" in by_leaf, by_leaf
    assert "ledger_entry_sha256" in by_document, by_document
    for plan in (by_leaf, by_document):
        assert "ledgerentry_index" not in plan, plan
    # the lookup by leaf hash reads the leaf's tile (and the tree's right edge) by their key
    assert "ledger_tile_unique" in by_leaf, by_leaf
    # the sequencer's queue and the follower's next batch read their partial indexes, never
    # walking every entry's primary key or every checkpoint
    assert "ledger_entry_pending" in pending, pending
    assert "ledger_cp_unindexed" in follower, follower
    # and still find the right entries
    assert selectors._index_and_tiles(leaf, [])[0] == 17_000
    assert [e.index for e in selectors.entries_for_document(document)] == [17_000]


def test_the_earliest_entry_of_a_repeated_hash_is_the_one_found():
    # given the same document registered three times
    digest = hashlib.sha256(b"same document").hexdigest()
    for ref in ("P-1", "P-2", "P-3"):
        services.record_event(type="policy.issued", ref=ref, sha256=digest)
    services.integrate_all()
    # when
    found = selectors.entries_for_document(digest)
    # then
    assert [e.ref for e in found] == ["P-1", "P-2", "P-3"]
    first = LedgerEntry.objects.get(ref="P-1")
    (index, _proof) = selectors.leaf_inclusion_proof(first.leaf_hash, 3)
    assert index == first.index


def _fill(n: int, start: int = 0) -> None:
    for i in range(start, start + n):
        digest = hashlib.sha256(b"doc %d" % i).hexdigest()
        services.record_event(type="policy.issued", ref=f"P-{i}", sha256=digest)
    services.integrate_all()


def _tile_queries(queries) -> list[str]:
    return [q["sql"] for q in queries.captured_queries if "ledger_ledgertile" in q["sql"]]


def _proof(client, index: int, size: int) -> list[str]:
    leaf = LedgerEntry.objects.get(index=index).leaf_hash
    response = client.get("/registro/proof/inclusion", {"hash": leaf, "size": size})
    assert response.status_code == 200
    body = response.json()
    proof = [base64.b64decode(h) for h in body["proof"]]
    leaves = LedgerEntry.objects.filter(index__lt=size).order_by("index")
    tree = merkle.MemoryTree([bytes.fromhex(e.leaf_hash) for e in leaves])
    assert merkle.verify_inclusion(index, size, bytes.fromhex(leaf), proof, tree.root())
    return body["proof"]


def test_a_second_proof_reads_no_tile_from_the_database(client, django_capture_on_commit_callbacks):
    # given a log of 512 entries: two full level-0 tiles, a partial level-1 tile of 2 hashes,
    # and a proof read once (what it read is cached when its transaction commits)
    _fill(512)
    with (
        CaptureQueriesContext(connection) as first,
        django_capture_on_commit_callbacks(execute=True),
    ):
        _proof(client, 3, 512)
    # when the same proof is asked again
    with CaptureQueriesContext(connection) as second:
        _proof(client, 3, 512)
    # then the first read its tiles in one query, and the second reads them all from the cache
    # (the full tiles and the partial one, by its width in that tree)
    assert len(_tile_queries(first)) == 1
    assert _tile_queries(second) == []


def test_a_partial_tile_is_never_served_as_full_from_the_cache(
    client, django_capture_on_commit_callbacks
):
    # given a log of 300 entries, whose second level-0 tile holds 44 hashes, proved once
    _fill(300)
    with django_capture_on_commit_callbacks(execute=True):
        _proof(client, 290, 300)
    # when the tile fills up and a proof of the larger tree is asked
    _fill(300, start=300)
    with CaptureQueriesContext(connection) as queries:
        _proof(client, 290, 600)
    # then that tile is read again from the database and the proof checks against the new root
    assert any("(0, 1)" in sql for sql in _tile_queries(queries))
    assert client.get("/registro/tile/0/001").content == b"".join(
        bytes.fromhex(e.leaf_hash)
        for e in LedgerEntry.objects.filter(index__gte=256, index__lt=512).order_by("index")
    )


def test_proofs_are_served_from_the_database_when_the_cache_is_down(client, monkeypatch):
    # given a log of 300 entries and a cache that does not answer
    _fill(300)

    def down(*args, **kwargs):
        raise RedisError("connection refused")

    for method in ("get", "get_many", "set", "set_many"):
        monkeypatch.setattr(cache, method, down)
    # when / then a proof is still served, and checks
    _proof(client, 7, 300)


def test_a_proof_asks_the_log_size_only_beyond_the_size_already_seen(
    client, django_capture_on_commit_callbacks
):
    # given a log of 300 entries, proved once at its size
    _fill(300)
    with django_capture_on_commit_callbacks(execute=True):
        _proof(client, 7, 300)
    # when a proof of a smaller tree is asked, then one beyond the log
    with CaptureQueriesContext(connection) as queries:
        _proof(client, 7, 200)
    beyond = client.get("/registro/proof/consistency", {"from": 1, "to": 301})
    # then the first read no checkpoint (the log only grows) and the second is refused
    assert not [q for q in queries.captured_queries if "ledgercheckpoint" in q["sql"]]
    assert beyond.status_code == 400
    assert "between 1 and 300" in beyond.json()["error"]
    # and once the log has grown, the larger tree is proved
    _fill(10, start=300)
    _proof(client, 305, 310)
    assert client.get("/registro/proof/consistency", {"from": 1, "to": 310}).status_code == 200


def test_a_repeated_inclusion_proof_makes_no_query_and_a_missing_hash_is_asked_again(
    client, django_capture_on_commit_callbacks
):
    # given a log of 300 entries, one proof served, and an event recorded but not integrated
    _fill(300)
    with django_capture_on_commit_callbacks(execute=True):
        _proof(client, 42, 300)
    pending = services.record_event(
        type="policy.issued", ref="P-late", sha256=hashlib.sha256(b"late").hexdigest()
    )
    pending.refresh_from_db()
    # when the same proof is asked again, and the pending entry's
    leaf = LedgerEntry.objects.get(index=42).leaf_hash
    with CaptureQueriesContext(connection) as queries:
        again = client.get("/registro/proof/inclusion", {"hash": leaf, "size": 300})
    missing = client.get("/registro/proof/inclusion", {"hash": pending.leaf_hash, "size": 300})
    # then the first is served from what the process knows, the second is not found yet
    assert again.status_code == 200
    assert len(queries.captured_queries) == 0
    assert missing.status_code == 404
    # and once integrated it is found
    services.integrate_all()
    _proof(client, 300, 301)


@pytest.mark.django_db(transaction=True)
def test_a_proof_query_that_finds_its_connection_dead_is_run_again_on_a_new_one():
    # given a log of 300 entries, and the connection closed under Django (as when PostgreSQL
    # restarts while a worker holds a persistent connection)
    _fill(300)
    leaf = LedgerEntry.objects.get(index=42).leaf_hash
    connection.connection.close()
    # when the proof of an entry is asked
    index, proof = selectors.leaf_inclusion_proof(leaf, 300)
    # then it is served, on a new connection, and checks
    leaves = LedgerEntry.objects.order_by("index").values_list("leaf_hash", flat=True)
    root = merkle.MemoryTree([bytes.fromhex(h) for h in leaves]).root()
    assert index == 42
    assert merkle.verify_inclusion(42, 300, bytes.fromhex(leaf), proof, root)


@pytest.mark.django_db(transaction=True)
def test_a_failed_connect_is_not_tried_twice(monkeypatch):
    # given no connection, and a database that refuses new ones
    connection.close()
    attempts = []

    def refuse(*args, **kwargs):
        attempts.append(1)
        raise connection.Database.OperationalError("connection refused")

    monkeypatch.setattr(connection, "get_new_connection", refuse)
    # when a proof's tiles are read, then the error comes after a single attempt
    with pytest.raises(OperationalError):
        selectors.tiles([(0, 0)])
    assert len(attempts) == 1


@pytest.mark.skipif(connection.vendor != "postgresql", reason="PostgreSQL prepared statements")
@pytest.mark.django_db(transaction=True)
@pytest.mark.parametrize(("max_age", "prepared"), [(0, 0), (60, 1)])
def test_proof_queries_are_prepared_only_on_a_persistent_connection(monkeypatch, max_age, prepared):
    # given a connection kept across requests or not (a new one: none prepared yet)
    _fill(10)
    monkeypatch.setitem(connection.settings_dict, "CONN_MAX_AGE", max_age)
    connection.close()
    # when a proof's tiles are read, and a query of Django's runs as many times
    for _ in range(3):
        selectors.tiles([(0, 0)])
        list(LedgerEntry.objects.filter(index=1))
    # then only the proof's query is prepared, and only on a persistent connection
    with connection.cursor() as cursor:
        cursor.execute("SELECT statement FROM pg_prepared_statements")
        statements = [row[0].lower() for row in cursor.fetchall()]
    assert len([s for s in statements if "ledgertile" in s]) == prepared
    assert not [s for s in statements if "ledgerentry" in s]
