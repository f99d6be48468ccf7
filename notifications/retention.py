"""What the outbox forgets, and when (a daily django-q2 schedule: ``notifications.tasks.purge``).

E-mail rows that are done with (delivered, superseded, given up) go after
``HADIR_RETENTION_OUTBOX_DAYS``; in-app notices after ``HADIR_RETENTION_NOTICES_DAYS``. A row still
waiting or being sent is never purged. Records are not touched here or anywhere by default:
attendance, room audit logs, chat, hearings and their status logs, short-notice findings.
"""

from datetime import timedelta

from django.conf import settings
from django.db import transaction
from django.utils import timezone

from notifications.models import Message

DONE = [Message.Status.SENT, Message.Status.SUPERSEDED, Message.Status.FAILED]


@transaction.atomic
def outbox_purge(*, now=None) -> dict[str, int]:
    """Delete the outbox rows past their retention; the counts of each kind deleted."""
    now = now or timezone.now()
    emails = Message.objects.filter(
        channel=Message.Channel.EMAIL, status__in=DONE,
        created_at__lt=now - timedelta(days=settings.HADIR_RETENTION_OUTBOX_DAYS),
    )
    notices = Message.objects.filter(
        channel=Message.Channel.IN_APP, status__in=DONE,
        created_at__lt=now - timedelta(days=settings.HADIR_RETENTION_NOTICES_DAYS),
    )
    return {"emails": emails.delete()[0], "notices": notices.delete()[0]}
