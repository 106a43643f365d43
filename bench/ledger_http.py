"""Inclusion and consistency proofs over HTTP, as a client gets them, beside the bare view.

    DATABASE_URL=postgres://postgres@127.0.0.1:5432/<scratch> \
        .venv/bin/python bench/ledger_http.py [N] [--seconds 10] [--workers 2] [--before SRC] \\
        [--reuse]

Appends N entries (batches of 1,000, then the follower), then, right after the bulk load (no
ANALYZE: autovacuum is off on the ledger's tables) and again after ANALYZE, serves random proofs
of the N-entry tree through gunicorn in the production profile (--workers, 2 by default; a private
redis-server of its own as the cache) and drives it with wrk (8 connections): /salute/, then
first-time proofs (inclusion by leaf hash, consistency), each connection walking its own share of
20,000 distinct ones, so that no proof is asked twice in a row's seconds (every row prints how
many were asked), then 500 of them asked over and over (their tiles and indexes known to the
workers: measured after 3 s of the same). Each moment draws its own proofs. --before SRC
serves the same from another copy of src/ (e.g. `git archive <commit> src | tar -x -C
/tmp/before`) in the same run.
Before each moment it prints the plan PostgreSQL picks for every register lookup (by leaf hash,
by document hash, the latest checkpoint, tiles, a bundle, a checkpoint by size, the sequencer's
pending entries, the follower's next batch), with EXPLAIN ANALYZE of the lookup by leaf hash.
Refuses a database whose ledger is not empty unless given --force (it empties it); --reuse
serves the ledger already there (loaded by an earlier run, N entries) without loading it again,
its tables put back as a bulk load leaves them: their statistics forgotten (ANALYZE's rows
deleted, pages and tuples unknown). Autovacuum stays off on the ledger's tables, so that a
reused ledger keeps the dead row versions a bulk load leaves: the bench's scratch database is
for the bench alone.
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

FIRST_TIME = 20_000  # more than 8 connections ask in a row's seconds
REPEATED = 500


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


def forget_statistics() -> None:
    """The ledger's tables as a bulk load leaves them for the planner: no ANALYZE statistics,
    their pages and tuples (and their indexes') never counted."""
    with connection.cursor() as cursor:
        cursor.execute(
            "SELECT array_agg(oid) FROM pg_class WHERE oid = ANY(%s::regclass[]) "
            "OR oid IN (SELECT indexrelid FROM pg_index WHERE indrelid = ANY(%s::regclass[]))",
            [TABLES, TABLES],
        )
        (oids,) = cursor.fetchone()
        cursor.execute("DELETE FROM pg_statistic WHERE starelid = ANY(%s)", [oids])
        cursor.execute(
            "UPDATE pg_class SET relpages = 0, reltuples = -1, relallvisible = 0 "
            "WHERE oid = ANY(%s)",
            [oids],
        )


def lookup_plans(entry: LedgerEntry) -> None:
    """The plan of each register lookup as the code runs it (captured, then EXPLAINed): the
    index it goes through, or a sequential scan."""
    size = LedgerCheckpoint.objects.first().size
    lookups = {
        "entry by leaf hash": lambda: selectors.leaf_inclusion_proof(entry.leaf_hash, size),
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


def measure(src: str | None, redis: PrivateRedis, paths: dict, seconds: int, workers: int) -> dict:
    """Each row of `paths` (name: (urls, spread, warm)) through a fresh gunicorn; a `warm` row
    after 3 unmeasured seconds of the same requests (every worker has served each then)."""
    redis.start()
    extra = {"WEB_CONCURRENCY": str(workers), **({"PYTHONPATH": src} if src else {})}
    env = production_environment(
        database_url=require_postgres(),
        var=Path(tempfile.mkdtemp(prefix="polis-bench-")),
        CACHE_URL=redis.url,
        **extra,
    )
    web, base = start_gunicorn(env)
    try:
        rows = {}
        for name, (urls, spread, warm) in paths.items():
            if warm:
                wrk(base, urls, 3, 8, "")
            rows[name] = wrk(base, urls, seconds, 8, "", spread)
        return rows
    finally:
        stop(web)
        redis.stop()


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("total", nargs="?", type=int, default=100_000)
    parser.add_argument("--seconds", type=int, default=10)
    parser.add_argument(
        "--workers", type=int, default=2, help="gunicorn's (production: 2 × cores + 1)"
    )
    parser.add_argument("--before", help="another src/ to serve the same, for comparison")
    parser.add_argument("--force", action="store_true", help="empty a non-empty ledger")
    parser.add_argument("--reuse", action="store_true", help="serve the ledger already loaded")
    args = parser.parse_args()
    call_command("migrate", verbosity=0)
    latest = LedgerCheckpoint.objects.first()
    if args.reuse:
        if latest is None or latest.size != args.total:
            raise SystemExit(f"--reuse: this database's ledger does not hold {args.total} entries.")
        forget_statistics()
    elif latest is not None and not args.force:
        raise SystemExit(
            "This database's ledger is not empty: give a scratch database, or --force."
        )
    else:
        load(args.total)
    size, rng = args.total, random.Random(21)  # noqa: S311 (sampling)
    variants = {"this tree": None, **({"before": args.before} if args.before else {})}
    with tempfile.TemporaryDirectory() as folder:
        redis = PrivateRedis(folder)
        print(f"entries: {size:,}; wrk 8 connections, {args.seconds} s each; p50 / p95 ms")
        for moment in ("right after the bulk load", "after ANALYZE"):
            if moment == "after ANALYZE":
                with connection.cursor() as cursor:
                    cursor.execute(f"ANALYZE {', '.join(TABLES)}")
            paths, entry = proof_paths(size, rng)
            print(f"\nplans {moment} (load average {os.getloadavg()[0]:.1f}):")
            lookup_plans(entry)
            print("| statistics | code | path | requests | req/s | p50 | p95 | errors |")
            print("|---|---|---|---|---|---|---|---|")
            for code, src in variants.items():
                print(f"load average {' '.join(f'{x:.1f}' for x in os.getloadavg())}", flush=True)
                for name, r in measure(src, redis, paths, args.seconds, args.workers).items():
                    asked = round(r["req_per_s"] * args.seconds)
                    print(
                        f"| {moment} | {code} | {name} | {asked:,} of {len(paths[name][0]):,} |"
                        f" {r['req_per_s']:,.0f} | {r['p50_ms']:.1f} | {r['p95_ms']:.1f}"
                        f" | {r['errors']} |",
                        flush=True,
                    )
    print(f"load average {' '.join(f'{x:.1f}' for x in os.getloadavg())}")


def proof_paths(size: int, rng: random.Random) -> tuple[dict, LedgerEntry]:
    """The rows of a moment, name -> (URLs, spread, warm), random proofs of their own, and the
    entry of the first."""
    sample = rng.sample(range(size), FIRST_TIME)
    by_index = {e.index: e for e in LedgerEntry.objects.filter(index__in=sample)}
    inclusion = [
        f"/registro/proof/inclusion?hash={by_index[i].leaf_hash}&size={size}" for i in sample
    ]
    consistency = [
        f"/registro/proof/consistency?from={first}&to={size}"
        for first in rng.sample(range(1, size + 1), FIRST_TIME)
    ]
    rows = {
        "bare view (/salute/)": (["/salute/"], False, False),
        "inclusion proof, first time": (inclusion, True, False),
        "consistency proof, first time": (consistency, True, False),
        # asked over and over: their tiles and indexes are in the workers' memory
        "inclusion proof, repeated": (inclusion[:REPEATED], False, True),
        "consistency proof, repeated": (consistency[:REPEATED], False, True),
    }
    return rows, by_index[sample[0]]


if __name__ == "__main__":
    main()
