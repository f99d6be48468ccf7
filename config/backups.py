"""Back up the database while Hadir runs, and restore a copy into an empty database.

SQLite: ``VACUUM INTO`` writes a consistent, compacted copy while others read and write (WAL).
PostgreSQL: ``pg_dump -Fc --no-owner --no-privileges`` (custom format, restorable by
``pg_restore`` as any role, into any database name), and ``pg_restore --no-owner
--no-privileges --exit-on-error``. A restore goes into an empty database only: it never merges
into, or overwrites, a database that has tables.
"""

from __future__ import annotations

import os
import shutil
import sqlite3
import subprocess
from pathlib import Path

from django.db import connection

from config.errors import HadirError


class BackupError(HadirError):
    code = "backup"


def _pg_environment() -> tuple[list[str], dict]:
    params = connection.settings_dict
    args = ["--host", params.get("HOST") or "127.0.0.1", "--port", str(params.get("PORT") or 5432)]
    if params.get("USER"):
        args += ["--username", params["USER"]]
    env = {**os.environ}
    if params.get("PASSWORD"):
        env["PGPASSWORD"] = params["PASSWORD"]
    return args, env


def _tool(name: str) -> str:
    found = shutil.which(name)
    if not found:
        raise BackupError(f"{name} is not installed (Debian: apt-get install postgresql-client)")
    return found


def backup(*, output: Path) -> Path:
    """Write a copy of the database to ``output`` (which must not exist yet)."""
    if output.exists():
        raise BackupError(f"{output} exists already; name a new file")
    output.parent.mkdir(parents=True, exist_ok=True)
    if connection.vendor == "sqlite":
        with connection.cursor() as cursor:
            cursor.execute("VACUUM INTO %s", [str(output)])
        return output
    args, env = _pg_environment()
    command = [_tool("pg_dump"), "--format=custom", "--no-owner", "--no-privileges", *args,
               "--file", str(output), connection.settings_dict["NAME"]]
    done = subprocess.run(command, env=env, capture_output=True, text=True)
    if done.returncode != 0:
        output.unlink(missing_ok=True)
        raise BackupError(f"pg_dump failed: {done.stderr.strip()}")
    return output


def _has_tables() -> bool:
    return bool(connection.introspection.table_names())


def restore(*, source: Path) -> None:
    """Load the copy ``source`` into the configured database, which must be empty."""
    if not source.is_file():
        raise BackupError(f"{source} is not a file")
    if _has_tables():
        raise BackupError("the database is not empty; restore into a new, empty database")
    if connection.vendor == "sqlite":
        target = connection.settings_dict["NAME"]
        connection.close()
        with sqlite3.connect(f"file:{source}?mode=ro", uri=True) as copy, sqlite3.connect(target) as database:
            copy.backup(database)
        return
    args, env = _pg_environment()
    connection.close()
    command = [_tool("pg_restore"), "--no-owner", "--no-privileges", "--exit-on-error", *args,
               "--dbname", connection.settings_dict["NAME"], str(source)]
    done = subprocess.run(command, env=env, capture_output=True, text=True)
    if done.returncode != 0:
        raise BackupError(f"pg_restore failed: {done.stderr.strip()}")
