"""Durable appends in batches of 1,000: polis ledger on PostgreSQL vs pymerkle's SQLite backend.

    DATABASE_URL=postgres://postgres@127.0.0.1:5432/polis_ledger_bench \
        .venv/bin/python bench/ledger_append.py [N]

The headline is the path the product takes: each event recorded by `record_event` in a
transaction of its own (as a business transaction records it, committed), and after every 1,000
the sequencer (integrate_pending) numbers them with one UPDATE, stores bundles and tiles, signs a
checkpoint; the entries are then findable by hash (their rows are the outbox's). Beside it, the
direct path, each batch committed (durable) before the next starts:
- append_events: one transaction takes the sequencer lock, validates nothing more (done before),
  stores the batch in C2SP entry bundles with its changed hash tiles and a signed checkpoint;
  then, timed apart, the follower (index_entries) writes the lookup rows of the same entries
  (appends + follower: the two times summed, the end-to-end rate of that path);
- outbox in batches: 1,000 entries queued in one transaction (record_events), then the sequencer.
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


def bench_record_event(total: int) -> float:
    """The product's path: one committed transaction per event, the sequencer every 1,000."""
    _reset()
    work = batches(total)
    started = time.perf_counter()
    for batch in work:
        for event in batch:
            with transaction.atomic():
                services.record_event(**event)
        services.integrate_pending(batch_size=BATCH)
    elapsed = time.perf_counter() - started
    if services.latest_size() != total:
        raise SystemExit("polis record_event: wrong final size")
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

    canonical = [
        entries.canonical_entry(
            type="policy.issued", ref=f"B{i}", sha256=f"{i:064x}", time="2026-01-01T00:00:00Z"
        )
        for i in range(total)
    ]
    with tempfile.TemporaryDirectory() as folder:
        tree = SqliteTree(str(Path(folder) / "merkle.db"), algorithm="sha256")
        started = time.perf_counter()
        for start in range(0, total, BATCH):
            tree.append_entries(canonical[start : start + BATCH])
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
    results = {
        "record_event": [],
        "append": [],
        "follower": [],
        "end_to_end": [],
        "append2": [],
        "outbox": [],
        "pymerkle": [],
    }
    for _ in range(args.runs):
        results["record_event"].append(bench_record_event(args.total))
        appending, following = bench_append(args.total)
        results["append"].append(appending)
        results["follower"].append(following)
        results["end_to_end"].append(appending + following)
        results["append2"].append(bench_append_concurrent(args.total))
        results["outbox"].append(bench_outbox(args.total))
        results["pymerkle"].append(bench_pymerkle(args.total))
    rate = {name: args.total / statistics.median(times) for name, times in results.items()}
    per_year = rate["record_event"] * 3600 * 24 * 365
    sys.stdout.write(
        f"entries: {args.total:,} in batches of {BATCH:,}, median of {args.runs} runs\n"
        f"HEADLINE polis record_event (one transaction each) + sequencer: "
        f"{rate['record_event']:,.0f} entries/s ({per_year / 1e9:,.1f} billion a year)\n"
        f"polis append_events + follower, end to end: {rate['end_to_end']:,.0f} entries/s\n"
        f"polis append_events (bundles, tiles, signed checkpoint per batch): "
        f"{rate['append']:,.0f} entries/s\n"
        f"polis follower (index_entries: lookup rows by COPY, one batch per transaction): "
        f"{rate['follower']:,.0f} entries/s\n"
        f"polis append_events from 2 producers at once: {rate['append2']:,.0f} entries/s\n"
        f"polis record_events in batches + sequencer (INSERT, UPDATE, bundles, tiles, signed "
        f"checkpoint): "
        f"{rate['outbox']:,.0f} entries/s\n"
        f"pymerkle SqliteTree.append_entries per batch: {rate['pymerkle']:,.0f} entries/s\n"
        f"ratio append_events / pymerkle: {rate['append'] / rate['pymerkle']:.2f} "
        f"(2 producers: {rate['append2'] / rate['pymerkle']:.2f})\n"
        f"hashlib SHA-256 leaf hashes alone: {hashlib_rate(args.total):,.0f} /s\n"
    )
