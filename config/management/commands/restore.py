"""Load a backup into an empty database (``config.backups``)."""

from pathlib import Path

from django.core.management.base import BaseCommand, CommandError

from config.backups import BackupError, restore


class Command(BaseCommand):
    help = ("Load a file written by `backup` into the configured database, which must be empty "
            "(a new SQLite file, or a new PostgreSQL database). Run `migrate` afterwards when the code is newer.")

    def add_arguments(self, parser):
        parser.add_argument("source", type=Path)

    def handle(self, *args, source: Path, **options):
        try:
            restore(source=source)
        except BackupError as exc:
            raise CommandError(f"restore: {exc.message}") from None
        self.stdout.write(f"restore: {source} loaded; run `manage.py migrate` if this code is newer than the backup")
