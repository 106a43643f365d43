"""Inclusion and consistency proofs over HTTP, as a client gets them, beside the bare view.

    DATABASE_URL=postgres://postgres@127.0.0.1:5432/<scratch> \
        .venv/bin/python bench/ledger_http.py [N] [--seconds 10] [--before SRC]

Appends N entries (batches of 1,000, then the follower), then, right after the bulk load (no
ANALYZE: autovacuum is off on the lookup table for the run) and again after ANALYZE, serves
random proofs of the N-entry tree through gunicorn in the production profile (2 workers, the
tiles cache on a private redis-server of its own) and drives it with wrk (8 connections):
/salute/, inclusion proofs by leaf hash, consistency proofs, then the same proofs again (their
tiles cached). --before SRC serves the same from
another copy of src/ (e.g. `git archive <commit> src | tar -x -C /tmp/before`) in the same run.
Before each round it prints the plan PostgreSQL picks for every register lookup (by leaf hash,
by document hash, the latest checkpoint, tiles, a bundle, a checkpoint by size, the sequencer's
pending entries, the follower's next batch), with EXPLAIN ANALYZE of the lookup by leaf hash.
Refuses a database whose ledger is not empty unless given --force (it empties it); --reuse
serves the ledger already there (loaded by an earlier run, N entries) without loading it again.
"""

import argparse
import os
import random
import tempfile
from pathlib import Path

from common import django_for_sessions, require_postgres

require_postgres()
django_for_sessions()

from django.core.management import call_command
from django.db import connection, reset_queries, transaction
from django.test.utils import CaptureQueriesContext
from throughput import wrk

from polis.ledger import selectors, services
from polis.ledger.models import LedgerBundle, LedgerCheckpoint, LedgerEntry, LedgerTile
from tests.servers import PrivateRedis, production_environment, start_gunicorn, stop

PROOFS = 500


TABLES = [m._meta.db_table for m in (LedgerEntry, LedgerBundle, LedgerTile, LedgerCheckpoint)]


def load(total: int) -> None:
    with connection.cursor() as cursor:
        cursor.execute(f"TRUNCATE {', '.join(TABLES)} RESTART IDENTITY")
        for table in TABLES:  # no ANALYZE sees the rows until the bench runs it
            cursor.execute(f"ALTER TABLE {table} SET (autovacuum_enabled = false)")
    for start in range(0, total, 1000):
        batch = [
            {"type": "policy.issued", "ref": f"H{i}", "sha256": f"{i:064x}"}
            for i in range(start, min(start + 1000, total))
        ]
        services.append_events(events=batch)
    while services.index_entries():
        pass


def lookup_plans(entry: LedgerEntry) -> None:
    """The plan of each register lookup as the code runs it (captured, then EXPLAINed): the
    index it goes through, or a sequential scan."""
    size = LedgerCheckpoint.objects.first().size
    lookups = {
        "entry by leaf hash": lambda: selectors.entry_by_leaf_hash(entry.leaf_hash),
        "entries by document hash": lambda: selectors.entries_for_document(entry.sha256),
        "latest checkpoint": selectors.latest_checkpoint,
        "checkpoint by size": lambda: selectors.checkpoint_of_size(size),
        "tiles of a proof": lambda: selectors.tiles(
            [(0, entry.index >> 8), (1, entry.index >> 16)]
        ),
        "entry bundle": lambda: selectors.partial_bundle(size | 1),
        "sequencer: pending entries": services.integrate_pending,
        "follower: next batch": services.index_entries,
    }
    print("| lookup | plan |\n|---|---|")
    for name, lookup in lookups.items():
        reset_queries()  # the log of queries is bounded: a full one captures nothing
        with CaptureQueriesContext(connection) as queries, transaction.atomic():
            lookup()
            transaction.set_rollback(True)
        query = next(
            q["sql"]
            for q in queries.captured_queries
            if q["sql"].startswith("SELECT")
            and "pg_advisory" not in q["sql"]
            and ("ledgercheckpoint" not in q["sql"] or "checkpoint" in name or "follower" in name)
        )
        with connection.cursor() as cursor:
            analyze = "ANALYZE, " if name == "entry by leaf hash" else ""
            cursor.execute(f"EXPLAIN ({analyze}COSTS OFF) {query}")
            plan = [row[0].strip() for row in cursor.fetchall()]
        if analyze:
            print(f"| {name} | " + " / ".join(plan) + " |")
        else:
            print(f"| {name} | " + " / ".join(p for p in plan if "Scan" in p) + " |")


def measure(src: str | None, redis: PrivateRedis, paths: dict, seconds: int) -> dict:
    redis.start()
    extra = {"PYTHONPATH": src} if src else {}
    env = production_environment(
        database_url=require_postgres(),
        var=Path(tempfile.mkdtemp(prefix="polis-bench-")),
        CACHE_URL=redis.url,
        **extra,
    )
    web, base = start_gunicorn(env)
    try:
        return {name: wrk(base, urls, seconds, 8, "") for name, urls in paths.items()}
    finally:
        stop(web)
        redis.stop()


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("total", nargs="?", type=int, default=100_000)
    parser.add_argument("--seconds", type=int, default=10)
    parser.add_argument("--before", help="another src/ to serve the same, for comparison")
    parser.add_argument("--force", action="store_true", help="empty a non-empty ledger")
    parser.add_argument("--reuse", action="store_true", help="serve the ledger already loaded")
    args = parser.parse_args()
    call_command("migrate", verbosity=0)
    latest = LedgerCheckpoint.objects.first()
    if args.reuse:
        if latest is None or latest.size != args.total:
            raise SystemExit(f"--reuse: this database's ledger does not hold {args.total} entries.")
    elif latest is not None and not args.force:
        raise SystemExit(
            "This database's ledger is not empty: give a scratch database, or --force."
        )
    else:
        load(args.total)
    size, rng = args.total, random.Random(21)  # noqa: S311 (sampling)
    leaves = list(LedgerEntry.objects.filter(index__in=rng.sample(range(size), PROOFS)))
    paths = {
        "bare view (/salute/)": ["/salute/"],
        "inclusion proof": [
            f"/registro/proof/inclusion?hash={e.leaf_hash}&size={size}" for e in leaves
        ],
        "consistency proof": [
            f"/registro/proof/consistency?from={rng.randint(1, size)}&to={size}"
            for _ in range(PROOFS)
        ],
    }
    # The same proofs again: their tiles are now in the workers' memory and the shared cache.
    paths["inclusion proof, again"] = paths["inclusion proof"]
    paths["consistency proof, again"] = paths["consistency proof"]
    variants = {"this tree": None, **({"before": args.before} if args.before else {})}
    with tempfile.TemporaryDirectory() as folder:
        redis = PrivateRedis(folder)
        print(f"entries: {size:,}; wrk 8 connections, {args.seconds} s each; p50 / p95 ms")
        for moment in ("right after the bulk load", "after ANALYZE"):
            if moment == "after ANALYZE":
                with connection.cursor() as cursor:
                    cursor.execute(f"ANALYZE {', '.join(TABLES)}")
            print(f"\nplans {moment} (load average {os.getloadavg()[0]:.1f}):")
            lookup_plans(leaves[0])
            print("| statistics | code | path | req/s | p50 | p95 | errors |")
            print("|---|---|---|---|---|---|---|")
            for code, src in variants.items():
                print(f"load average {os.getloadavg()[0]:.1f}", flush=True)
                for name, r in measure(src, redis, paths, args.seconds).items():
                    print(
                        f"| {moment} | {code} | {name} | {r['req_per_s']:,.0f} | {r['p50_ms']:.1f}"
                        f" | {r['p95_ms']:.1f} | {r['errors']} |",
                        flush=True,
                    )
    with connection.cursor() as cursor:
        for table in TABLES:
            cursor.execute(f"ALTER TABLE {table} RESET (autovacuum_enabled)")


if __name__ == "__main__":
    main()
