"""A backup of a seeded database restores into a new, empty one with its files."""

import os
import subprocess
import sys
import uuid
from pathlib import Path

import psycopg
import pytest
from django.core.management import call_command
from django.db import connection

from conftest import skip_or_fail
from polis.documents.services import store_upload
from polis.documents.tests.test_validation import GOOD

ROOT = Path(__file__).resolve().parent.parent


@pytest.mark.services
@pytest.mark.django_db(transaction=True)
def test_backup_restores_into_a_new_database(settings, tmp_path, capsys):
    if connection.vendor != "postgresql":
        skip_or_fail("backups use pg_dump: needs DATABASE_URL on PostgreSQL")
    # given: demo data and a stored document
    settings.DEBUG = True
    call_command("seed_demo")
    stored = store_upload(actor=None, name="contratto.pdf", data=GOOD["contratto.pdf"])
    call_command("backup", dest=str(tmp_path / "backups"))
    folder = capsys.readouterr().out.strip().splitlines()[-1]
    db = connection.settings_dict
    target = f"polis_restore_{uuid.uuid4().hex[:8]}"
    admin_dsn = f"host={db['HOST']} port={db['PORT']} user={db['USER']} dbname=postgres"
    with psycopg.connect(admin_dsn, autocommit=True) as admin:
        admin.execute(f'CREATE DATABASE "{target}"')
    try:
        # when
        env = {
            **os.environ,
            "DATABASE_URL": f"postgres://{db['USER']}@{db['HOST']}:{db['PORT']}/{target}",
            "MEDIA_ROOT": str(tmp_path / "restored-media"),
        }
        subprocess.run(
            [sys.executable, "manage.py", "restore", folder],
            cwd=ROOT,
            env=env,
            check=True,
            capture_output=True,
        )
        # then
        with psycopg.connect(f"{admin_dsn.rsplit(' ', 1)[0]} dbname={target}") as restored:
            users = restored.execute("SELECT count(*) FROM accounts_user").fetchone()[0]
            faq = restored.execute("SELECT count(*) FROM web_faqentry").fetchone()[0]
        assert (users, faq) == (6, 9)
        copy = tmp_path / "restored-media" / stored.file.name
        assert copy.read_bytes() == GOOD["contratto.pdf"]
        # and the restored public ledger verifies end to end (tree, tiles, signed checkpoints)
        verified = subprocess.run(
            [sys.executable, "manage.py", "ledger", "verify"],
            cwd=ROOT,
            env=env,
            capture_output=True,
            text=True,
        )
        assert verified.returncode == 0, verified.stderr
        assert "Registro integro: " in verified.stdout
        assert "Registro integro: 0 voci" not in verified.stdout
    finally:
        with psycopg.connect(admin_dsn, autocommit=True) as admin:
            admin.execute(f'DROP DATABASE IF EXISTS "{target}" WITH (FORCE)')
