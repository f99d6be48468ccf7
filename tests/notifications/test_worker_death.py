"""A worker killed in the middle of a batch: every message still arrives, exactly once per Message-ID.

The worker (a real ``manage.py qcluster``) is SIGKILLed while the SMTP server holds its reply to
the 10th message: the server has that message, the worker never learns it. After the lease runs
out the tick sends what the dead worker had claimed; the 10th goes again with the same
Message-ID (at-least-once with a stable Message-ID, see ``notifications.delivery``), so the
server holds 31 envelopes but 30 distinct messages, one per key, and every row is sent.
"""

import os
import signal
import subprocess
import sys
import time

import pytest
from django.conf import settings

from notifications import tasks
from notifications.mime import message_id_for
from notifications.models import Message
from tests.notifications import factories
from tests.support import daphne as daphne_support

COUNT = 30
STALL_AT = 10
LEASE_SECONDS = 2


def _worker(tmp_path, smtp_server) -> subprocess.Popen:
    env = {
        **os.environ,
        "DJANGO_SETTINGS_MODULE": "config.settings",
        "DEBUG": "1",
        "DATABASE_URL": daphne_support.test_database_url(),
        "EMAIL_HOST": smtp_server.host,
        "EMAIL_PORT": str(smtp_server.port),
        "HADIR_NOTIFY_LEASE_SECONDS": str(LEASE_SECONDS),
        "HADIR_WORKERS": "1",
        "HADIR_QUEUE_NAME": settings.Q_CLUSTER["name"],
        "PYTHONUNBUFFERED": "1",
    }
    if settings.REDIS_URL:
        env["REDIS_URL"] = settings.REDIS_URL
    log = open(tmp_path / "qcluster.log", "ab")
    return subprocess.Popen(
        [sys.executable, "manage.py", "qcluster"],
        cwd=daphne_support.ROOT,
        env=env,
        stdout=log,
        stderr=subprocess.STDOUT,
        start_new_session=True,
    )


@pytest.mark.e2e
def test_worker_killed_mid_batch_every_message_arrives_once(transactional_db, smtp_server, tmp_path):
    teacher = factories.user("teacher", email="teacher@example.test")
    people = [{"name": f"S{i}", "email": f"s{i}@example.test"} for i in range(COUNT)]
    smtp_server.handler.stall_at = STALL_AT
    event = factories.meeting(teacher, people=people)  # commits: the delivery task is queued
    keys = set(Message.objects.filter(event=event, channel="email").values_list("idempotency_key", flat=True))
    assert len(keys) == COUNT

    worker = _worker(tmp_path, smtp_server)
    try:
        assert smtp_server.handler.stalled.wait(90), (tmp_path / "qcluster.log").read_text()[-3000:]
        os.killpg(worker.pid, signal.SIGKILL)
        worker.wait(10)
    finally:
        if worker.poll() is None:
            os.killpg(worker.pid, signal.SIGKILL)
    smtp_server.handler.release.set()
    assert len(smtp_server.received) == STALL_AT
    in_doubt = Message.objects.filter(event=event, status=Message.Status.SENDING).count()
    assert in_doubt == COUNT - (STALL_AT - 1)  # claimed by the dead worker, not yet known as sent

    time.sleep(LEASE_SECONDS + 0.5)
    tasks.tick()  # what the every-minute schedule does

    received = smtp_server.wait_for(COUNT + 1)
    assert len(received) == COUNT + 1
    distinct = smtp_server.distinct()
    assert set(distinct) == {message_id_for(key) for key in keys}
    assert sorted(item.rcpt_tos[0] for item in distinct.values()) == sorted(p["email"] for p in people)
    repeated = [item.message_id for item in received]
    assert [mid for mid in set(repeated) if repeated.count(mid) > 1] == [received[STALL_AT - 1].message_id]
    assert set(Message.objects.filter(event=event, channel="email").values_list("status", flat=True)) == {"sent"}
    tasks.tick()
    assert len(smtp_server.received) == COUNT + 1
