"""A mixed read/write load in the production profile, on a seed_scale database.

    DATABASE_URL=postgres://…/<a copy of a seed_scale database> .venv/bin/python \\
        bench/mixed_load.py --cache-url redis://127.0.0.1:6379/<scratch> \\
        --broker-url redis://127.0.0.1:6379/<another scratch> [--users 8] [--seconds 120]

gunicorn (production settings, DEBUG off, the web tier's PGOPTIONS from deploy/gunicorn.conf.py,
4 workers) and a Celery worker (the e-mails and SMS delivered by tasks, as in production, into
files) serve one collaborator of the largest firm; locust (bench/locustfile.py: Reader, Writer)
drives them from `--users` users, three readers to one writer: the readers cycle the working
lists, the writer prices and saves a quote, turns it into a practice, records the demands and
needs, issues the policy, sends the contract in firma, signs it as the client with the code the
SMS outbox holds, and opens claims on the firm's policies. Prints p50 / p95 per kind of request
and the failures (a write fails unless its page says it was done). The run adds its quotes,
practices, signatures and claims to the database: give it a copy. The two Redis databases
named are emptied first: they must be scratch ones. The products' documents (attached to the
pre-contractual e-mails) are files of the run that seeded the database: name its media folder
with --media-from (e.g. <its POLIS_VAR_DIR>/media).
"""

import argparse
import csv
import json
import os
import shutil
import subprocess
import tempfile
from datetime import timedelta
from pathlib import Path

import redis
from common import ROOT, collectstatic, django_for_sessions, require_postgres, session_cookie
from throughput import MIXES_AT_SCALE, WORKING_LISTS

from tests.servers import (
    BIN,
    production_environment,
    start_celery_worker,
    start_gunicorn,
    stop,
)

PRODUCT = "RCP"


def workload_data() -> dict:
    """The collaborator's session, clients to quote for and policies to open claims on."""
    from django.db.models import Count, Exists, OuterRef
    from django.utils import timezone

    from polis.accounts.models import Firm, User
    from polis.claims.models import Claim
    from polis.claims.selectors import eligible_policies
    from polis.clients.models import Client
    from polis.devdata.catalog import ARCHITECT_EXAMPLE

    firm = Firm.objects.annotate(size=Count("practices")).order_by("-size").first()
    user = User.objects.filter(firm=firm, is_active=True).order_by("pk").first()
    # Clients without claims, whose policies are issued within the automatic limits.
    claims = Claim.objects.filter(practice__client=OuterRef("pk"))
    clients = (
        Client.objects.filter(firm=firm, kind="person")
        .exclude(email="")
        .exclude(mobile="")
        .exclude(Exists(claims))
        .order_by("?")
        .values_list("pk", "email", "mobile")[:2000]
    )
    policies = eligible_policies(user).filter(product__code=PRODUCT).values_list("pk", flat=True)
    return {
        "cookie": session_cookie(user),
        "reads": MIXES_AT_SCALE[WORKING_LISTS],
        "quote_form": f"/preventivi/nuovo/{PRODUCT}/",
        "answers": ARCHITECT_EXAMPLE,
        # consistent with RC professionale, documents by e-mail with the client's consent
        "needs": {
            "need": "si",
            "registered": "si",
            "other_policy": "no",
            "medium": "email",
            "durable_consent": "1",
        },
        "clients": [list(c) for c in clients],
        "policies": list(policies[:2000]),
        "event_date": (timezone.localdate() - timedelta(days=3)).isoformat(),
    }


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--users", type=int, default=8)
    parser.add_argument("--seconds", type=int, default=120)
    parser.add_argument("--workers", default="4")
    parser.add_argument("--cache-url", required=True, help="a scratch Redis database (cache)")
    parser.add_argument("--broker-url", required=True, help="a scratch Redis database (Celery)")
    parser.add_argument(
        "--media-from",
        help="the media folder of the run that seeded the database (its products' documents, "
        "which the pre-contractual e-mails attach), copied into this run's",
    )
    args = parser.parse_args()
    for url in (args.cache_url, args.broker_url):
        redis.Redis.from_url(url).flushdb()
    database_url = require_postgres()
    django_for_sessions()
    var = Path(tempfile.mkdtemp(prefix="polis-mixed-"))
    if args.media_from:
        shutil.copytree(args.media_from, var / "media")
    (var / "mixed.json").write_text(json.dumps(workload_data()))
    env = production_environment(
        database_url=database_url,
        var=var,
        WEB_CONCURRENCY=args.workers,
        CACHE_URL=args.cache_url,
        CELERY_BROKER_URL=args.broker_url,
        EMAIL_BACKEND="file",
        EMAIL_FILE_PATH=str(var / "mail"),
        MIXED_LOAD_DATA=str(var / "mixed.json"),
    )
    collectstatic(env)
    worker = start_celery_worker(env)
    web, base = start_gunicorn(env)
    load = [os.getloadavg()[0]]
    try:
        subprocess.run(
            [
                str(BIN / "locust"),
                "-f",
                str(ROOT / "bench" / "locustfile.py"),
                "Reader",
                "Writer",
                "--headless",
                "-u",
                str(args.users),
                "-r",
                str(args.users),
                "-t",
                f"{args.seconds}s",
                "--host",
                base,
                "--csv",
                str(var / "locust"),
                "--only-summary",
                "--stop-timeout",
                "30",
            ],
            cwd=ROOT,
            env=env,
            stdout=subprocess.DEVNULL,
            stderr=subprocess.DEVNULL,
            check=False,
        )
        load.append(os.getloadavg()[0])
    finally:
        stop(web, worker)
    with open(var / "locust_stats.csv") as stats:
        rows = list(csv.DictReader(stats))
    print(
        f"{args.users} users (3 readers : 1 writer), {args.seconds} s, "
        f"load average {load[0]:.1f} → {load[-1]:.1f}"
    )
    print("| request | count | failures | p50 ms | p95 ms |\n|---|---|---|---|---|")
    for row in sorted(rows, key=lambda r: (r["Name"] == "Aggregated", r["Name"])):
        print(
            f"| {row['Name']} | {row['Request Count']} | {row['Failure Count']} "
            f"| {row['50%']} | {row['95%']} |"
        )
    for name in ("failures", "exceptions"):  # requests failed; errors in the workload's code
        path = var / f"locust_{name}.csv"
        for row in csv.DictReader(path.open()) if path.exists() else ():
            what = row.get("Error") or row.get("Message") or ""
            count = row.get("Occurrences") or row.get("Count")
            print(f"{name}: {row.get('Name', '')} {what[:300]} ×{count}")


if __name__ == "__main__":
    main()
