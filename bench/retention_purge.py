"""The nightly retention job over seed_scale's portfolio, when a year's worth has expired at once.

Usage: DEBUG=1 DATABASE_URL=postgres://…/scratch python bench/retention_purge.py [--batch 2000]
The database must hold `manage.py seed_scale` data; it is changed (the oldest year of practices
loses its questionnaire answers, of closed claims their description and documents): run it on a
scratch copy. seed_scale's history is four years, shorter than the periods (5 years for a
contract, 7 for a claim), so each purged class's period is set here so that exactly its oldest
year of records has expired today: the work of the night a year's worth expires together.

Meanwhile another connection keeps updating practices and claims outside the expired year
(`lock_timeout` 2 s), as the working day would: its slowest update says whether the job held
locks on the working tables. Prints the run's report, its time and peak memory, then runs the job
again (idempotent: nothing left to do).
"""

import argparse
import resource
import threading
import time

from common import require_postgres

require_postgres()

import django

django.setup()

from django.conf import settings
from django.db import connection, connections
from django.db.models import Max, Min

from polis.claims.models import Claim
from polis.core.retention import add_months, record_classes
from polis.practices.models import Practice
from polis.retention.services import purge_expired


def months_between(earlier, later) -> int:
    return (later.year - earlier.year) * 12 + later.month - earlier.month


def periods(today) -> dict[str, int]:
    """Each purged class's period in months, so that its oldest year has expired today."""
    first_end = Practice.objects.aggregate(Min("end_date"))["end_date__min"]
    first_claim = Claim.objects.aggregate(Min("reported_on"))["reported_on__min"]
    return {
        "practices.practice": months_between(add_months(first_end, 12), today),
        "claims.claim": months_between(add_months(first_claim, 12), today),
    }


class WorkingDay(threading.Thread):
    """Updates recent practices and claims one by one while the job runs."""

    def __init__(self):
        super().__init__(daemon=True)
        self.stop, self.slowest, self.updates, self.errors = threading.Event(), 0.0, 0, 0

    def run(self):
        top_practice = Practice.objects.aggregate(Max("pk"))["pk__max"]
        top_claim = Claim.objects.aggregate(Max("pk"))["pk__max"]
        with connections["default"].cursor() as cursor:
            cursor.execute("SET lock_timeout = '2s'")
            n = 0
            while not self.stop.is_set():
                n += 1
                started = time.perf_counter()
                try:
                    cursor.execute(
                        "UPDATE practices_practice SET version = version WHERE id = %s",
                        [top_practice - n % 50_000],
                    )
                    cursor.execute(
                        "UPDATE claims_claim SET place = place WHERE id = %s",
                        [top_claim - n % 10_000],
                    )
                except Exception:
                    self.errors += 1
                self.slowest = max(self.slowest, time.perf_counter() - started)
                self.updates += 1
                time.sleep(0.01)
        connections["default"].close()


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--batch", type=int, default=settings.RETENTION_BATCH_SIZE)
    args = parser.parse_args()
    today = django.utils.timezone.localdate()
    if not Practice.objects.exists():
        raise SystemExit("This database holds no seed_scale data: give it a seed_scale copy.")
    settings.RETENTION_MONTHS = periods(today)
    print(f"practices: {Practice.objects.count():,}, claims: {Claim.objects.count():,}")
    print(f"periods set for the benchmark (months): {settings.RETENTION_MONTHS}")
    working = WorkingDay()
    working.start()
    rss_before = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss
    started = time.perf_counter()
    run = purge_expired(today=today, batch_size=args.batch)
    seconds = time.perf_counter() - started
    working.stop.set()
    working.join()
    peak = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss
    print("| class | action | period (months) | records | batches | longest batch ms |")
    print("|---|---|---|---|---|---|")
    keys = {c.key for c in record_classes()}
    for line in run.lines.filter(record_class__in=keys):
        print(
            f"| {line.record_class} | {line.action} | {line.months} | {line.count:,} "
            f"| {line.batches} | {line.longest_batch_ms} |"
        )
    print(f"job: {seconds:.1f} s, batch {args.batch}; peak RSS {peak / 1024:.0f} MB "
          f"(before the job {rss_before / 1024:.0f} MB)")  # fmt: skip
    print(
        f"concurrent updates: {working.updates:,}, slowest {working.slowest * 1000:.0f} ms, "
        f"lock timeouts {working.errors}"
    )
    started = time.perf_counter()
    again = purge_expired(today=today, batch_size=args.batch)
    print(
        f"second run (idempotent): {time.perf_counter() - started:.1f} s, "
        f"{sum(line.count for line in again.lines.all())} records"
    )
    connection.close()


if __name__ == "__main__":
    main()
