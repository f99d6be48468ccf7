"""A consistent copy of the database while Hadir runs (``config.backups``)."""

from pathlib import Path

from django.conf import settings
from django.core.management.base import BaseCommand, CommandError
from django.db import connection
from django.utils import timezone

from config.backups import BackupError, backup


class Command(BaseCommand):
    help = ("Copy the database while Hadir runs: SQLite with VACUUM INTO, PostgreSQL with pg_dump -Fc "
            "--no-owner. Default: var/backups/hadir-<UTC time>.(sqlite3|dump).")

    def add_arguments(self, parser):
        parser.add_argument("--output", type=Path, help="the file to write (must not exist)")

    def handle(self, *args, output: Path | None = None, **options):
        if output is None:
            suffix = "sqlite3" if connection.vendor == "sqlite" else "dump"
            output = settings.VAR_DIR / "backups" / f"hadir-{timezone.now():%Y%m%dT%H%M%SZ}.{suffix}"
        try:
            written = backup(output=output)
        except BackupError as exc:
            raise CommandError(f"backup: {exc.message}") from None
        self.stdout.write(f"backup: {written} ({written.stat().st_size} bytes)")
