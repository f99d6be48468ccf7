"""`/healthz` tells the public which part is down, never why; and a database that takes no writes is down.

Before: the answer carried the exception's text (paths, host names, driver messages), and only a
`SELECT 1` was tried, so a database that was locked, read-only or full answered "ok".
"""

import json
import logging
import threading
import urllib.error
import urllib.request

import pytest
from django.db import OperationalError, connection, transaction

pytestmark = pytest.mark.django_db

SECRET = "/srv/hadir/secret.sqlite3 (password=hunter2)"


def test_a_failing_part_is_named_without_its_exception(client, monkeypatch, caplog):
    from config import health

    def refused():
        raise OperationalError(f"unable to open database file {SECRET}")

    monkeypatch.setattr(health, "_database_ok", refused)
    with caplog.at_level(logging.ERROR, logger="config.health"):
        response = client.get("/healthz")
    assert response.status_code == 503
    assert json.loads(response.content) == {
        "status": "unavailable", "checks": {"database": "unavailable", "channel_layer": "ok"}, "failing": ["database"],
    }
    assert SECRET not in response.content.decode()
    assert SECRET in caplog.text  # the operator finds it in the log


class WriteLock:
    """Another connection holds the database's write lock (SQLite) or the table the write check
    uses (PostgreSQL) until released, as a long migration or a stuck backup would."""

    def __init__(self):
        self.held, self.release = threading.Event(), threading.Event()
        self.thread = threading.Thread(target=self._hold)

    def _hold(self):
        try:
            with transaction.atomic(), connection.cursor() as cursor:
                if connection.vendor == "postgresql":
                    cursor.execute("LOCK TABLE django_migrations IN EXCLUSIVE MODE")
                else:  # atomic() began IMMEDIATE: this connection holds the write lock
                    cursor.execute("UPDATE django_migrations SET applied = applied WHERE id = 0")
                self.held.set()
                self.release.wait(30)
        finally:
            connection.close()

    def __enter__(self):
        self.thread.start()
        assert self.held.wait(10)
        return self

    def __exit__(self, *exc):
        self.release.set()
        self.thread.join(10)


def get_health(server) -> tuple[int, dict]:
    try:
        with urllib.request.urlopen(f"{server.base_url}/healthz", timeout=30) as response:
            return response.status, json.loads(response.read())
    except urllib.error.HTTPError as refused:
        return refused.code, json.loads(refused.read())


@pytest.mark.e2e
@pytest.mark.django_db(transaction=True)
def test_on_daphne_a_database_that_refuses_writes_is_reported(daphne_server):
    with WriteLock():
        status, body = get_health(daphne_server)
    assert status == 503 and body["checks"]["database"] == "unavailable" and body["failing"] == ["database"]
    assert "locked" not in json.dumps(body) and "timeout" not in json.dumps(body)
    assert get_health(daphne_server) == (200, {
        "status": "ok", "checks": {"database": "ok", "channel_layer": "ok"}, "failing": [],
    })
