"""Back up and restore (issue 14): a copy taken while Hadir runs, restored into an empty database
and served by a real Daphne process, keeps join links, calendar feeds and attendance working."""

import csv
import io
import os
import subprocess
import sys
import urllib.error
import uuid
from datetime import timedelta

import pytest
from django.core.management import call_command
from django.core.management.base import CommandError
from django.db import connection
from django.utils import timezone

from rooms import services as room_services
from scheduling import services as scheduling
from scheduling.models import Attendee
from tests.classrooms.conftest import PASSWORD, classroom, past_meeting, people, school  # noqa: F401
from tests.notifications import factories
from tests.support import daphne as daphne_support
from tests.support.client import Browser

pytestmark = pytest.mark.django_db(transaction=True)


def empty_database(tmp_path) -> tuple[str, callable]:
    """A new, empty database of the kind under test: its URL, and how to drop it."""
    if connection.vendor == "sqlite":
        return f"sqlite:///{tmp_path / 'restored.sqlite3'}", lambda: None
    name = f"{connection.settings_dict['NAME']}_restored"
    with connection.cursor() as cursor:
        cursor.execute(f'DROP DATABASE IF EXISTS "{name}"')
        cursor.execute(f'CREATE DATABASE "{name}"')

    def drop():
        with connection.cursor() as cursor:
            cursor.execute(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)')

    return daphne_support.test_database_url().rsplit("/", 1)[0] + f"/{name}", drop


def manage(*args, database_url: str) -> subprocess.CompletedProcess:
    env = {"DJANGO_SETTINGS_MODULE": "tests.settings", "DEBUG": "1", "DATABASE_URL": database_url}
    return subprocess.run([sys.executable, "manage.py", *args], cwd=daphne_support.ROOT, env={**os.environ, **env},
                          capture_output=True, text=True, timeout=300)


def test_a_restored_copy_keeps_links_feeds_and_attendance(classroom, people, daphne_factory, tmp_path):  # noqa: F811
    teacher, student = people["teacher"], people["student"]
    start = (timezone.now() - timedelta(days=1)).replace(second=0, microsecond=0)
    meeting = past_meeting(classroom, teacher, start=start)
    budi = Attendee.objects.get(event=meeting.event, user=student)
    interval_id = uuid.uuid4()
    room_services.attendance_record(instance="a", opened=[(interval_id, meeting.pk, budi.pk, start)])
    room_services.attendance_record(instance="a", closed=[(interval_id, start + timedelta(minutes=80))])
    guest_event = factories.meeting(teacher, people=[{"name": "Tamu", "email": "tamu@example.test"}], title="Rapat")
    guest = Attendee.objects.get(event=guest_event, email="tamu@example.test")
    feed = scheduling.calendar_feed_for(email="tamu@example.test")

    copy = tmp_path / "hadir.backup"
    out = io.StringIO()
    call_command("backup", output=copy, stdout=out)
    assert copy.is_file() and copy.stat().st_size > 0 and "backup:" in out.getvalue()
    with pytest.raises(CommandError, match="exists already"):
        call_command("backup", output=copy)

    url, drop = empty_database(tmp_path)
    try:
        done = manage("restore", str(copy), database_url=url)
        assert done.returncode == 0, done.stderr
        again = manage("restore", str(copy), database_url=url)
        assert again.returncode == 1 and "not empty" in again.stderr  # never over a database with tables
        assert manage("migrate", "--check", database_url=url).returncode == 0

        server = daphne_factory(DATABASE_URL=url)
        visitor = Browser(server.base_url)
        assert "/rooms/" in visitor.opener.open(f"{server.base_url}{guest.join_path}", timeout=10).url
        calendar = visitor.get(f"/calendar/{feed.token}.ics")
        assert calendar.startswith("BEGIN:VCALENDAR") and "Rapat" in calendar
        with pytest.raises(urllib.error.HTTPError):
            visitor.get(f"/join/{guest.join_token[:-2]}xx/")
        school_teacher = Browser(server.base_url)
        school_teacher.login(teacher.username, PASSWORD)
        rows = list(csv.reader(io.StringIO(school_teacher.get(
            f"/classrooms/{classroom.pk}/meetings/{meeting.pk}/attendance.csv"))))
        budi_row = next(row for row in rows if "Budi" in " ".join(row))
        print("CSV", rows)
        assert any(cell.strip() in {"80", "present", "Present", "hadir"} for cell in budi_row), budi_row
    finally:
        drop()
