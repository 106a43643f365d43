import hashlib
import threading

import pytest
from django.db import connection, connections

from polis.ledger import audit, merkle, note, services
from polis.ledger.models import LedgerCheckpoint, LedgerEntry


@pytest.mark.django_db(transaction=True)
def test_concurrent_writers_and_sequencers_never_fork_the_tree(ledger_key):
    if connection.vendor != "postgresql":
        pytest.skip("the advisory-lock sequencer is exercised on PostgreSQL")
    # given 6 threads that each record events and run the sequencer in between, one that
    # appends batches directly and two followers indexing them
    errors: list[BaseException] = []

    def bulk() -> None:
        try:
            barrier.wait()
            for b in range(3):
                batch = [
                    {"type": "claim.opened", "ref": f"B{b}-{i}", "sha256": "ab" * 32}
                    for i in range(100)
                ]
                services.append_events(events=batch)
        except BaseException as exc:
            errors.append(exc)
        finally:
            connections.close_all()

    def worker(n: int) -> None:
        try:
            barrier.wait()
            for i in range(15):
                digest = hashlib.sha256(b"%d-%d" % (n, i)).hexdigest()
                services.record_event(type="policy.issued", ref=f"T{n}-{i}", sha256=digest)
                if i % 3 == 0:
                    services.integrate_pending(batch_size=7)
            services.integrate_all(batch_size=7)
        except BaseException as exc:
            errors.append(exc)
        finally:
            connections.close_all()

    def follower() -> None:
        try:
            barrier.wait()
            for _ in range(20):
                services.index_entries()
        except BaseException as exc:
            errors.append(exc)
        finally:
            connections.close_all()

    barrier = threading.Barrier(9)
    threads = [threading.Thread(target=worker, args=(n,)) for n in range(6)]
    threads += [threading.Thread(target=target) for target in (bulk, follower, follower)]
    # when
    for t in threads:
        t.start()
    for t in threads:
        t.join()
    services.integrate_all()
    services.index_entries()
    # then every entry has exactly one index and one lookup row, 0..389 with no gap
    assert errors == []
    entries = list(LedgerEntry.objects.order_by("index"))
    assert [e.index for e in entries] == list(range(390))
    # and each directly appended batch is contiguous
    for b in range(3):
        batch = [e.index for e in entries if e.ref.startswith(f"B{b}-")]
        assert batch == list(range(batch[0], batch[0] + 100))
    # and every checkpoint is a prefix of the same tree, all consistent with the last one
    memory = merkle.MemoryTree([merkle.leaf_hash(e.data.encode()) for e in entries])
    sizes = list(LedgerCheckpoint.objects.values_list("size", flat=True))
    assert sizes[0] == 390
    assert len(sizes) == len(set(sizes))
    for cp in LedgerCheckpoint.objects.all():
        opened = note.open_checkpoint(cp.note, ledger_key.verifier)
        assert opened.root == memory.root(cp.size)
    assert audit.verify_ledger().ok
