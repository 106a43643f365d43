"""Servers on loopback for tests and benchmarks: the production profile, private Redis and
PostgreSQL instances. Everything started here is stopped by its caller or context manager."""

import os
import secrets
import shutil
import socket
import subprocess
import sys
import tempfile
import time
import urllib.request
from contextlib import contextmanager
from pathlib import Path

import redis

ROOT = Path(__file__).resolve().parent.parent
BIN = Path(sys.executable).parent


def free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


def wait_for(url: str, seconds: float = 60) -> None:
    deadline = time.monotonic() + seconds
    while time.monotonic() < deadline:
        try:
            urllib.request.urlopen(url, timeout=2)
            return
        except OSError:
            time.sleep(0.2)
    raise AssertionError(f"{url} did not answer in {seconds} s")


def production_environment(*, database_url: str, var: Path, **extra: str) -> dict[str, str]:
    """The environment of the production profile on a free loopback port (see `BIND`)."""
    inherited = {k: v for k, v in os.environ.items() if k != "DJANGO_ALLOW_ASYNC_UNSAFE"}
    return {
        **inherited,
        "DEBUG": "0",
        # A benchmark that prepared sessions exports its key; otherwise a fresh one.
        "SECRET_KEY": os.environ.get("SECRET_KEY") or secrets.token_urlsafe(50),
        "ALLOWED_HOSTS": "127.0.0.1",
        "SECURE_SSL_REDIRECT": "0",
        "DATABASE_URL": database_url,
        "DB_CONN_MAX_AGE": "60",
        "POLIS_VAR_DIR": str(var),
        "BIND": f"127.0.0.1:{free_port()}",
        "WEB_CONCURRENCY": "2",
        "LOG_LEVEL": "WARNING",
        **extra,
    }


def start_gunicorn(env: dict[str, str]) -> tuple[subprocess.Popen, str]:
    """Start the web tier of the production profile; returns the process and its base URL."""
    process = subprocess.Popen(
        [
            str(BIN / "gunicorn"),
            "polis.wsgi:application",
            "--config",
            "deploy/gunicorn.conf.py",
            "--access-logfile",
            "/dev/null",
        ],
        cwd=ROOT,
        env=env,
        stdout=subprocess.DEVNULL,
    )
    base = f"http://{env['BIND']}"
    try:
        wait_for(base + "/salute/")
    except BaseException:
        stop(process)  # not left behind, serving on
        raise
    return process, base


def start_celery_worker(env: dict[str, str], *extra: str) -> subprocess.Popen:
    return subprocess.Popen(
        [
            str(BIN / "celery"),
            "-A",
            "polis",
            "worker",
            "-P",
            "solo",
            "-l",
            "WARNING",
            "--without-gossip",
            "--without-mingle",
            "--without-heartbeat",
            *extra,
        ],
        cwd=ROOT,
        env=env,
    )


def stop(*processes: subprocess.Popen) -> None:
    for process in processes:
        process.terminate()
    for process in processes:
        process.wait(timeout=30)


class PrivateRedis:
    """A redis-server on its own port, stopped and started at will."""

    def __init__(self, folder):
        self.port = free_port()
        self.folder = folder
        self.url = f"redis://127.0.0.1:{self.port}/0"
        self.process = None

    def start(self) -> None:
        self.process = subprocess.Popen(
            [
                shutil.which("redis-server") or "redis-server",
                "--port",
                str(self.port),
                "--bind",
                "127.0.0.1",
                "--save",
                "",
                "--appendonly",
                "no",
                "--dir",
                str(self.folder),
            ],
            stdout=subprocess.DEVNULL,
        )
        deadline = time.monotonic() + 10
        while time.monotonic() < deadline:
            try:
                redis.Redis(port=self.port).ping()
                return
            except redis.ConnectionError:
                time.sleep(0.05)
        raise AssertionError("private redis did not start")

    def stop(self) -> None:
        if self.process is not None:
            self.process.kill()
            self.process.wait(timeout=10)
            self.process = None


@contextmanager
def private_redis(folder):
    if shutil.which("redis-server") is None:
        raise FileNotFoundError("redis-server")
    server = PrivateRedis(folder)
    server.start()
    try:
        yield server
    finally:
        server.stop()


def _pg_bin(name: str) -> str | None:
    for version in sorted(Path("/usr/lib/postgresql").glob("*"), reverse=True):
        if (version / "bin" / name).exists():
            return str(version / "bin" / name)
    return None


class PrivatePostgres:
    """A throwaway PostgreSQL cluster (run as the postgres user) on its own port. Nothing in it
    must outlive a crash of the machine: it does not wait for the disk (fsync off), which makes
    a migration's hundreds of DDL commits quick on a busy disk."""

    def __init__(self):
        self.port = free_port()
        self.folder = Path(tempfile.mkdtemp(prefix="polis-pg-"))
        self.data = self.folder / "data"
        self.url = f"postgres://postgres@127.0.0.1:{self.port}/polis"

    def _as_postgres(self, *args: str, **kwargs) -> subprocess.CompletedProcess:
        return subprocess.run(
            ["runuser", "-u", "postgres", "--", *args], check=True, capture_output=True, **kwargs
        )

    def pg_ctl(self, *args: str) -> None:
        self._as_postgres(
            _pg_bin("pg_ctl"),
            "-D",
            str(self.data),
            "-w",
            "-t",
            "30",
            "-l",
            str(self.folder / "log"),
            "-o",
            f"-p {self.port} -c listen_addresses=127.0.0.1 -k {self.folder}"
            " -c fsync=off -c synchronous_commit=off -c full_page_writes=off",
            *args,
        )

    def create(self) -> None:
        shutil.chown(self.folder, "postgres")
        self._as_postgres(
            _pg_bin("initdb"), "-D", str(self.data), "-A", "trust", "-U", "postgres", "--no-sync"
        )
        self.pg_ctl("start")
        self._as_postgres(
            _pg_bin("createdb"), "-h", "127.0.0.1", "-p", str(self.port), "-U", "postgres", "polis"
        )

    def destroy(self) -> None:
        try:
            self.pg_ctl("stop", "-m", "immediate")
        finally:
            shutil.rmtree(self.folder, ignore_errors=True)


@contextmanager
def private_postgres():
    if _pg_bin("initdb") is None or shutil.which("runuser") is None:
        raise FileNotFoundError("initdb")
    server = PrivatePostgres()
    server.create()
    try:
        yield server
    finally:
        server.destroy()


@contextmanager
def running_witness(log_signer, state: Path):
    """`manage.py ledger witness` (C2SP tlog-witness) for `log_signer`'s log on a free loopback
    port, with a key of its own; yields (its cosignature verifier, its URL), stopped after."""
    from polis.ledger.note import Signer, cosignature_verifier

    key = Signer.generate("partner.example/witness")
    port = free_port()
    env = {**os.environ, "LEDGER_WITNESS_KEY": str(key), "LEDGER_SIGNING_KEY": str(log_signer)}
    command = [sys.executable, str(ROOT / "manage.py"), "ledger", "witness"]
    command += ["--listen", f"127.0.0.1:{port}", "--state", str(state)]
    command += ["--log-key", str(log_signer.verifier)]
    proc = subprocess.Popen(command, env=env, stdout=subprocess.PIPE, text=True)
    try:
        verifier = cosignature_verifier(key)
        assert proc.stdout.readline().strip() == f"witness {verifier}"
        for _ in range(50):
            with socket.socket() as sock:
                if sock.connect_ex(("127.0.0.1", port)) == 0:
                    break
            time.sleep(0.1)
        yield verifier, f"http://127.0.0.1:{port}"
    finally:
        proc.terminate()
        proc.wait(timeout=10)


class WebhookReceiver:
    """A webhook endpoint on loopback, in a thread: it records each request (headers and body)
    and answers `status` (a test sets it to make deliveries fail)."""

    def __init__(self):
        import http.server
        import threading

        receiver = self
        self.received: list[dict] = []
        self.status = 200

        class Handler(http.server.BaseHTTPRequestHandler):
            def do_POST(self):
                body = self.rfile.read(int(self.headers.get("content-length", 0)))
                receiver.received.append(
                    {"headers": {k.lower(): v for k, v in self.headers.items()}, "body": body}
                )
                self.send_response(receiver.status)
                self.end_headers()
                self.wfile.write(b"ricevuto" if receiver.status < 300 else b"non ora")

            def log_message(self, *args):
                pass

        self.server = http.server.ThreadingHTTPServer(("127.0.0.1", 0), Handler)
        self.url = f"http://127.0.0.1:{self.server.server_address[1]}/hooks"
        self.thread = threading.Thread(target=self.server.serve_forever, daemon=True)
        self.thread.start()

    def close(self) -> None:
        self.server.shutdown()
        self.server.server_close()


@contextmanager
def webhook_receiver():
    receiver = WebhookReceiver()
    try:
        yield receiver
    finally:
        receiver.close()
