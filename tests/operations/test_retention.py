"""Retention (issue 14): daily schedules purge old outbox rows and notices; records stay."""

from datetime import timedelta

import pytest
from django.utils import timezone
from django_q.models import Schedule

from notifications import tasks
from notifications.models import Message
from rooms.models import AttendanceInterval, AuditEntry, ChatMessage
from scheduling.models import Attendee
from tests.notifications import factories

pytestmark = pytest.mark.django_db


def test_the_schedules_exist_after_migrate():
    names = dict(Schedule.objects.values_list("name", "func"))
    assert names["notifications.purge"] == "notifications.tasks.purge"
    assert names["sessions.clearsessions"] == "django.core.management.call_command"
    assert names["notifications.tick"] == "notifications.tasks.tick"
    assert Schedule.objects.get(name="sessions.clearsessions").args == "'clearsessions'"


def test_the_purge_takes_old_finished_rows_and_keeps_the_records(settings):
    settings.HADIR_RETENTION_OUTBOX_DAYS, settings.HADIR_RETENTION_NOTICES_DAYS = 90, 180
    teacher = factories.user("teacher", email="teacher@example.test")
    event = factories.meeting(teacher, people=[{"name": "Sari", "email": "sari@example.test"}])
    occurrence, sari = event.occurrences.first(), Attendee.objects.get(event=event, email="sari@example.test")
    now = timezone.now()
    Message.objects.all().delete()

    def row(key, *, age_days, status="sent", channel="email", **extra):
        message = Message.objects.create(
            idempotency_key=key, channel=channel, kind="invite", subject="s", status=status,
            email="sari@example.test", user=teacher if channel == "in_app" else None,
            next_attempt_at=now, sent_at=now if status == "sent" else None, **extra,
        )
        Message.objects.filter(pk=message.pk).update(created_at=now - timedelta(days=age_days))

    row("old-sent", age_days=100)
    row("old-failed", age_days=100, status="failed")
    row("old-pending", age_days=100, status="pending")  # still waiting: never purged
    row("recent-sent", age_days=10)
    row("old-notice", age_days=200, channel="in_app")
    row("younger-notice", age_days=100, channel="in_app")
    AttendanceInterval.objects.create(occurrence=occurrence, attendee=sari, instance="x",
                                      joined_at=now - timedelta(days=400), last_seen_at=now - timedelta(days=400),
                                      left_at=now - timedelta(days=400))
    AuditEntry.objects.create(occurrence=occurrence, action="admit", subject=sari)
    ChatMessage.objects.create(occurrence=occurrence, attendee=sari, text="old line")
    AuditEntry.objects.update(at=now - timedelta(days=400))
    ChatMessage.objects.update(sent_at=now - timedelta(days=400))

    assert tasks.purge() == {"emails": 2, "notices": 1}
    assert set(Message.objects.values_list("idempotency_key", flat=True)) == {
        "old-pending", "recent-sent", "younger-notice"}
    assert AttendanceInterval.objects.count() == 1 and AuditEntry.objects.count() == 1
    assert ChatMessage.objects.count() == 1
    assert tasks.purge() == {"emails": 0, "notices": 0}
