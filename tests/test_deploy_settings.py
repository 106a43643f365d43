"""Production settings pass Django's deployment checks and refuse to start without secrets."""

import os
import secrets
import subprocess
import sys
from pathlib import Path

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
