"""Production settings pass Django's deployment checks and refuse to start without secrets."""

import os
import runpy
import secrets
import subprocess
import sys
from pathlib import Path

import psycopg
import pytest
from django.db import connection

from conftest import skip_or_fail

ROOT = Path(__file__).resolve().parent.parent
PRODUCTION = {
    "DEBUG": "0",
    "ALLOWED_HOSTS": "polis.example.it",
    "DATABASE_URL": "postgres://polis@db.invalid:5432/polis",
}


def manage(*args: str, **env: str) -> subprocess.CompletedProcess:
    # The browser tests allow async-unsafe calls in this process; production never does.
    inherited = {k: v for k, v in os.environ.items() if k != "DJANGO_ALLOW_ASYNC_UNSAFE"}
    return subprocess.run(
        [sys.executable, "manage.py", *args],
        cwd=ROOT,
        env={**inherited, **env},
        capture_output=True,
        text=True,
        check=False,
    )


def test_check_deploy_is_clean_in_production(tmp_path):
    # when
    result = manage(
        "check",
        "--deploy",
        "--fail-level",
        "WARNING",
        **PRODUCTION,
        SECRET_KEY=secrets.token_urlsafe(50),
        POLIS_VAR_DIR=str(tmp_path),
    )
    # then
    assert result.returncode == 0, result.stdout + result.stderr
    assert "no issues" in result.stdout


def test_production_refuses_to_start_without_a_secret_key(tmp_path):
    # when
    env = {**PRODUCTION, "POLIS_VAR_DIR": str(tmp_path), "SECRET_KEY": ""}
    result = manage("check", **env)
    # then
    assert result.returncode != 0
    assert "SECRET_KEY must be set when DEBUG is off." in result.stderr
    assert not (tmp_path / "secret_key").exists()


def test_debug_is_off_unless_the_environment_turns_it_on(tmp_path):
    # given: an environment that says nothing about DEBUG (the tests themselves run with it on)
    unset = {k: v for k, v in os.environ.items() if k not in ("DEBUG", "DJANGO_ALLOW_ASYNC_UNSAFE")}
    # when the settings load as gunicorn and Celery load them (manage.py, the developer's tool,
    # turns DEBUG on)
    result = subprocess.run(
        [
            sys.executable,
            "-c",
            "import django; django.setup(); from django.conf import settings as s; print(s.DEBUG)",
        ],
        cwd=ROOT,
        env={**unset, "SECRET_KEY": secrets.token_urlsafe(50), "POLIS_VAR_DIR": str(tmp_path)},
        capture_output=True,
        text=True,
        check=False,
    )
    # then
    assert result.returncode == 0, result.stderr
    assert result.stdout.strip().splitlines()[-1] == "False"


@pytest.mark.django_db
def test_the_web_tier_plans_its_queries_without_parallel_workers(monkeypatch):
    if connection.vendor != "postgresql":
        skip_or_fail("parallel query is PostgreSQL's: set DATABASE_URL")
    monkeypatch.setenv("PGOPTIONS", "")  # restored to the runner's own value afterwards
    monkeypatch.delenv("PGOPTIONS")
    # given: gunicorn's configuration, as the web tier loads it
    runpy.run_path(str(ROOT / "deploy" / "gunicorn.conf.py"))
    # when: a worker connects
    db = connection.settings_dict
    with psycopg.connect(
        host=db["HOST"], port=db["PORT"], user=db["USER"], dbname=db["NAME"]
    ) as web_connection:
        setting = web_connection.execute("SHOW max_parallel_workers_per_gather").fetchone()[0]
    # then
    assert setting == "0"
