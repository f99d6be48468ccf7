"""Janus in the operator's view (issue 20): ``/healthz/details`` and ``/metrics`` report each server's
reach and load from a real Janus; a dead port or a server that never answers is reported in bounded
time; the plain ``/healthz`` never asks Janus."""

import json
import socket
import time

import pytest
from django.test import Client
from prometheus_client.parser import text_string_to_metric_families

from media import services
from rooms.policies import policy_for
from tests.media.raw_client import RawJanus
from tests.rooms.factories import make_room

pytestmark = pytest.mark.django_db(transaction=True)
TOKEN = "janus-ops-token-0123456789abcdef012345"


@pytest.fixture
def operator(settings):
    settings.HADIR_METRICS_TOKEN = TOKEN
    settings.HADIR_METRICS_ALLOW = []
    return Client(HTTP_AUTHORIZATION=f"Bearer {TOKEN}")


@pytest.fixture
def silent_server():
    """A port that accepts connections and never answers (a hung Janus)."""
    listener = socket.socket()
    listener.bind(("127.0.0.1", 0))
    listener.listen(16)
    yield f"http://127.0.0.1:{listener.getsockname()[1]}"
    listener.close()


def janus_samples(text: str) -> dict:
    return {(sample.name, sample.labels.get("server")): sample.value
            for family in text_string_to_metric_families(text) if family.name.startswith("hadir_janus")
            for sample in family.samples}


def publish_one(room) -> RawJanus:
    ticket = services.media_ticket(occurrence=room.occurrence, attendee=room.people[0],
                                   policy=policy_for(room.occurrence.event))
    raw = RawJanus(ticket["url"], ticket["token"])
    raw.attach()
    assert raw.join(room=ticket["room"], pin=ticket["pin"], display="x")["plugindata"]["data"]["videoroom"] == "joined"
    return raw


def test_details_and_metrics_report_a_live_janus(janus_settings, operator):
    publish_one(make_room(kind="test-lobby", people=("Ani",)))
    report = json.loads(operator.get("/healthz/details").content)
    part = report["checks"]["janus"]
    assert part["status"] == "ok"
    [server] = part["servers"]
    assert server["url"] == janus_settings.url and server["reachable"] is True
    assert server["rooms"] == 1 and server["publishers"] == 1 and server["subscribers"] == 0

    figures = janus_samples(operator.get("/metrics").content.decode())
    assert figures[("hadir_janus_up", janus_settings.url)] == 1
    assert figures[("hadir_janus_rooms", janus_settings.url)] == 1
    assert figures[("hadir_janus_publishers", janus_settings.url)] == 1
    assert figures[("hadir_janus_subscribers", janus_settings.url)] == 0


def test_a_dead_or_hung_janus_is_degraded_quickly_and_healthz_does_not_ask(settings, operator, silent_server):
    settings.JANUS_URL = ["http://127.0.0.1:9/janus", f"{silent_server}/janus"]
    settings.JANUS_ADMIN_URL = ["http://127.0.0.1:9/admin", f"{silent_server}/admin"]
    started = time.monotonic()
    response = operator.get("/healthz/details")
    assert time.monotonic() - started < 4.5  # one second per request, not the client's default
    report = json.loads(response.content)
    assert response.status_code == 200 and report["checks"]["janus"]["status"] == "degraded"
    assert "janus" in report["degraded"]
    assert [server["reachable"] for server in report["checks"]["janus"]["servers"]] == [False, False]

    started = time.monotonic()
    figures = janus_samples(operator.get("/metrics").content.decode())
    assert time.monotonic() - started < 4.5
    assert figures[("hadir_janus_up", "http://127.0.0.1:9/janus")] == 0
    assert figures[("hadir_janus_up", f"{silent_server}/janus")] == 0

    started = time.monotonic()
    assert Client().get("/healthz").status_code == 200
    assert time.monotonic() - started < 1.0


def test_without_janus_nothing_about_it_is_reported(settings, operator):
    settings.JANUS_URL, settings.JANUS_ADMIN_URL = [], []
    assert "janus" not in json.loads(operator.get("/healthz/details").content)["checks"]
    assert not janus_samples(operator.get("/metrics").content.decode())
