"""Durable appends in batches of 1,000: polis ledger on PostgreSQL vs pymerkle's SQLite backend.

    DATABASE_URL=postgres://postgres@127.0.0.1:5432/polis_ledger_bench \
        .venv/bin/python bench/ledger_append.py [N]

Each polis batch: 1,000 entries queued (one INSERT), then one sequencer run that numbers them,
stores the changed tiles and signs a checkpoint, committed. Each pymerkle batch: append_entries
of the same 1,000 entries into a fresh SqliteTree file (it neither signs nor stores tiles).
Needs `pip install pymerkle` (bench only). Wipes the ledger tables of the database it is given.
"""

import os
import sys
import tempfile
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent.parent / "src"))
os.environ.setdefault("DJANGO_SETTINGS_MODULE", "polis.settings")

import django

django.setup()

from django.core.management import call_command
from django.db import connection, transaction

from polis.ledger import services
from polis.ledger.models import LedgerCheckpoint, LedgerEntry, LedgerTile

BATCH = 1000


def events(n: int, start: int) -> list[dict]:
    return [
        {"type": "policy.issued", "ref": f"B{i}", "sha256": f"{i:064x}"}
        for i in range(start, start + n)
    ]


def bench_polis(total: int) -> float:
    call_command("migrate", verbosity=0)
    for model in (LedgerEntry, LedgerTile, LedgerCheckpoint):
        model.objects.all().delete()
    started = time.perf_counter()
    for start in range(0, total, BATCH):
        with transaction.atomic():
            services.record_events(events=events(BATCH, start))
        services.integrate_pending(batch_size=BATCH)
    elapsed = time.perf_counter() - started
    if LedgerCheckpoint.objects.first().size != total:
        raise SystemExit("polis: wrong final size")
    return elapsed


def bench_pymerkle(total: int) -> float:
    from pymerkle import SqliteTree

    entries = [
        services.canonical_entry(
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


if __name__ == "__main__":
    total = int(sys.argv[1]) if len(sys.argv) > 1 else 100_000
    if connection.vendor != "postgresql":
        sys.exit("Set DATABASE_URL to a PostgreSQL database for this benchmark.")
    polis = bench_polis(total)
    pym = bench_pymerkle(total)
    sys.stdout.write(
        f"entries: {total:,} in batches of {BATCH:,}\n"
        f"polis ledger (PostgreSQL, tiles + signed checkpoint per batch): "
        f"{polis:.2f} s = {total / polis:,.0f} entries/s\n"
        f"pymerkle 7 SqliteTree.append_entries per batch: "
        f"{pym:.2f} s = {total / pym:,.0f} entries/s\n"
    )
