"""One month's bordereaux at seed_scale's scale: time and peak memory.

Usage: DEBUG=1 DATABASE_URL=postgres://…/scratch python bench/bordereau.py [--month 2026-03]
The database must hold `manage.py seed_scale` data (1M practices, 100k claims). For the month
with the most policies issued (or --month), builds the demo insurer's risk/premium and claims
bordereaux (rows read in chunks, checked, written to XLSX and CSV) and prints, for each: the rows,
the wall-clock and CPU time, the queries and the process's peak RSS; with --trace, the Python
heap's peak during the build too (tracemalloc, in a second run: tracing slows it down). Then
the whole service (build + storing the three files + the row), as the monthly job runs it.
"""

import argparse
import datetime
import resource
import time
import tracemalloc

from common import require_postgres

require_postgres()

import django

django.setup()

from django.db import connection
from django.db.models import Count
from django.db.models.functions import TruncMonth
from django.test.utils import CaptureQueriesContext

from polis.bordereaux.build import build
from polis.bordereaux.services import generate_bordereau
from polis.catalog.models import Insurer
from polis.practices.models import Practice


def peak_rss_mb() -> float:
    return resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--month", help="YYYY-MM; default: the month with most issued policies")
    parser.add_argument("--trace", action="store_true", help="also the Python heap's peak")
    args = parser.parse_args()
    insurer = Insurer.objects.get(ivass_code="D999")
    if args.month:
        month = datetime.date.fromisoformat(f"{args.month}-01")
    else:
        busiest = (
            Practice.objects.filter(issued_at__isnull=False)
            .annotate(month=TruncMonth("issued_at"))
            .values("month")
            .annotate(n=Count("pk"))
            .order_by("-n")
            .first()
        )
        month = busiest["month"].date()
    print(
        f"Month {month:%m/%Y}, insurer {insurer.ivass_code}; start RSS {peak_rss_mb():.0f} MB\n",
        flush=True,
    )
    print(
        "| bordereau | rows | wall (s) | CPU (s) | queries | Python peak (MB) "
        "| process peak RSS (MB) | XLSX / CSV (MB) |"
    )
    print("|---|---|---|---|---|---|---|---|")
    for kind in ("risk", "claims"):
        with CaptureQueriesContext(connection) as queries:
            started, cpu = time.perf_counter(), time.process_time()
            result = build(insurer, month, kind)
            elapsed, cpu = time.perf_counter() - started, time.process_time() - cpu
        rss = peak_rss_mb()
        python_peak = "–"
        if args.trace:
            tracemalloc.start()
            build(insurer, month, kind)
            python_peak = f"{tracemalloc.get_traced_memory()[1] / 2**20:.0f}"
            tracemalloc.stop()
        sizes = " / ".join(f"{len(result.files[p].content) / 2**20:.1f}" for p in ("xlsx", "csv"))
        print(
            f"| {kind} | {result.rows:,} | {elapsed:.1f} | {cpu:.1f} | {len(queries)} | "
            f"{python_peak} | {rss:.0f} | {sizes} |",
            flush=True,
        )
    for kind in ("risk", "claims"):
        started = time.perf_counter()
        made = generate_bordereau(actor=None, insurer=insurer, month=month, kind=kind)
        print(
            f"\ngenerate_bordereau({kind}): {time.perf_counter() - started:.1f} s, "
            f"{made.rows:,} rows, status {made.status}, {made.missing} missing cells",
            flush=True,
        )


if __name__ == "__main__":
    main()
