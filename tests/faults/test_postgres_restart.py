"""PostgreSQL restarts under load: requests fail fast with a clear 503, then recover alone."""

import subprocess
import sys
import threading
import time
import urllib.error
import urllib.request
from collections import Counter

import pytest

from conftest import skip_or_fail
from tests.reliability import report
from tests.servers import ROOT, private_postgres, production_environment, start_gunicorn, stop


def fetch(url: str) -> tuple[int, str]:
    try:
        with urllib.request.urlopen(url, timeout=10) as response:
            return response.status, response.read().decode()
    except urllib.error.HTTPError as error:
        return error.code, error.read().decode()


@pytest.mark.slow
@pytest.mark.services
def test_postgres_restart_under_load(tmp_path, collected_static):
    try:
        context = private_postgres()
        database = context.__enter__()
    except (FileNotFoundError, subprocess.CalledProcessError) as error:
        skip_or_fail(f"cannot run a private PostgreSQL: {error}")
    env = production_environment(
        database_url=database.url, var=tmp_path, STATIC_ROOT=collected_static, WEB_THREADS="4"
    )
    web = None
    try:
        subprocess.run(
            [sys.executable, "manage.py", "migrate", "-v0"], cwd=ROOT, env=env, check=True
        )
        web, base = start_gunicorn(env)
        url = base + "/faq/"
        results: list[tuple[float, int, str]] = []
        halt = threading.Event()

        def load():
            while not halt.is_set():
                started = time.monotonic()
                status, body = fetch(url)
                results.append((started, status, body))

        workers = [threading.Thread(target=load) for _ in range(4)]
        for worker in workers:
            worker.start()
        # when: the database restarts in the middle of the load
        time.sleep(2)
        restart_at = time.monotonic()
        database.pg_ctl("restart", "-m", "fast")
        back_at = time.monotonic()
        time.sleep(3)
        halt.set()
        for worker in workers:
            worker.join(timeout=20)
        # then: only 200 or a clear 503, and 200 again soon after, without restarting the app
        statuses = Counter(status for _, status, _ in results)
        assert set(statuses) <= {200, 503}, statuses
        assert all(
            "Servizio momentaneamente non disponibile" in body
            for _, status, body in results
            if status == 503
        )
        after = [status for started, status, _ in results if started > back_at + 1]
        assert after
        assert set(after) == {200}
        first_ok = min(
            started for started, status, _ in results if started > restart_at and status == 200
        )
        report(
            "PostgreSQL restarted under load",
            requests=len(results),
            ok=statuses[200],
            unavailable_503=statuses[503],
            other_errors=sum(n for s, n in statuses.items() if s not in (200, 503)),
            restart_ms=round((back_at - restart_at) * 1000),
            first_200_after_restart_ms=round((first_ok - restart_at) * 1000),
        )
    finally:
        if web is not None:
            stop(web)
        context.__exit__(None, None, None)
