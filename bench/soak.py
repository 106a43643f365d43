"""A soak of the production profile: gunicorn + Celery worker on Redis + PostgreSQL, driven by
locust (headless, loopback only, bounded in time). Samples the memory of every process.

Usage: DATABASE_URL=postgres://… python bench/soak.py [--minutes 15] [--users 30]
Writes var/bench/soak.json.
"""

import argparse
import json
import os
import secrets
import socket
import subprocess
import sys
import tempfile
import time
import urllib.request
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT / "src"))
os.environ.setdefault("DJANGO_SETTINGS_MODULE", "polis.settings")


def free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


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


def cookies() -> tuple[str, str]:
    import django

    django.setup()
    from django.contrib.auth import BACKEND_SESSION_KEY, HASH_SESSION_KEY, SESSION_KEY
    from django.contrib.sessions.backends.db import SessionStore
    from django.core.management import call_command
    from django_otp import DEVICE_ID_SESSION_KEY

    from polis.accounts.models import User

    call_command("migrate", verbosity=0)
    call_command("seed_demo", verbosity=0)
    result = []
    for email in ("mario.rossi@agenzia-rossi.example.it", "operatore@polis.local"):
        user = User.objects.get(email=email)
        session = SessionStore()
        session.update(
            {
                SESSION_KEY: str(user.pk),
                HASH_SESSION_KEY: user.get_session_auth_hash(),
                BACKEND_SESSION_KEY: "django.contrib.auth.backends.ModelBackend",
            }
        )
        device = user.totpdevice_set.filter(confirmed=True).first()
        if device:
            session[DEVICE_ID_SESSION_KEY] = device.persistent_id
        session.create()
        result.append(f"sessionid={session.session_key}")
    return result[0], result[1]


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--minutes", type=float, default=15)
    parser.add_argument("--users", type=int, default=30)
    args = parser.parse_args()
    if not os.environ.get("DATABASE_URL", "").startswith("postgres"):
        sys.exit("Set DATABASE_URL to a PostgreSQL database.")
    os.environ["DEBUG"] = "1"
    os.environ["SECRET_KEY"] = secrets.token_urlsafe(50)
    collaborator, operator = cookies()
    port, var = free_port(), Path(tempfile.mkdtemp(prefix="polis-soak-"))
    env = {
        **os.environ,
        "DEBUG": "0",
        "ALLOWED_HOSTS": "127.0.0.1",
        "SECURE_SSL_REDIRECT": "0",
        "DB_CONN_MAX_AGE": "60",
        "POLIS_VAR_DIR": str(var),
        "BIND": f"127.0.0.1:{port}",
        "WEB_CONCURRENCY": "4",
        "CELERY_BROKER_URL": "redis://127.0.0.1:6379/13",
        "CACHE_URL": "redis://127.0.0.1:6379/12",
        "CONTACT_RATE": "100000/h",
        "EMAIL_BACKEND": "file",
        "EMAIL_FILE_PATH": str(var / "mail"),
        "LOG_LEVEL": "WARNING",
        "SOAK_COLLABORATOR_COOKIE": collaborator,
        "SOAK_OPERATOR_COOKIE": operator,
    }
    bin_dir = Path(sys.executable).parent
    subprocess.run(
        [sys.executable, "manage.py", "collectstatic", "--noinput", "-v0"],
        cwd=ROOT,
        env=env,
        check=True,
    )
    servers = {
        "web": subprocess.Popen(
            [
                str(bin_dir / "gunicorn"),
                "polis.wsgi:application",
                "--config",
                "deploy/gunicorn.conf.py",
                "--access-logfile",
                "/dev/null",
            ],
            cwd=ROOT,
            env=env,
        ),
        "worker": subprocess.Popen(
            [str(bin_dir / "celery"), "-A", "polis", "worker", "-P", "solo", "-l", "WARNING"],
            cwd=ROOT,
            env=env,
        ),
    }
    base = f"http://127.0.0.1:{port}"
    samples: list[dict] = []
    try:
        for _ in range(100):
            try:
                urllib.request.urlopen(base + "/salute/", timeout=1)  # noqa: S310
                break
            except OSError:
                time.sleep(0.2)
        locust = subprocess.Popen(
            [
                str(bin_dir / "locust"),
                "-f",
                str(ROOT / "bench" / "locustfile.py"),
                "--headless",
                "-u",
                str(args.users),
                "-r",
                "5",
                "-t",
                f"{int(args.minutes * 60)}s",
                "--host",
                base,
                "--json",
                "--only-summary",
                "--stop-timeout",
                "10",
            ],
            cwd=ROOT,
            env=env,
            stdout=subprocess.PIPE,
            text=True,
        )
        while locust.poll() is None:
            samples.append(
                {
                    name: sum(rss_kib(pid) for pid in process_tree(server.pid))
                    for name, server in servers.items()
                }
            )
            time.sleep(10)
        stats = json.loads(locust.stdout.read())
    finally:
        for server in servers.values():
            server.terminate()
            server.wait(timeout=30)
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
