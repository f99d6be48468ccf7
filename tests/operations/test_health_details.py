"""/healthz/details (issue 14): every part with its figures for the operator; a worker that stopped
or an outbox that does not drain is named as degraded, a broken database makes it 503."""

import json
from datetime import timedelta

import pytest
from django.db import OperationalError
from django.test import Client
from django.utils import timezone

from notifications import tasks
from notifications.models import Message, WorkerHeartbeat

pytestmark = pytest.mark.django_db
TOKEN = "health-token-0123456789abcdef0123456789"


@pytest.fixture
def operator(settings):
    settings.HADIR_METRICS_TOKEN = TOKEN
    settings.HADIR_METRICS_ALLOW = []
    settings.HADIR_HEALTH_HEARTBEAT_MAX_SECONDS = 180
    settings.HADIR_HEALTH_OUTBOX_MAX_AGE_SECONDS = 900
    return Client(HTTP_AUTHORIZATION=f"Bearer {TOKEN}")


def details(client) -> tuple[int, dict]:
    response = client.get("/healthz/details")
    return response.status_code, json.loads(response.content) if response.status_code != 403 else {}


def test_only_the_operator_reads_the_details(operator):
    assert Client().get("/healthz/details").status_code == 403
    assert Client(HTTP_AUTHORIZATION="Bearer nope").get("/healthz/details").status_code == 403
    assert operator.get("/healthz/details").status_code in (200, 503)


def test_a_silent_worker_and_a_stuck_outbox_are_degraded_then_recover(operator):
    status, report = details(operator)
    assert status == 200 and report["status"] == "degraded"
    assert report["checks"]["worker"] == {"status": "degraded", "heartbeat_age_seconds": None}
    assert {"database_read", "database_write", "channel_layer"} <= set(report["checks"])

    tasks.tick()  # the worker's every-minute task writes the heartbeat
    now = timezone.now()
    Message.objects.create(idempotency_key="old", channel="email", kind="invite", subject="s",
                           email="a@example.test", next_attempt_at=now - timedelta(hours=1))
    status, report = details(operator)
    assert report["checks"]["worker"]["status"] == "ok" and report["checks"]["worker"]["heartbeat_age_seconds"] < 60
    assert report["checks"]["outbox"]["status"] == "degraded"
    assert report["checks"]["outbox"]["oldest_pending_age_seconds"] >= 3500
    assert report["degraded"] == ["outbox"] and status == 200

    Message.objects.filter(idempotency_key="old").update(status="sent", sent_at=now)
    WorkerHeartbeat.objects.update(beat_at=now - timedelta(minutes=10))
    status, report = details(operator)
    assert report["degraded"] == ["worker"]
    tasks.tick()
    status, report = details(operator)
    assert (status, report["status"], report["failing"], report["degraded"]) == (200, "ok", [], [])


def test_a_database_that_takes_no_writes_is_unavailable_and_named(operator, monkeypatch):
    from config import health

    def refused():
        raise OperationalError("attempt to write a readonly database /srv/secret")

    monkeypatch.setattr(health, "_database_write", refused)
    status, report = details(operator)
    assert status == 503 and report["failing"] == ["database_write"]
    assert report["checks"]["database_read"]["status"] == "ok"
    assert "/srv/secret" not in json.dumps(report)
