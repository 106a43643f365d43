"""The daily expiry job over seed_scale's portfolio: reminder digests at 60/30/7 days, expiries.

Usage: DEBUG=1 DATABASE_URL=postgres://…/scratch [CELERY_BROKER_URL=redis://127.0.0.1:6379/N] \
    python bench/expiries.py [--days 3] [--start 0] [--force]
The database must hold `manage.py seed_scale` data (it is changed: reminders and e-mails are
recorded, practices expire; it refuses a database that already holds reminders or queued e-mails,
an earlier run's, unless given --force, which deletes them first). With a
broker (a scratch Redis database the caller names: there is no default) the e-mails are queued
for a worker, as in production (flush that database after); without one they are delivered in
process into memory (the benchmark prints its figures, not the e-mails). Runs the daily job's
two steps as the scheduler would, from `--start` days after today: the first run catches up with
everything in the windows (no reminder recorded yet), then one run per following day (--days)
is the steady state.
"""

import argparse
import time
from datetime import timedelta

from common import require_postgres

require_postgres()

import django

django.setup()

from django.conf import settings
from django.utils import timezone

from polis.accounts.models import User
from polis.notify.models import OutboundMessage
from polis.practices import services
from polis.practices.models import ExpiryReminder, Practice


def run(today) -> tuple[float, float, int, int, int]:
    queued = OutboundMessage.objects.count()
    started = time.perf_counter()
    reminders = services.send_expiry_reminders(today=today)
    reminding = time.perf_counter() - started
    expired = services.expire_practices(today=today)
    seconds = time.perf_counter() - started
    return seconds, reminding, reminders, OutboundMessage.objects.count() - queued, expired


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--days", type=int, default=3)
    parser.add_argument("--start", type=int, default=0)
    parser.add_argument(
        "--force", action="store_true", help="empty the reminders and the outbox if not empty"
    )
    args = parser.parse_args()
    settings.EMAIL_BACKEND = "django.core.mail.backends.locmem.EmailBackend"
    if not User.objects.filter(email="operatore.scala@polis.local").exists():
        raise SystemExit("This database holds no seed_scale data: give it a seed_scale copy.")
    # Each run starts from no reminders and an empty outbox: emptied, on a copy made for it.
    if not args.force and (ExpiryReminder.objects.exists() or OutboundMessage.objects.exists()):
        raise SystemExit(
            "This database holds expiry reminders or queued messages: give a fresh seed_scale "
            "copy, or --force to delete them."
        )
    ExpiryReminder.objects.all().delete()
    OutboundMessage.objects.all().delete()
    in_force = Practice.objects.filter(status=Practice.Status.IN_FORCE).count()
    print(f"practices: {Practice.objects.count():,}, in force: {in_force:,}")
    print(
        "| run | s | reminders s | practices reminded | digests e-mailed | practices expired |\n"
        "|---|---|---|---|---|---|"
    )
    today = timezone.localdate() + timedelta(days=args.start)
    for n in range(args.days + 1):
        seconds, reminding, reminders, emails, expired = run(today + timedelta(days=n))
        name = "first run (catch-up)" if n == 0 else f"day +{n}"
        print(
            f"| {name} | {seconds:.2f} | {reminding:.2f} | {reminders:,} | {emails:,} "
            f"| {expired:,} |",
            flush=True,
        )
    print(f"e-mails queued in all: {OutboundMessage.objects.count():,}")


if __name__ == "__main__":
    main()
