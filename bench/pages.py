"""Server time and queries per request of the main pages, in process (no network).

Usage: DATABASE_URL=postgres://… python bench/pages.py [--iterations 200]
Prints p50/p95/p99 in ms and the query count of each page; writes var/bench/pages.json.
"""

import argparse
import json
import statistics
import time
from pathlib import Path

from common import seeded_sessions

seeded_sessions()  # migrate, demo data, Django set up

from django.conf import settings
from django.db import connection
from django.test import Client
from django.test.utils import CaptureQueriesContext
from django_otp import DEVICE_ID_SESSION_KEY

from polis.accounts.models import User

# page name -> (path, user e-mail or None); names with "htmx" are requested as htmx partials
PAGES = {
    "home (anonymous)": ("/", None),
    "faq": ("/faq/", None),
    "faq search (htmx)": ("/faq/?q=sinistro", None),
    "dashboard (collaborator)": ("/dashboard/", "mario.rossi@agenzia-rossi.example.it"),
    "dashboard (operator)": ("/dashboard/", "operatore@polis.local"),
    "firm approval queue": ("/back-office/registrazioni/", "operatore@polis.local"),
    "contact requests": ("/back-office/contatti/", "operatore@polis.local"),
}


def percentile(values: list[float], share: float) -> float:
    ordered = sorted(values)
    return ordered[min(len(ordered) - 1, round(share * (len(ordered) - 1)))]


def client_for(email: str | None) -> Client:
    client = Client()
    if email:
        user = User.objects.get(email=email)
        client.force_login(user)
        device = user.totpdevice_set.filter(confirmed=True).first()
        if device:
            session = client.session
            session[DEVICE_ID_SESSION_KEY] = device.persistent_id
            session.save()
    return client


def measure(path: str, client: Client, iterations: int, htmx: bool) -> dict:
    headers = {"HTTP_HX_REQUEST": "true"} if htmx else {}
    client.get(path, **headers)  # warm-up
    times = []
    for _ in range(iterations):
        started = time.perf_counter()
        response = client.get(path, **headers)
        times.append((time.perf_counter() - started) * 1000)
        assert response.status_code == 200, (path, response.status_code)
    with CaptureQueriesContext(connection) as queries:
        client.get(path, **headers)
    return {
        "p50_ms": round(statistics.median(times), 2),
        "p95_ms": round(percentile(times, 0.95), 2),
        "p99_ms": round(percentile(times, 0.99), 2),
        "queries": len(queries),
    }


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--iterations", type=int, default=200)
    args = parser.parse_args()
    settings.DEBUG = False
    settings.ALLOWED_HOSTS = ["testserver"]
    results = {}
    for name, (path, email) in PAGES.items():
        results[name] = measure(path, client_for(email), args.iterations, htmx="htmx" in name)
        print(f"{name:<28} {results[name]}")
    out = Path(settings.VAR_DIR) / "bench" / "pages.json"
    out.parent.mkdir(parents=True, exist_ok=True)
    out.write_text(json.dumps({"database": connection.vendor, "results": results}, indent=2))


if __name__ == "__main__":
    main()
