"""Server time and queries of the working pages on seed_scale data (1M practices), in process.

Usage: DEBUG=1 DATABASE_URL=postgres://…/scratch python bench/scale_pages.py [--iterations 30]
The database must hold `manage.py seed_scale` data. Each page is requested by the people who use
it — a collaborator of the largest firm, one of the median firm, the MGA's operator, an adjuster —
through Django's test client (the whole middleware stack, no network): p50/p95/p99 in ms over
--iterations requests after one warm-up, and the queries of one request, each page computed
(the page cache off: core/pagecache.py). Quote pricing is the
FAI PREVENTIVO form's POST (rating, quote and its PDF stored). Prints a Markdown table and writes
var/bench/scale_pages.json. It adds a TOTP device to the staff users it logs in (scratch data).
"""

import argparse
import json
import statistics
import time
from pathlib import Path

from common import require_postgres, session_cookie

require_postgres()

import django

django.setup()

from django.conf import settings
from django.db import connection
from django.db.models import Count
from django.test import Client
from django.test.utils import CaptureQueriesContext
from django.utils import timezone

from polis.accounts.models import Firm, User
from polis.claims.models import Claim
from polis.clients.models import Client as Customer
from polis.devdata.catalog import ARCHITECT_EXAMPLE


def percentile(values: list[float], share: float) -> float:
    ordered = sorted(values)
    return ordered[min(len(ordered) - 1, round(share * (len(ordered) - 1)))]


def logged_in(user: User) -> Client:
    client = Client()
    client.cookies.load(session_cookie(user))
    return client


def viewers() -> dict[str, User]:
    firms = Firm.objects.annotate(size=Count("practices")).order_by("-size")
    largest, median = firms[0], firms[firms.count() // 2]
    return {
        f"largest firm ({largest.size:,})": User.objects.filter(firm=largest).first(),
        f"median firm ({median.size:,})": User.objects.filter(firm=median).first(),
        "MGA operator": User.objects.get(role=User.Role.OPERATOR, email__contains="scala"),
        "adjuster": User.objects.filter(role=User.Role.ADJUSTER)
        .annotate(n=Count("assigned_claims"))
        .order_by("-n")
        .first(),
    }


def pages(user: User) -> dict[str, tuple[str, str, dict]]:
    """name -> (method, path, data) of the pages this user works with."""
    firm = {"firm_id": user.firm_id} if user.firm_id else {}
    claim = Claim.objects.filter(**firm).order_by("-pk").first()
    if user.role == User.Role.ADJUSTER:
        claim = Claim.objects.filter(adjuster=user).order_by("-pk").first()
    surname = "Rossi"
    common = {
        "dashboard": ("get", "/dashboard/", {}),
        "claim list": ("get", "/sinistri/", {}),
        "claim list, searched by name": ("get", "/sinistri/", {"q": surname}),
        "claim detail": ("get", f"/sinistri/{claim.pk}/", {}),
    }
    if user.role == User.Role.ADJUSTER:
        return common
    portfolio = {
        "practice list": ("get", "/pratiche/", {}),
        "practice list, in force by end date": (
            "get",
            "/pratiche/",
            {"stato": "in_force", "ordina": "scadenza"},
        ),
        "practice list, searched by name": ("get", "/pratiche/", {"q": surname}),
        "practice list, searched by policy digits": ("get", "/pratiche/", {"q": "007430"}),
        "expiring in 30 days": ("get", "/pratiche/in-scadenza/", {}),
        "client list": ("get", "/clienti/", {}),
    }
    if user.firm_id:
        client = Customer.objects.filter(firm_id=user.firm_id).order_by("pk").first()
        today = timezone.localdate().isoformat()
        portfolio |= {
            "renewals": ("get", "/rinnovi/", {}),
            "APRI SINISTRO policies": ("get", "/sinistri/apri/", {}),
            "quote form": ("get", "/preventivi/nuovo/RCP/", {}),
            "quote pricing (POST)": (
                "post",
                "/preventivi/nuovo/RCP/",
                {"client": client.pk, "effective_date": today, **ARCHITECT_EXAMPLE},
            ),
        }
    return portfolio | common


def measure(client: Client, method: str, path: str, data: dict, iterations: int) -> dict:
    request = getattr(client, method)
    ok = {200, 302}
    assert request(path, data).status_code in ok, path  # warm-up
    times = []
    for _ in range(iterations):
        started = time.perf_counter()
        status = request(path, data).status_code
        times.append((time.perf_counter() - started) * 1000)
        assert status in ok, (path, status)
    with CaptureQueriesContext(connection) as queries:
        request(path, data)
    return {
        "p50_ms": round(statistics.median(times), 1),
        "p95_ms": round(percentile(times, 0.95), 1),
        "p99_ms": round(percentile(times, 0.99), 1),
        "queries": len(queries),
    }


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--iterations", type=int, default=30)
    args = parser.parse_args()
    settings.DEBUG = False
    settings.ALLOWED_HOSTS = ["testserver"]
    # what computing each page costs: none served from the page cache (throughput.py measures
    # the pages as users get them, computed once and then from the cache)
    settings.PAGE_CACHE_SECONDS = 0
    results = {}
    print("| page | who | p50 ms | p95 ms | p99 ms | queries |\n|---|---|---|---|---|---|")
    for who, user in viewers().items():
        client = logged_in(user)
        for name, (method, path, data) in pages(user).items():
            row = measure(client, method, path, data, args.iterations)
            results[f"{name} / {who}"] = row
            print(
                f"| {name} | {who} | {row['p50_ms']} | {row['p95_ms']} | {row['p99_ms']} "
                f"| {row['queries']} |",
                flush=True,
            )
    out = Path(settings.VAR_DIR) / "bench" / "scale_pages.json"
    out.parent.mkdir(parents=True, exist_ok=True)
    out.write_text(json.dumps(results, indent=2))


if __name__ == "__main__":
    main()
