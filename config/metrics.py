"""``/metrics``: Prometheus text, for a token or an allowed address.

Two kinds of figure:

- counted in this process as things happen (one line where they happen): HTTP responses by
  status, presence diffs dispatched, chat messages written. Each Daphne process is its own scrape
  target; ``sum()`` over the targets gives the service's figure (a restarted process starts at 0,
  which Prometheus' ``rate()`` takes as a counter reset);
- read when scraped: this process's sockets and rooms from the rooms hub (sum over targets), and
  the service-wide figures from the database (outbox, delivery latency, reminders due, rooms
  live, participants present, worker heartbeat), which every target reports alike (use ``max()``),
  and, when ``JANUS_URL`` is set, each Janus server's reach and load (``hadir_janus_*``, labelled
  by server; also alike on every target), read with short timeouts.

Access: ``Authorization: Bearer <HADIR_METRICS_TOKEN>``, or a client address inside one of
``HADIR_METRICS_ALLOW``'s networks (the peer, or the client the proxy settings establish).
Anyone else gets 403, and nothing is read.
"""

from __future__ import annotations

import hmac
import ipaddress
from datetime import timedelta

from asgiref.sync import sync_to_async
from django.conf import settings
from django.db.models import Count, F, Q
from django.http import HttpRequest, HttpResponse
from django.utils import timezone
from django.views.decorators.http import require_GET
from prometheus_client import CollectorRegistry, Counter, generate_latest
from prometheus_client.core import GaugeMetricFamily, HistogramMetricFamily
from prometheus_client.exposition import CONTENT_TYPE_LATEST

REGISTRY = CollectorRegistry(auto_describe=True)
HTTP_RESPONSES = Counter(
    "hadir_http_responses", "HTTP responses by status code (this process)", ["status"], registry=REGISTRY
)
PRESENCE_DIFFS = Counter(
    "hadir_presence_diffs", "presence.diff batches dispatched to this process's sockets", registry=REGISTRY
)
CHAT_MESSAGES = Counter("hadir_chat_messages", "chat lines written by this process", registry=REGISTRY)

# Seconds from queueing to delivery (e-mail): the buckets of hadir_delivery_latency_seconds.
LATENCY_BUCKETS = (1, 5, 15, 60, 300, 900, 3600, 6 * 3600, 24 * 3600)


def allowed(request: HttpRequest, *, token: str, networks: list[str]) -> bool:
    """Whether the caller shows ``token`` as a Bearer credential or calls from one of ``networks``."""
    header = request.headers.get("Authorization", "")
    if token and header.startswith("Bearer ") and hmac.compare_digest(header[7:].strip(), token):
        return True
    try:
        address = ipaddress.ip_address(request.META.get("REMOTE_ADDR", ""))
    except ValueError:
        return False
    return any(address in ipaddress.ip_network(network, strict=False) for network in networks)


class HubCollector:
    """This process's rooms, read from the rooms hub when scraped (nothing is counted on the hot path)."""

    def collect(self):
        from rooms.live.hub import current_hub

        hub = current_hub()
        rooms = list(hub.rooms.values()) if hub is not None else []
        sockets = [socket for room in rooms for socket in list(room.sockets)]
        yield _gauge("hadir_websocket_connections", "open room WebSocket connections (this process)", len(sockets))
        yield _gauge(
            "hadir_rooms_local", "rooms with a socket on this process", sum(1 for room in rooms if room.sockets)
        )
        yield _gauge(
            "hadir_lobby_waiting", "sockets waiting in a lobby (this process)",
            sum(1 for socket in sockets if not getattr(socket, "view", "")),
        )


class DatabaseCollector:
    """Service-wide figures from the database, read when scraped (a handful of indexed counts)."""

    def collect(self):
        from notifications.models import Message, WorkerHeartbeat
        from rooms.models import AttendanceInterval

        now = timezone.now()
        open_intervals = AttendanceInterval.objects.filter(left_at__isnull=True)
        live = open_intervals.values("occurrence").distinct().count()
        yield _gauge("hadir_rooms_live", "sittings with someone connected", live)
        yield _gauge(
            "hadir_participants_present", "people connected to a room (admitted)",
            open_intervals.values("occurrence", "attendee").distinct().count(),
        )
        by_status = dict(Message.objects.order_by().values_list("status").annotate(n=Count("id")))
        outbox = GaugeMetricFamily("hadir_outbox_messages", "outbox rows by status", labels=["status"])
        for status in Message.Status.values:
            outbox.add_metric([status], by_status.get(status, 0))
        yield outbox
        yield _gauge(
            "hadir_reminders_due", "reminders due and not delivered yet",
            Message.objects.filter(
                kind=Message.Kind.REMINDER, status=Message.Status.PENDING, next_attempt_at__lte=now
            ).count(),
        )
        yield _latency(Message)
        beat = WorkerHeartbeat.objects.order_by("-beat_at").values_list("beat_at", flat=True).first()
        yield _gauge(
            "hadir_worker_heartbeat_age_seconds", "seconds since a worker last ran the tick (-1: never)",
            (now - beat).total_seconds() if beat else -1,
        )


def _gauge(name: str, documentation: str, value: float) -> GaugeMetricFamily:
    return GaugeMetricFamily(name, documentation, value=value)


def _latency(Message) -> HistogramMetricFamily:
    """Cumulative buckets over every delivered e-mail still in the outbox, in one query."""
    sent = Message.objects.filter(channel=Message.Channel.EMAIL, status=Message.Status.SENT, sent_at__isnull=False)
    counts = sent.aggregate(
        total=Count("id"),
        **{
            f"le{bound}": Count("id", filter=Q(sent_at__lte=F("created_at") + timedelta(seconds=bound)))
            for bound in LATENCY_BUCKETS
        },
    )
    # The sum is approximated from the buckets' midpoints: a database-neutral aggregate of
    # intervals is not worth a vendor branch for a figure Prometheus only divides by the count.
    buckets, previous_bound, previous_count, approx_sum = [], 0, 0, 0.0
    for bound in LATENCY_BUCKETS:
        count = counts[f"le{bound}"]
        buckets.append((str(float(bound)), count))
        approx_sum += (count - previous_count) * (previous_bound + bound) / 2
        previous_bound, previous_count = bound, count
    buckets.append(("+Inf", counts["total"]))
    approx_sum += (counts["total"] - previous_count) * LATENCY_BUCKETS[-1]
    return HistogramMetricFamily(
        "hadir_delivery_latency_seconds", "seconds from queueing to delivery of e-mails in the outbox",
        buckets=buckets, sum_value=approx_sum,
    )


HUB = CollectorRegistry(auto_describe=False)
HUB.register(HubCollector())
DATABASE = CollectorRegistry(auto_describe=False)
DATABASE.register(DatabaseCollector())


JANUS_GAUGES = (
    ("reachable", "hadir_janus_up", "whether the Janus server's admin API answered (1) or not (0)"),
    ("rooms", "hadir_janus_rooms", "Hadir's open sittings placed on the Janus server"),
    ("sessions", "hadir_janus_sessions", "Janus sessions on the server"),
    ("publishers", "hadir_janus_publishers", "VideoRoom publisher handles on the server"),
    ("subscribers", "hadir_janus_subscribers", "VideoRoom subscriber handles on the server"),
)


class JanusCollector:
    """Figures already read (``config.health.janus_status_bounded``), turned into gauges."""

    def __init__(self, servers: list[dict]):
        self.servers = servers

    def collect(self):
        for key, name, documentation in JANUS_GAUGES:
            family = GaugeMetricFamily(name, documentation, labels=["server"])
            for server in self.servers:
                family.add_metric([server["url"]], float(server[key]))
            yield family


async def exposition() -> bytes:
    """The counters, the hub's figures (read on the event loop, where the hub lives), the
    database's (in the database thread) and Janus's (bounded, in a thread of its own)."""
    from config.health import janus_status_bounded

    text = generate_latest(REGISTRY) + generate_latest(HUB) + await sync_to_async(generate_latest)(DATABASE)
    janus = await janus_status_bounded()
    if janus is not None:
        registry = CollectorRegistry(auto_describe=False)
        registry.register(JanusCollector(janus))
        text += generate_latest(registry)
    return text


@require_GET
async def metrics_view(request: HttpRequest) -> HttpResponse:
    if not allowed(request, token=settings.HADIR_METRICS_TOKEN, networks=settings.HADIR_METRICS_ALLOW):
        return HttpResponse(status=403)
    return HttpResponse(await exposition(), content_type=CONTENT_TYPE_LATEST)


class ResponseCounter:
    """Middleware: counts every response by status (first in the chain, so it sees them all)."""

    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        response = self.get_response(request)
        HTTP_RESPONSES.labels(str(response.status_code)).inc()
        return response
