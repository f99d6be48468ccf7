"""django-q2 entry points (thin: the work is in ``delivery`` and ``services``)."""

import socket

from django.utils import timezone

from notifications import delivery, retention, services
from notifications.models import WorkerHeartbeat

TICK = "tick"


def deliver_messages(ids: list[int]) -> int:
    """Queued on commit by the change that wrote the rows."""
    return delivery.deliver(ids=ids)


def tick() -> dict:
    """Every minute (a django-q2 Schedule): queue due reminders, then send whatever is due
    (retries whose backoff ran out, rows whose task was lost, rows of a worker that died), and
    record the worker's heartbeat."""
    WorkerHeartbeat.objects.update_or_create(
        name=TICK, defaults={"beat_at": timezone.now(), "host": socket.gethostname()[:255]}
    )
    reminders = services.reminders_enqueue()
    return {"reminders": len(reminders), "delivered": delivery.deliver()}


def purge() -> dict:
    """Daily (a django-q2 Schedule): the outbox rows past their retention (``retention``)."""
    return retention.outbox_purge()
