"""/metrics (issue 14): Prometheus text for a token or an allowed network, nobody else; the figures
follow what happens (sockets, rooms, outbox, heartbeat, responses, chat)."""

from datetime import timedelta

import pytest
from asgiref.sync import sync_to_async
from channels.testing import HttpCommunicator, WebsocketCommunicator
from django.test import Client
from django.utils import timezone
from prometheus_client.parser import text_string_to_metric_families

from config.asgi import application
from notifications.models import Message, WorkerHeartbeat
from rooms import services as room_services
from rooms.live import hub as hub_module
from rooms.models import AttendanceInterval
from tests.rooms.factories import make_room, session_cookie_for

TOKEN = "metrics-token-0123456789abcdef0123456789"


def samples(text: str) -> dict:
    found = {}
    for family in text_string_to_metric_families(text):
        for sample in family.samples:
            found[(sample.name, tuple(sorted(sample.labels.items())))] = sample.value
    return found


def scrape(client: Client, **headers) -> tuple[int, str]:
    response = client.get("/metrics", **headers)
    return response.status_code, response.content.decode()


@pytest.fixture
def configured(settings):
    settings.HADIR_METRICS_TOKEN = TOKEN
    settings.HADIR_METRICS_ALLOW = []
    return settings


@pytest.mark.django_db
def test_only_the_token_or_an_allowed_network_reads_the_metrics(configured):
    client = Client()
    assert scrape(client) == (403, "")
    assert scrape(client, HTTP_AUTHORIZATION="Bearer wrong")[0] == 403
    assert scrape(client, HTTP_AUTHORIZATION=TOKEN)[0] == 403  # not as a Bearer credential
    status, text = scrape(client, HTTP_AUTHORIZATION=f"Bearer {TOKEN}")
    assert status == 200 and "hadir_outbox_messages" in text
    configured.HADIR_METRICS_TOKEN = ""
    configured.HADIR_METRICS_ALLOW = ["10.0.0.0/8"]
    assert scrape(client)[0] == 403
    configured.HADIR_METRICS_ALLOW = ["10.0.0.0/8", "127.0.0.1/32"]
    assert scrape(client)[0] == 200


@pytest.mark.django_db
def test_the_service_wide_figures_come_from_the_database(configured):
    room = make_room(people=("Ani",))
    ani = room.people[0]
    Message.objects.all().delete()  # the room's invitations: only the rows below count
    now = timezone.now()
    base = {"channel": "email", "kind": "invite", "subject": "s", "email": "a@example.test", "next_attempt_at": now}
    Message.objects.create(idempotency_key="p", **base)
    Message.objects.create(
        idempotency_key="r", **{**base, "kind": "reminder", "next_attempt_at": now - timedelta(minutes=1)}
    )
    Message.objects.create(idempotency_key="f", status="failed", **base)
    sent = Message.objects.create(idempotency_key="s", status="sent", sent_at=now, **base)
    Message.objects.filter(pk=sent.pk).update(created_at=now - timedelta(seconds=30))
    WorkerHeartbeat.objects.create(name="tick", beat_at=now - timedelta(seconds=90))
    AttendanceInterval.objects.create(
        occurrence=room.occurrence, attendee=ani, instance="x", joined_at=now, last_seen_at=now
    )
    before = samples(scrape(Client(), HTTP_AUTHORIZATION=f"Bearer {TOKEN}")[1])
    room_services.chat_send(occurrence=room.occurrence, attendee=ani, text="halo")
    Client().get("/no-such-page/")
    text = scrape(Client(), HTTP_AUTHORIZATION=f"Bearer {TOKEN}")[1]
    found = samples(text)
    assert found[("hadir_outbox_messages", (("status", "pending"),))] == 2
    assert found[("hadir_outbox_messages", (("status", "failed"),))] == 1
    assert found[("hadir_outbox_messages", (("status", "sent"),))] == 1
    assert found[("hadir_reminders_due", ())] == 1
    assert found[("hadir_rooms_live", ())] == 1 and found[("hadir_participants_present", ())] == 1
    assert 90 <= found[("hadir_worker_heartbeat_age_seconds", ())] < 600
    assert found[("hadir_delivery_latency_seconds_bucket", (("le", "15.0"),))] == 0
    assert found[("hadir_delivery_latency_seconds_bucket", (("le", "60.0"),))] == 1
    assert found[("hadir_delivery_latency_seconds_count", ())] == 1
    assert found[("hadir_chat_messages_total", ())] == before.get(("hadir_chat_messages_total", ()), 0) + 1
    not_found = ("hadir_http_responses_total", (("status", "404"),))
    assert found[not_found] == before.get(not_found, 0) + 1


@pytest.mark.django_db(transaction=True)
async def test_this_process_sockets_and_the_lobby_are_counted_when_scraped(configured):
    room = await sync_to_async(make_room)(kind="", people=("Ani",))
    cookie = await sync_to_async(session_cookie_for)(room.people[0])
    socket = WebsocketCommunicator(application, f"/ws/rooms/{room.id}/", headers=[
        (b"origin", b"http://127.0.0.1:8000"), (b"host", b"127.0.0.1:8000"), (b"cookie", cookie.encode())])
    assert (await socket.connect(timeout=5))[0]
    await socket.receive_json_from(timeout=5)
    page = HttpCommunicator(application, "GET", "/metrics", headers=[
        (b"host", b"127.0.0.1"), (b"authorization", f"Bearer {TOKEN}".encode())])
    response = await page.get_response(timeout=10)
    found = samples(response["body"].decode())
    assert found[("hadir_websocket_connections", ())] == 1 and found[("hadir_rooms_local", ())] == 1
    assert found[("hadir_lobby_waiting", ())] == 0
    await socket.disconnect()
    current = hub_module.current_hub()
    if current is not None:
        await current.close()
        hub_module._hub = None
