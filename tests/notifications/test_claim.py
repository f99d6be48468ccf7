"""Concurrent workers never claim the same row (SKIP LOCKED on PostgreSQL, conditional UPDATE on SQLite)."""

import threading
from datetime import timedelta

from django.conf import settings
from django.db import connection
from django.utils import timezone

from notifications import delivery
from notifications.models import Message
from tests.notifications import factories


def test_concurrent_claims_split_the_rows_without_overlap(transactional_db):
    owner = factories.user("owner")
    now = timezone.now()
    Message.objects.bulk_create(
        Message(
            idempotency_key=f"test:{i}",
            channel="in_app",
            kind="notice",
            user=owner,
            subject=f"n{i}",
            next_attempt_at=now,
        )
        for i in range(300)
    )
    claimed: list[list[int]] = []
    lock = threading.Lock()
    start = threading.Barrier(4)

    def worker():
        try:
            start.wait()
            while batch := delivery.claim(limit=20):
                with lock:
                    claimed.append([message.pk for message in batch])
        finally:
            connection.close()

    threads = [threading.Thread(target=worker) for _ in range(4)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(120)
    ids = [pk for batch in claimed for pk in batch]
    assert len(ids) == len(set(ids)) == 300
    assert Message.objects.filter(status=Message.Status.SENDING, attempts=1).count() == 300

    # A lease that ran out is claimed again (its worker died); a live one is not.
    assert delivery.claim(now=timezone.now()) == []
    again = delivery.claim(now=timezone.now() + timedelta(seconds=settings.HADIR_NOTIFY_LEASE_SECONDS + 1), limit=500)
    assert len(again) == 300 and {message.attempts for message in again} == {2}
