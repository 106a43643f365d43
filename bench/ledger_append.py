"""Durable appends in batches of 1,000: polis ledger on PostgreSQL vs pymerkle's SQLite backend.

    DATABASE_URL=postgres://postgres@127.0.0.1:5432/polis_ledger_bench \
        .venv/bin/python bench/ledger_append.py [N]

Two polis paths, each batch committed (durable) before the next starts:
- append_events: one transaction takes the sequencer lock, validates nothing more (done before),
  stores the batch in C2SP entry bundles with its changed hash tiles and a signed checkpoint;
  then, timed apart, the follower (index_entries) writes the lookup rows of the same entries;
- outbox: the business path, 1,000 entries queued in one transaction (record_events), then one
  sequencer run (integrate_pending) numbers them with one UPDATE, stores bundles and tiles, signs.
Each pymerkle batch: append_entries of the same 1,000 entries into a SqliteTree file (it neither
signs nor stores tiles). Every side gets its input built before the clock starts. Every figure is
the median of --runs runs, in this order each run.
Needs `pip install pymerkle` (bench only). Empties the ledger tables between runs: it refuses a
database whose ledger holds entries unless given --force.
"""

import argparse
import hashlib
import os
import statistics
import sys
import tempfile
import threading
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent.parent / "src"))
os.environ.setdefault("DJANGO_SETTINGS_MODULE", "polis.settings")

import django

django.setup()

from django.core.management import call_command
from django.db import connection, connections, transaction

from polis.ledger import entries, services
from polis.ledger.models import LedgerBundle, LedgerCheckpoint, LedgerEntry, LedgerTile

BATCH = 1000


def events(n: int, start: int) -> list[dict]:
    return [
        {"type": "policy.issued", "ref": f"B{i}", "sha256": f"{i:064x}"}
        for i in range(start, start + n)
    ]


def batches(total: int) -> list[list[dict]]:
    return [events(BATCH, start) for start in range(0, total, BATCH)]


def _reset() -> None:
    """An empty log, as a new one would be (TRUNCATE: deleted rows would bloat the indexes)."""
    tables = ", ".join(
        m._meta.db_table for m in (LedgerEntry, LedgerBundle, LedgerTile, LedgerCheckpoint)
    )
    with connection.cursor() as cursor:
        cursor.execute(f"TRUNCATE {tables} RESTART IDENTITY")


def bench_append(total: int) -> tuple[float, float]:
    """Seconds to append `total` entries, then seconds for the follower to index them."""
    _reset()
    work = batches(total)
    started = time.perf_counter()
    for batch in work:
        services.append_events(events=batch)
    elapsed = time.perf_counter() - started
    if services.latest_size() != total:
        raise SystemExit("polis append_events: wrong final size")
    started = time.perf_counter()
    while services.index_entries():
        pass
    following = time.perf_counter() - started
    if LedgerEntry.objects.count() != total:
        raise SystemExit("polis index_entries: wrong number of lookup rows")
    return elapsed, following


def bench_append_concurrent(total: int, producers: int = 2) -> float:
    """The same batches from `producers` threads at once (one connection each): one validates
    and hashes its next batch while another holds the sequencer lock."""
    _reset()
    work = batches(total)
    errors: list[BaseException] = []

    def produce(mine: list[list[dict]]) -> None:
        try:
            for batch in mine:
                services.append_events(events=batch)
        except BaseException as exc:  # reported below
            errors.append(exc)
        finally:
            connections.close_all()

    threads = [
        threading.Thread(target=produce, args=(work[n::producers],)) for n in range(producers)
    ]
    started = time.perf_counter()
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    elapsed = time.perf_counter() - started
    if errors or services.latest_size() != total:
        raise SystemExit(f"polis concurrent append_events failed: {errors}")
    return elapsed


def bench_outbox(total: int) -> float:
    _reset()
    work = batches(total)
    started = time.perf_counter()
    for batch in work:
        with transaction.atomic():
            services.record_events(events=batch)
        services.integrate_pending(batch_size=BATCH)
    elapsed = time.perf_counter() - started
    if services.latest_size() != total:
        raise SystemExit("polis outbox: wrong final size")
    return elapsed


def bench_pymerkle(total: int) -> float:
    from pymerkle import SqliteTree

    entries = [
        entries.canonical_entry(
            type="policy.issued", ref=f"B{i}", sha256=f"{i:064x}", time="2026-01-01T00:00:00Z"
        )
        for i in range(total)
    ]
    with tempfile.TemporaryDirectory() as folder:
        tree = SqliteTree(str(Path(folder) / "merkle.db"), algorithm="sha256")
        started = time.perf_counter()
        for start in range(0, total, BATCH):
            tree.append_entries(entries[start : start + BATCH])
        elapsed = time.perf_counter() - started
        if tree.get_size() != total:
            raise SystemExit("pymerkle: wrong final size")
        tree.close()
    return elapsed


def hashlib_rate(total: int) -> float:
    """Leaf hashes per second of bare hashlib over the same entries: the limit of any log here."""
    data = [
        b"\x00" + entries.canonical_entry(**e, time="2026-01-01T00:00:00Z")
        for e in events(total, 0)
    ]
    started = time.perf_counter()
    for d in data:
        hashlib.sha256(d).digest()
    return total / (time.perf_counter() - started)


if __name__ == "__main__":
    parser = argparse.ArgumentParser()
    parser.add_argument("total", nargs="?", type=int, default=100_000)
    parser.add_argument("--runs", type=int, default=3)
    parser.add_argument(
        "--force", action="store_true", help="empty the ledger even if it holds entries"
    )
    args = parser.parse_args()
    if connection.vendor != "postgresql":
        sys.exit("Set DATABASE_URL to a PostgreSQL database for this benchmark.")
    call_command("migrate", verbosity=0)
    if not args.force and (LedgerCheckpoint.objects.exists() or LedgerEntry.objects.exists()):
        sys.exit(
            "This database's ledger is not empty and the benchmark would empty it: give it a "
            "scratch database, or --force."
        )
    results = {"append": [], "follower": [], "append2": [], "outbox": [], "pymerkle": []}
    for _ in range(args.runs):
        appending, following = bench_append(args.total)
        results["append"].append(appending)
        results["follower"].append(following)
        results["append2"].append(bench_append_concurrent(args.total))
        results["outbox"].append(bench_outbox(args.total))
        results["pymerkle"].append(bench_pymerkle(args.total))
    rate = {name: args.total / statistics.median(times) for name, times in results.items()}
    sys.stdout.write(
        f"entries: {args.total:,} in batches of {BATCH:,}, median of {args.runs} runs\n"
        f"polis append_events (bundles, tiles, signed checkpoint per batch): "
        f"{rate['append']:,.0f} entries/s\n"
        f"polis follower (index_entries: lookup rows by COPY, one batch per transaction): "
        f"{rate['follower']:,.0f} entries/s\n"
        f"polis append_events from 2 producers at once: {rate['append2']:,.0f} entries/s\n"
        f"polis outbox + sequencer (INSERT, UPDATE, bundles, tiles, signed checkpoint): "
        f"{rate['outbox']:,.0f} entries/s\n"
        f"pymerkle SqliteTree.append_entries per batch: {rate['pymerkle']:,.0f} entries/s\n"
        f"ratio append_events / pymerkle: {rate['append'] / rate['pymerkle']:.2f} "
        f"(2 producers: {rate['append2'] / rate['pymerkle']:.2f})\n"
        f"hashlib SHA-256 leaf hashes alone: {hashlib_rate(args.total):,.0f} /s\n"
    )
