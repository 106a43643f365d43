"""Throughput of a mixed read workload against the production profile, beside a bare view.

Starts gunicorn (production settings) on loopback against DATABASE_URL (PostgreSQL), runs wrk
for a bounded time against /salute/ (a bare view: same middleware, same server) and against a
mix of real pages, three rounds each, and reports medians. Needs `wrk` (apt-get install wrk).

Usage: DATABASE_URL=postgres://… python bench/throughput.py [--seconds 10] [--connections 8]
"""

import argparse
import json
import os
import re
import secrets
import socket
import statistics
import subprocess
import sys
import tempfile
import time
import urllib.request
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT / "src"))
os.environ.setdefault("DJANGO_SETTINGS_MODULE", "polis.settings")

MIXED = ["/", "/faq/", "/faq/?q=sinistro", "/dashboard/", "/contattaci/"]
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


def free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


def session_cookie() -> str:
    import django

    django.setup()
    from django.contrib.auth import BACKEND_SESSION_KEY, HASH_SESSION_KEY, SESSION_KEY
    from django.contrib.sessions.backends.db import SessionStore
    from django.core.management import call_command

    from polis.accounts.models import User

    call_command("migrate", verbosity=0)
    call_command("seed_demo", verbosity=0)
    user = User.objects.get(email="mario.rossi@agenzia-rossi.example.it")
    session = SessionStore()
    session.update(
        {
            SESSION_KEY: str(user.pk),
            HASH_SESSION_KEY: user.get_session_auth_hash(),
            BACKEND_SESSION_KEY: "django.contrib.auth.backends.ModelBackend",
        }
    )
    session.create()
    return f"sessionid={session.session_key}"


def wrk(base: str, paths: list[str], seconds: int, connections: int, cookie: str) -> dict:
    with tempfile.NamedTemporaryFile("w", suffix=".lua", delete=False) as script:
        script.write(LUA % ", ".join(f'"{path}"' for path in paths))
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
            script.name,
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
    args = parser.parse_args()
    if not os.environ.get("DATABASE_URL", "").startswith("postgres"):
        sys.exit("Set DATABASE_URL to a PostgreSQL database.")
    os.environ["DEBUG"] = "1"  # only for the in-process seeding below
    os.environ["SECRET_KEY"] = secrets.token_urlsafe(50)  # shared with gunicorn: sessions verify
    cookie = session_cookie()
    port = free_port()
    var = Path(tempfile.mkdtemp(prefix="polis-bench-"))
    env = {
        **os.environ,
        "DEBUG": "0",
        "ALLOWED_HOSTS": "127.0.0.1",
        "SECURE_SSL_REDIRECT": "0",
        "DB_CONN_MAX_AGE": "60",
        "POLIS_VAR_DIR": str(var),
        "BIND": f"127.0.0.1:{port}",
        "WEB_CONCURRENCY": os.environ.get("WEB_CONCURRENCY", "4"),
        "WEB_THREADS": os.environ.get("WEB_THREADS", "1"),
        "LOG_LEVEL": "WARNING",
    }
    subprocess.run(
        [sys.executable, "manage.py", "collectstatic", "--noinput", "-v0"],
        cwd=ROOT,
        env=env,
        check=True,
    )
    web = subprocess.Popen(
        [
            str(Path(sys.executable).parent / "gunicorn"),
            "polis.wsgi:application",
            "--config",
            "deploy/gunicorn.conf.py",
            "--access-logfile",
            "/dev/null",
        ],
        cwd=ROOT,
        env=env,
    )
    base = f"http://127.0.0.1:{port}"
    try:
        for _ in range(100):
            try:
                urllib.request.urlopen(base + "/salute/", timeout=1)  # noqa: S310
                break
            except OSError:
                time.sleep(0.2)
        rounds = {"bare view (/salute/)": [], "mixed pages": []}
        for _ in range(args.rounds):
            rounds["bare view (/salute/)"].append(
                wrk(base, ["/salute/"], args.seconds, args.connections, cookie)
            )
            rounds["mixed pages"].append(wrk(base, MIXED, args.seconds, args.connections, cookie))
        results = {
            name: {key: statistics.median(r[key] for r in runs) for key in runs[0]}
            for name, runs in rounds.items()
        }
        ratio = results["mixed pages"]["req_per_s"] / results["bare view (/salute/)"]["req_per_s"]
        results["mixed / bare"] = round(ratio, 3)
        print(json.dumps(results, indent=2))
        (ROOT / "var" / "bench").mkdir(parents=True, exist_ok=True)
        (ROOT / "var" / "bench" / "throughput.json").write_text(json.dumps(results, indent=2))
    finally:
        web.terminate()
        web.wait(timeout=20)


if __name__ == "__main__":
    main()
