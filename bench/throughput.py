"""Throughput of a mixed read workload against the production profile, beside a bare view.

Starts gunicorn (production settings) on loopback, runs wrk for a bounded time against
/salute/ (a bare view: same middleware, same server) and against a mix of real pages, several
rounds each, and reports medians. Needs `wrk` (apt-get install wrk).

Usage: DATABASE_URL=postgres://… python bench/throughput.py [--seconds 10] [--connections 8]
       [--scale [--role ROLE …]] --cache-url redis://127.0.0.1:6379/<scratch>
The shared cache is the scratch Redis database the caller names with --cache-url (there is no
default): it is emptied before the run (the pages keep cached fragments and counters there, as in
production), so it must hold nothing of anyone else's.
Without --scale: demo data (seed_demo) and the public pages and dashboard of a collaborator.
With --scale: the database must hold seed_scale data (1M practices); one mix a role, each under
the same connections: the working lists of a collaborator of the largest firm (practices,
filtered, searched, expiring, claims and claims searched by name, quotes, clients, renewals,
dashboard) — the goal's mix —, the MGA operator's and the busiest adjuster's pages.
Each mix is measured as a whole (req/s, p50/p95) and page by page (p50/p95 of that page's
requests within the mix), beside the bare view measured by the same client in the same run.
The pages come from the page cache (core/pagecache.py) once computed, as a user who opens them
again gets them while nobody writes what they show; --no-page-cache computes every request.
"""

import argparse
import json
import re
import statistics
import subprocess
import tempfile
import urllib.error
import urllib.request
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

BARE = "bare view (/salute/)"

MIXED = ["/", "/faq/", "/faq/?q=sinistro", "/dashboard/", "/contattaci/"]
# The working lists of a collaborator of the largest firm: the goal's mix.
WORKING_LISTS = "collaborator, largest firm"
# The lists a collaborator and the MGA's operator both work with (the operator's MGA-wide).
PORTFOLIO_LISTS = [
    "/pratiche/",
    "/pratiche/?stato=in_force&ordina=scadenza",
    "/pratiche/?q=Rossi",
    "/pratiche/in-scadenza/",
    "/sinistri/",
    "/sinistri/?q=Rossi",
]
MIXES_AT_SCALE = {
    WORKING_LISTS: ["/dashboard/", *PORTFOLIO_LISTS, "/preventivi/", "/clienti/", "/rinnovi/"],
    "MGA operator": [
        "/dashboard/",
        *PORTFOLIO_LISTS,
        "/sinistri/?scaduti=1",
        "/preventivi/",
        "/clienti/",
    ],
    "adjuster": [
        "/dashboard/",
        "/sinistri/",
        "/sinistri/?q=Rossi",
        "/sinistri/?stato=investigation",
        "/sinistri/?scaduti=1",
        "/sinistri/{claim}/",
    ],
}


def scale_sessions() -> dict[str, tuple[str, list[str]]]:
    """role -> (session cookie, the role's mix) on seed_scale data: a collaborator of the largest
    firm, the MGA's operator and the adjuster with the most claims (and his latest claim)."""
    from django.db.models import Count

    from polis.accounts.models import Firm, User
    from polis.claims.models import Claim

    firm = Firm.objects.annotate(size=Count("practices")).order_by("-size").first()
    adjuster = (
        User.objects.filter(role=User.Role.ADJUSTER)
        .annotate(n=Count("assigned_claims"))
        .order_by("-n")
        .first()
    )
    claim = Claim.objects.filter(adjuster=adjuster).order_by("-pk").first()
    users = {
        WORKING_LISTS: User.objects.filter(firm=firm).order_by("pk").first(),
        "MGA operator": User.objects.get(role=User.Role.OPERATOR, email__contains="scala"),
        "adjuster": adjuster,
    }
    return {
        role: (session_cookie(user), [path.format(claim=claim.pk) for path in MIXES_AT_SCALE[role]])
        for role, user in users.items()
    }


# One connection a wrk thread, so each thread's responses follow its requests one by one: the
# script times each request itself (a monotonic clock through LuaJIT's FFI) and keeps it by path.
LUA = """
local ffi = require("ffi")
ffi.cdef[[
typedef struct { long tv_sec; long tv_nsec; } timespec;
int clock_gettime(int clock, timespec *now);
]]
local clock = ffi.new("timespec")
local function now_ms()
  ffi.C.clock_gettime(1, clock)
  return tonumber(clock.tv_sec) * 1000 + tonumber(clock.tv_nsec) / 1e6
end
paths = {%s}
stride = %d
counter = 0
current = 0
started = 0
samples = {}
local threads = {}
setup = function(thread)
  table.insert(threads, thread)
  -- each connection starts the mix at another page (spread: at another 1/connections of it)
  thread:set("counter", (#threads - 1) * stride)
end
request = function()
  counter = counter %% #paths + 1
  current = counter
  started = now_ms()
  return wrk.format("GET", paths[counter])
end
response = function(status, headers, body)
  samples[#samples + 1] = string.format("%%d %%.3f %%d", current, now_ms() - started, status)
end
done = function(summary, latency, requests)
  io.write(string.format("RESULT %%d %%d\\n", summary.requests,
    summary.errors.status + summary.errors.connect + summary.errors.read + summary.errors.timeout))
  for _, thread in ipairs(threads) do
    for _, sample in ipairs(thread:get("samples")) do io.write("SAMPLE ", sample, "\\n") end
  end
end
"""


def percentile(values: list[float], share: float) -> float:
    ordered = sorted(values)
    return round(ordered[min(len(ordered) - 1, round(share * (len(ordered) - 1)))], 1)


def wrk(
    base: str, paths: list[str], seconds: int, connections: int, cookie: str, spread: bool = False
) -> dict:
    """req/s, errors, p50/p95 of the whole run and of each path (ms, as the client waits).
    Each connection walks `paths` in order from its own start: the next path (the connections
    ask the same paths one after the other) or, `spread`, its own 1/connections of them (no path
    asked twice before a connection has walked its share)."""
    stride = max(1, len(paths) // connections) if spread else 1
    with tempfile.TemporaryDirectory() as folder:
        script = Path(folder) / "mix.lua"
        script.write_text(LUA % (", ".join(f'"{path}"' for path in paths), stride))
        output = subprocess.run(
            [
                "wrk",
                "-t",
                str(connections),
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
    requests, errors = re.search(r"RESULT (\d+) (\d+)", output).groups()
    by_path: dict[str, list[float]] = {path: [] for path in paths}
    failed = 0
    for index, ms, status in re.findall(r"SAMPLE (\d+) ([\d.]+) (\d+)", output):
        by_path[paths[int(index) - 1]].append(float(ms))
        failed += status != "200"
    every = [ms for times in by_path.values() for ms in times]
    return {
        "req_per_s": round(int(requests) / seconds, 1),
        "errors": int(errors) + failed,
        "p50_ms": percentile(every, 0.5),
        "p95_ms": percentile(every, 0.95),
        "pages": {
            path: {"n": len(ms), "p50_ms": percentile(ms, 0.5), "p95_ms": percentile(ms, 0.95)}
            for path, ms in by_path.items()
            if ms
        },
    }


def medians(runs: list[dict]) -> dict:
    """The median of each figure over the rounds, the pages' too."""
    result = {
        key: round(statistics.median(run[key] for run in runs), 1)
        for key in ("req_per_s", "errors", "p50_ms", "p95_ms")
    }
    result["pages"] = {
        path: {
            key: round(
                statistics.median(run["pages"][path][key] for run in runs if path in run["pages"]),
                1,
            )
            for key in ("n", "p50_ms", "p95_ms")
        }
        for path in runs[0]["pages"]
    }
    return result


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--seconds", type=int, default=10)
    parser.add_argument("--connections", type=int, default=8)
    parser.add_argument("--rounds", type=int, default=3)
    parser.add_argument("--workers", default="4")
    parser.add_argument("--threads", default="1", help="more than 1: gthread workers")
    parser.add_argument("--scale", action="store_true")
    parser.add_argument(
        "--role", action="append", choices=list(MIXES_AT_SCALE), help="with --scale: only these"
    )
    parser.add_argument("--src", help="serve another copy of src/ (e.g. an earlier commit's)")
    parser.add_argument(
        "--no-page-cache", action="store_true", help="compute every page (PAGE_CACHE_SECONDS=0)"
    )
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
        mixes = scale_sessions()
        mixes = {role: mixes[role] for role in args.role or mixes}
    else:
        (cookie,) = seeded_sessions("mario.rossi@agenzia-rossi.example.it")
        mixes = {"demo mix": (cookie, MIXED)}
    bare_cookie = next(iter(mixes.values()))[0]
    var = Path(tempfile.mkdtemp(prefix="polis-bench-"))
    env = production_environment(
        database_url=database_url,
        var=var,
        WEB_CONCURRENCY=args.workers,
        WEB_THREADS=args.threads,
        CACHE_URL=args.cache_url,
        **({"PAGE_CACHE_SECONDS": "0"} if args.no_page_cache else {}),
        **({"PYTHONPATH": args.src} if args.src else {}),
    )
    collectstatic(env)
    web, base = start_gunicorn(env)
    try:
        for cookie, paths in mixes.values():
            # each page three times (a computed page is stored on its third request), then a
            # second of the mix: the workers' first renders (all on loopback: our server)
            failed = 0
            for path in paths * 3:
                request = urllib.request.Request(base + path, headers={"Cookie": cookie})  # noqa: S310
                try:
                    with urllib.request.urlopen(request, timeout=60) as response:  # noqa: S310
                        response.read()
                except urllib.error.HTTPError as error:  # a 4xx/5xx page: counted, not fatal
                    error.read()
                    failed += 1
            if failed:
                print(f"warm-up: {failed} of {len(paths) * 3} requests answered an error")
            wrk(base, paths, 1, 1, cookie)
        rounds: dict[str, list[dict]] = {BARE: [], **{role: [] for role in mixes}}
        for _ in range(args.rounds):
            rounds[BARE].append(
                wrk(base, ["/salute/"], args.seconds, args.connections, bare_cookie)
            )
            for role, (cookie, paths) in mixes.items():
                rounds[role].append(wrk(base, paths, args.seconds, args.connections, cookie))
    finally:
        stop(web)
    results = {name: medians(runs) for name, runs in rounds.items()}
    bare = results[BARE]["req_per_s"]
    for role in mixes:
        results[role]["mix / bare"] = round(results[role]["req_per_s"] / bare, 3)
    print(json.dumps(results, indent=2))
    print(markdown(results, args.connections))
    (ROOT / "var" / "bench").mkdir(parents=True, exist_ok=True)
    (ROOT / "var" / "bench" / "throughput.json").write_text(json.dumps(results, indent=2))


def markdown(results: dict, connections: int) -> str:
    """The mixes beside the bare view, then each page of each mix, as tables."""
    lines = [
        "| workload | connections | req/s | p50 / p95 ms | errors | mix / bare |",
        "|---|---|---|---|---|---|",
    ]
    for name, row in results.items():
        ratio = f"**{row['mix / bare']}**" if "mix / bare" in row else ""
        lines.append(
            f"| {name} | {connections} | {row['req_per_s']:,} | {row['p50_ms']} / "
            f"{row['p95_ms']} | {row['errors']} | {ratio} |"
        )
    lines += ["", "| who | page | p50 ms | p95 ms | requests |", "|---|---|---|---|---|"]
    for name, row in results.items():
        if name == BARE:
            continue
        for path, page in row["pages"].items():
            lines.append(
                f"| {name} | `{path}` | {page['p50_ms']} | {page['p95_ms']} | {page['n']:g} |"
            )
    return "\n".join(lines)


if __name__ == "__main__":
    main()
