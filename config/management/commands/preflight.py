"""Before serving: can the configured database and Redis be reached? One line each if not."""

from urllib.parse import urlparse

import psycopg
import redis
from django.conf import settings
from django.core.management.base import BaseCommand, CommandError
from django.db import connection
from django.db.utils import OperationalError


class Command(BaseCommand):
    help = "Check that DATABASE_URL and REDIS_URL answer; exit 1 with one line naming the one that does not."

    def handle(self, *args, **options):
        try:
            if connection.vendor == "postgresql":
                # One attempt, outside the pool (whose workers would retry, and log, for seconds).
                psycopg.connect(**connection.get_connection_params(), connect_timeout=5).close()
            else:
                connection.ensure_connection()
        except (OperationalError, psycopg.OperationalError) as exc:
            raise CommandError(f"DATABASE_URL: cannot connect to the database ({_first_line(exc)})") from None
        if settings.REDIS_URL:
            where = urlparse(settings.REDIS_URL)
            try:
                redis.Redis.from_url(settings.REDIS_URL, socket_connect_timeout=3).ping()
            except redis.RedisError as exc:
                raise CommandError(
                    f"REDIS_URL: cannot reach Redis at {where.hostname}:{where.port or 6379} ({_first_line(exc)})"
                ) from None
        self.stdout.write("preflight: database and channel layer reachable")


def _first_line(exc: Exception) -> str:
    return (str(exc).strip().splitlines() or [type(exc).__name__])[0]
