"""`manage.py restore FOLDER`: load a backup into the (empty) database of DATABASE_URL."""

import subprocess
import tarfile
from pathlib import Path

from django.conf import settings
from django.core.management.base import BaseCommand, CommandError

from polis.web.management.commands.backup import pg_environment


class Command(BaseCommand):
    help = "Restore a backup made by `manage.py backup` into an empty database and media folder."

    def add_arguments(self, parser):
        parser.add_argument("folder")

    def handle(self, *args, folder, **options):
        source = Path(folder)
        if not (source / "db.dump").exists():
            raise CommandError(f"{source} is not a backup folder (db.dump missing).")
        subprocess.run(
            [
                "pg_restore",
                "--no-owner",
                "--exit-on-error",
                "--single-transaction",
                f"--dbname={pg_environment()['PGDATABASE']}",
                str(source / "db.dump"),
            ],
            env=pg_environment(),
            check=True,
        )
        media_root = Path(settings.MEDIA_ROOT)
        with tarfile.open(source / "media.tar.gz") as archive:
            for member in archive.getmembers():
                if not member.name.startswith("media"):
                    raise CommandError(f"unexpected member {member.name} in the media archive")
                member.name = member.name.removeprefix("media").lstrip("/")
                if member.name:
                    archive.extract(member, media_root, filter="data")
        self.stdout.write(self.style.SUCCESS(f"Restored {source}"))
