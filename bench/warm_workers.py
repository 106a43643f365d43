"""The first requests of a fresh gunicorn worker, beside the same requests once it is warm.

    DATABASE_URL=postgres://…/<scratch> .venv/bin/python bench/warm_workers.py \\
        [--before SRC] [--rounds 3]

Loads the demo data (seed_demo) into the database if it holds none, then starts the production
profile with one sync worker and times each page of a collaborator's first visit (dashboard,
practices, claims, quotes, the quote form, the clients) on the worker's first requests, then the
same pages again. --before SRC serves the same from another copy of src/ (e.g. an earlier
commit's: `git archive <commit> src | tar -x -C /tmp/before`) in the same run. Medians of
`--rounds` fresh starts.
"""

import argparse
import os
import statistics
import tempfile
import time
import urllib.request
from pathlib import Path

from common import collectstatic, django_for_sessions, require_postgres, session_cookie

from tests.servers import production_environment, start_gunicorn, stop

PAGES = ["/dashboard/", "/pratiche/", "/sinistri/", "/preventivi/", "/preventivi/nuovo/RCP/",
         "/clienti/"]  # fmt: skip
COLLABORATOR = "mario.rossi@agenzia-rossi.example.it"


def timed(base: str, path: str, cookie: str) -> float:
    request = urllib.request.Request(base + path, headers={"Cookie": cookie})  # noqa: S310
    start = time.perf_counter()
    with urllib.request.urlopen(request, timeout=30) as response:  # noqa: S310 (loopback)
        response.read()
        assert response.status == 200, (path, response.status)
    return (time.perf_counter() - start) * 1000


def visit(var: Path, src: str | None, cookie: str) -> tuple[list[float], list[float]]:
    env = production_environment(
        database_url=require_postgres(),
        var=var,
        WEB_CONCURRENCY="1",
        **({"PYTHONPATH": src} if src else {}),
    )
    # start_gunicorn waits for /salute/: the worker has answered that one bare request.
    web, base = start_gunicorn(env)
    try:
        first = [timed(base, path, cookie) for path in PAGES]
        again = [timed(base, path, cookie) for path in PAGES]
    finally:
        stop(web)
    return first, again


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--before", help="another src/ to serve the same, for comparison")
    parser.add_argument("--rounds", type=int, default=3)
    args = parser.parse_args()
    require_postgres()
    django_for_sessions()
    from django.core.management import call_command

    from polis.accounts.models import User

    call_command("migrate", verbosity=0)
    if not User.objects.filter(email=COLLABORATOR).exists():
        call_command("seed_demo", verbosity=0)
    cookie = session_cookie(User.objects.get(email=COLLABORATOR))
    var = Path(tempfile.mkdtemp(prefix="polis-bench-"))
    collectstatic(production_environment(database_url=require_postgres(), var=var))
    variants = {"this tree": None, **({"before": args.before} if args.before else {})}
    print(f"load average {os.getloadavg()[0]:.1f}; medians of {args.rounds} fresh workers, ms")
    print("| code | page | first request | warm |\n|---|---|---|---|")
    for code, src in variants.items():
        runs = [visit(var, src, cookie) for _ in range(args.rounds)]
        for n, path in enumerate(PAGES):
            first = statistics.median(run[0][n] for run in runs)
            warm = statistics.median(run[1][n] for run in runs)
            print(f"| {code} | {path} | {first:.1f} | {warm:.1f} |", flush=True)
        total = statistics.median(sum(run[0]) for run in runs)
        print(f"| {code} | all six, first visit | {total:.1f} | |", flush=True)
    print(f"load average {os.getloadavg()[0]:.1f}")


if __name__ == "__main__":
    main()
