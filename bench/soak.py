"""A soak of the production profile: gunicorn + Celery worker on Redis + PostgreSQL, driven by
locust (headless, loopback only, bounded in time). Samples the memory of every process.

Usage: DATABASE_URL=postgres://… python bench/soak.py --cache-url redis://127.0.0.1:6379/<scratch>
       --broker-url redis://127.0.0.1:6379/<another scratch> [--minutes 15] [--users 30]
Writes var/bench/soak.json.
"""

import argparse
import json
import subprocess
import tempfile
import time
from pathlib import Path

from common import ROOT, collectstatic, require_postgres, seeded_sessions

from tests.servers import (
    BIN,
    production_environment,
    start_celery_worker,
    start_gunicorn,
    stop,
)


def rss_kib(pid: int) -> int:
    for line in Path(f"/proc/{pid}/status").read_text().splitlines():
        if line.startswith("VmRSS:"):
            return int(line.split()[1])
    return 0


def process_tree(root: int) -> list[int]:
    children = Path(f"/proc/{root}/task/{root}/children")
    pids = [root]
    if children.exists():
        for child in children.read_text().split():
            pids += process_tree(int(child))
    return pids


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--minutes", type=float, default=15)
    parser.add_argument("--users", type=int, default=30)
    # No default: the run fills these Redis databases, so the caller names scratch ones.
    parser.add_argument("--cache-url", required=True, help="a scratch Redis database (cache)")
    parser.add_argument("--broker-url", required=True, help="a scratch Redis database (Celery)")
    args = parser.parse_args()
    database_url = require_postgres()
    collaborator, operator = seeded_sessions(
        "mario.rossi@agenzia-rossi.example.it", "operatore@polis.local"
    )
    var = Path(tempfile.mkdtemp(prefix="polis-soak-"))
    env = production_environment(
        database_url=database_url,
        var=var,
        WEB_CONCURRENCY="4",
        CELERY_BROKER_URL=args.broker_url,
        CACHE_URL=args.cache_url,
        CONTACT_RATE="100000/h",
        EMAIL_BACKEND="file",
        EMAIL_FILE_PATH=str(var / "mail"),
        SOAK_COLLABORATOR_COOKIE=collaborator,
        SOAK_OPERATOR_COOKIE=operator,
    )
    collectstatic(env)
    worker = start_celery_worker(env)
    web, base = start_gunicorn(env)
    servers = {"web": web, "worker": worker}
    samples: list[dict] = []
    try:
        locust = subprocess.Popen(
            [
                str(BIN / "locust"),
                "-f",
                str(ROOT / "bench" / "locustfile.py"),
                "Visitor",
                "Collaborator",
                "Operator",
                "--headless",
                "-u",
                str(args.users),
                "-r",
                "5",
                "-t",
                f"{int(args.minutes * 60)}s",
                "--host",
                base,
                "--json-file",
                str(var / "locust"),
                "--csv",
                str(var / "locust"),
                "--only-summary",
                "--stop-timeout",
                "10",
            ],
            cwd=ROOT,
            env=env,
            stdout=subprocess.DEVNULL,
        )
        while locust.poll() is None:
            samples.append(
                {
                    name: sum(rss_kib(pid) for pid in process_tree(server.pid))
                    for name, server in servers.items()
                }
            )
            time.sleep(10)
        stats = json.loads((var / "locust.json").read_text())
    finally:
        stop(web, worker)
    requests = sum(entry["num_requests"] for entry in stats)
    failures = sum(entry["num_failures"] for entry in stats)
    quarter = max(1, len(samples) // 4)
    memory = {
        name: {
            "rss_mib_first_quarter": round(
                sum(s[name] for s in samples[:quarter]) / quarter / 1024, 1
            ),
            "rss_mib_last_quarter": round(
                sum(s[name] for s in samples[-quarter:]) / quarter / 1024, 1
            ),
        }
        for name in servers
    }
    result = {
        "minutes": args.minutes,
        "users": args.users,
        "requests": requests,
        "failures": failures,
        "req_per_s": round(requests / (args.minutes * 60), 1),
        "memory": memory,
        "mail_delivered": len(list((var / "mail").glob("*"))),
    }
    print(json.dumps(result, indent=2))
    (ROOT / "var" / "bench").mkdir(parents=True, exist_ok=True)
    (ROOT / "var" / "bench" / "soak.json").write_text(json.dumps(result, indent=2))


if __name__ == "__main__":
    main()
