"""`manage.py serve`: the embedded default's server, running the periodic jobs as beat would,
with the development witness of the public ledger in a process of its own."""

import contextlib
import copy
import functools
import logging
import os
import signal
import socket
import subprocess
import sys
import threading
import time
from datetime import datetime
from urllib.parse import urlsplit

from celery.schedules import maybe_schedule
from django.conf import settings
from django.core.management.commands.runserver import Command as RunserverCommand
from django.db import close_old_connections
from django.utils import timezone

from polis.celery import app
from polis.web.joblog import periodic_jobs

logger = logging.getLogger(__name__)


def _did_something(result) -> bool:
    """A job's return value says what it did: a count, counts by kind, or a check's outcome."""
    if isinstance(result, bool) or result is None:
        return True
    if isinstance(result, dict):
        return any(result.values())
    return bool(result)


@functools.cache
def register_tasks() -> None:
    """Import the apps' tasks, as a worker does; once: it sets Django up again, logging too."""
    app.loader.import_default_modules()


def run_due_jobs(last_run: dict[str, datetime], now: datetime) -> dict[str, object]:
    """Run every CELERY_BEAT_SCHEDULE entry that is due; returns what each that ran returned
    (its exception if it failed), and logs one line for each that did something."""
    register_tasks()
    results = {}
    with periodic_jobs():
        for name, entry in settings.CELERY_BEAT_SCHEDULE.items():
            schedule = copy.copy(maybe_schedule(entry["schedule"]))
            schedule.nowfun = lambda: now
            last = last_run.setdefault(name, now)
            if not schedule.is_due(last).is_due:
                continue
            last_run[name] = now
            outcome = app.tasks[entry["task"]].apply()
            results[name] = outcome.result
            if outcome.failed():  # once per REPEAT_SECONDS while it keeps failing alike
                logger.error(
                    "periodic job %s failed: %r", name, outcome.result, exc_info=outcome.result
                )
    for name, result in results.items():
        if not isinstance(result, Exception) and _did_something(result):
            logger.info("periodic job %s: %s", name, result)
    return results


def scheduler_loop(stop: threading.Event, tick_seconds: float = 1.0) -> None:
    last_run: dict[str, datetime] = {}
    while not stop.wait(tick_seconds):
        try:
            run_due_jobs(last_run, timezone.now())
        finally:
            close_old_connections()


def _wait_until_listening(process: subprocess.Popen, host: str, port: int) -> None:
    """Wait (up to 30 s) until the witness accepts connections, so the periodic jobs do not
    warn that it refused the first checkpoints while it starts."""
    deadline = time.monotonic() + 30
    while process.poll() is None and time.monotonic() < deadline:
        with contextlib.suppress(OSError), socket.create_connection((host, port), timeout=1):
            return
        time.sleep(0.2)


@contextlib.contextmanager
def dev_witness():
    """Run `manage.py ledger witness` at LEDGER_DEV_WITNESS_URL (if set) while the server runs:
    its own process, key and state file under VAR_DIR, like any witness."""
    if not settings.LEDGER_DEV_WITNESS_URL:
        yield None
        return
    address = urlsplit(settings.LEDGER_DEV_WITNESS_URL)
    # SIGTERM ends the server through its `finally` (as Django's autoreloader does), which
    # stops the witness too
    previous = signal.signal(signal.SIGTERM, lambda *args: sys.exit(0))
    listen = f"{address.hostname}:{address.port}"
    process = subprocess.Popen(
        [sys.executable, "-m", "django", "ledger", "witness", "--listen", listen]
    )
    try:
        _wait_until_listening(process, address.hostname, address.port)
        yield process
    finally:
        process.terminate()
        process.wait(timeout=10)
        signal.signal(signal.SIGTERM, previous)


class Command(RunserverCommand):
    help = "Serve the app and run the periodic jobs in process (embedded default)."

    def run(self, **options):
        # Only the outer process starts the witness: with the autoreloader, inner_run runs in a
        # child process that is replaced at every code change.
        if os.environ.get("RUN_MAIN") == "true":
            super().run(**options)
            return
        with dev_witness():
            super().run(**options)

    def inner_run(self, *args, **options):
        if not os.environ.get("SITE_URL"):
            # links sent by the periodic jobs point at the address served here
            host = f"[{self.addr}]" if self._raw_ipv6 else self.addr
            settings.SITE_URL = f"{self.protocol}://{host}:{self.port}"
        stop = threading.Event()
        threading.Thread(
            target=scheduler_loop, args=(stop,), daemon=True, name="polis-periodic"
        ).start()
        try:
            super().inner_run(*args, **options)
        finally:
            stop.set()
