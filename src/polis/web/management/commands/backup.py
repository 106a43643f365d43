"""`manage.py backup`: a consistent PostgreSQL dump plus the media files, in one folder."""

import os
import subprocess
import tarfile
from pathlib import Path

from django.conf import settings
from django.core.management.base import BaseCommand, CommandError
from django.db import connection
from django.utils import timezone


def pg_environment() -> dict[str, str]:
    """libpq variables for the default database (the password never goes on a command line)."""
    if connection.vendor != "postgresql":
        raise CommandError("Backups need PostgreSQL (DATABASE_URL=postgres://…).")
    db = connection.settings_dict
    values = {
        "PGHOST": db.get("HOST"),
        "PGPORT": db.get("PORT"),
        "PGUSER": db.get("USER"),
        "PGPASSWORD": db.get("PASSWORD"),
        "PGDATABASE": db["NAME"],
    }
    return {**os.environ, **{key: str(value) for key, value in values.items() if value}}


class Command(BaseCommand):
    help = "Back up the database (pg_dump, custom format) and the media files."

    def add_arguments(self, parser):
        parser.add_argument("--dest", default=str(settings.VAR_DIR / "backups"))

    def handle(self, *args, dest, **options):
        env = pg_environment()
        folder = Path(dest) / timezone.now().strftime("%Y%m%dT%H%M%S")
        folder.mkdir(parents=True)
        subprocess.run(
            ["pg_dump", "--format=custom", "--no-owner", f"--file={folder / 'db.dump'}"],
            env=env,
            check=True,
        )
        with tarfile.open(folder / "media.tar.gz", "w:gz") as archive:
            if Path(settings.MEDIA_ROOT).exists():
                archive.add(settings.MEDIA_ROOT, arcname="media")
        self.stdout.write(str(folder))
