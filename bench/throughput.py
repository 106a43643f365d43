"""Throughput of a mixed read workload against the production profile, beside a bare view.

Starts gunicorn (production settings) on loopback, runs wrk for a bounded time against
/salute/ (a bare view: same middleware, same server) and against a mix of real pages, several
rounds each, and reports medians. Needs `wrk` (apt-get install wrk).

Usage: DATABASE_URL=postgres://… python bench/throughput.py [--seconds 10] [--connections 8]
       [--scale] --cache-url redis://127.0.0.1:6379/<scratch>
The shared cache is the scratch Redis database the caller names with --cache-url (there is no
default): it is emptied before the run (the pages keep cached fragments and counters there, as in
production), so it must hold nothing of anyone else's.
Without --scale: demo data (seed_demo) and the public pages and dashboard of a collaborator.
With --scale: the database must hold seed_scale data (1M practices); the mix is the working
lists of a collaborator of the largest firm (practices, filtered, searched, expiring, claims and
claims searched by name, quotes, clients, renewals, dashboard).
"""

import argparse
import json
import re
import statistics
import subprocess
import tempfile
from pathlib import Path

import redis
from common import (
    ROOT,
    collectstatic,
    django_for_sessions,
    require_postgres,
    seeded_sessions,
    session_cookie,
)

from tests.servers import production_environment, start_gunicorn, stop

MIXED = ["/", "/faq/", "/faq/?q=sinistro", "/dashboard/", "/contattaci/"]
MIXED_AT_SCALE = [
    "/dashboard/",
    "/pratiche/",
    "/pratiche/?stato=in_force&ordina=scadenza",
    "/pratiche/?q=Rossi",
    "/pratiche/in-scadenza/",
    "/sinistri/",
    "/sinistri/?q=Rossi",
    "/preventivi/",
    "/clienti/",
    "/rinnovi/",
]


def largest_firm_session() -> str:
    from django.db.models import Count

    from polis.accounts.models import Firm, User

    firm = Firm.objects.annotate(size=Count("practices")).order_by("-size").first()
    return session_cookie(User.objects.filter(firm=firm).order_by("pk").first())


LUA = """
paths = {%s}
counter = 0
request = function()
  counter = counter %% #paths + 1
  return wrk.format("GET", paths[counter])
end
done = function(summary, latency, requests)
  io.write(string.format("RESULT %%d %%d %%.3f %%.3f\\n", summary.requests,
    summary.errors.status + summary.errors.connect + summary.errors.read + summary.errors.timeout,
    latency:percentile(50) / 1000, latency:percentile(95) / 1000))
end
"""


def wrk(base: str, paths: list[str], seconds: int, connections: int, cookie: str) -> dict:
    with tempfile.TemporaryDirectory() as folder:
        script = Path(folder) / "mix.lua"
        script.write_text(LUA % ", ".join(f'"{path}"' for path in paths))
        output = subprocess.run(
            [
                "wrk",
                "-t",
                "2",
                "-c",
                str(connections),
                "-d",
                f"{seconds}s",
                "--timeout",
                "5s",
                "-H",
                f"Cookie: {cookie}",
                "-s",
                str(script),
                base,
            ],
            capture_output=True,
            text=True,
            check=True,
            timeout=seconds + 60,
        ).stdout
    requests, errors, p50, p95 = re.search(r"RESULT (\d+) (\d+) ([\d.]+) ([\d.]+)", output).groups()
    return {
        "req_per_s": round(int(requests) / seconds, 1),
        "errors": int(errors),
        "p50_ms": float(p50),
        "p95_ms": float(p95),
    }


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--seconds", type=int, default=10)
    parser.add_argument("--connections", type=int, default=8)
    parser.add_argument("--rounds", type=int, default=3)
    parser.add_argument("--workers", default="4")
    parser.add_argument("--threads", default="1", help="more than 1: gthread workers")
    parser.add_argument("--scale", action="store_true")
    parser.add_argument("--src", help="serve another copy of src/ (e.g. an earlier commit's)")
    parser.add_argument(
        "--cache-url",
        required=True,
        help="a scratch Redis database, emptied before the run (redis://127.0.0.1:6379/N)",
    )
    args = parser.parse_args()
    redis.Redis.from_url(args.cache_url).flushdb()  # values cached from another database
    database_url = require_postgres()
    if args.scale:
        django_for_sessions()
        cookie, mixed = largest_firm_session(), MIXED_AT_SCALE
    else:
        (cookie,) = seeded_sessions("mario.rossi@agenzia-rossi.example.it")
        mixed = MIXED
    var = Path(tempfile.mkdtemp(prefix="polis-bench-"))
    env = production_environment(
        database_url=database_url,
        var=var,
        WEB_CONCURRENCY=args.workers,
        WEB_THREADS=args.threads,
        CACHE_URL=args.cache_url,
        **({"PYTHONPATH": args.src} if args.src else {}),
    )
    collectstatic(env)
    web, base = start_gunicorn(env)
    try:
        rounds = {"bare view (/salute/)": [], "mixed pages": []}
        for _ in range(args.rounds):
            rounds["bare view (/salute/)"].append(
                wrk(base, ["/salute/"], args.seconds, args.connections, cookie)
            )
            rounds["mixed pages"].append(wrk(base, mixed, args.seconds, args.connections, cookie))
    finally:
        stop(web)
    results = {
        name: {key: statistics.median(r[key] for r in runs) for key in runs[0]}
        for name, runs in rounds.items()
    }
    ratio = results["mixed pages"]["req_per_s"] / results["bare view (/salute/)"]["req_per_s"]
    results["mixed / bare"] = round(ratio, 3)
    print(json.dumps(results, indent=2))
    (ROOT / "var" / "bench").mkdir(parents=True, exist_ok=True)
    (ROOT / "var" / "bench" / "throughput.json").write_text(json.dumps(results, indent=2))


if __name__ == "__main__":
    main()
