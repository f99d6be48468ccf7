"""A whole class meeting over WebSockets against a real Daphne: the teacher opens the room,
students join, one leaves early, one never comes; the dashboard counts them live, and the
attendance page and CSV say exactly that."""

import asyncio
import csv
import http.cookiejar
import io
import json
import re
import urllib.parse
import urllib.request
from datetime import timedelta

import pytest
from asgiref.sync import sync_to_async
from django.contrib.auth import get_user_model
from django.db import connections
from django.utils import timezone

from classrooms import services
from rooms.models import AttendanceInterval
from scheduling.models import Attendee
from tests.support.client import connect, receive_until, session_cookie

pytestmark = pytest.mark.e2e
PASSWORD = "a-long-test-password"
STUDENTS = {
    "Ani": "ani@example.org",
    "Budi": "budi@example.org",
    "Citra": "citra@example.org",
    "Dodi": "dodi@example.org",
}


@pytest.fixture(autouse=True)
async def close_thread_connections():
    """The ORM calls below run in asgiref's worker thread: close its connection, or PostgreSQL
    cannot drop the test database."""
    yield
    await sync_to_async(connections.close_all)()


def build_class():
    teacher = get_user_model().objects.create_user(username="guru", password=PASSWORD, email="guru@example.org")
    school = services.school_create(name="SMP 3", timezone="Asia/Jakarta", by=None, admins=[teacher])
    today = timezone.localdate()
    classroom = services.classroom_create(
        school=school,
        by=teacher,
        name="VIII-A",
        subject="IPA",
        term_start=today - timedelta(days=7),
        term_end=today + timedelta(days=60),
        left_early_minutes=0,
    )
    for name, email in STUDENTS.items():
        services.enrollment_add(classroom=classroom, by=teacher, name=name, email=email)
    start = timezone.now() + timedelta(minutes=2)
    event = services.meeting_add(classroom=classroom, by=teacher, start=start, end=start + timedelta(minutes=60))
    occurrence = event.occurrences.get()
    links = {attendee.name: attendee.join_path for attendee in Attendee.objects.filter(event=event)}
    return classroom, occurrence, links


class Browser:
    """A logged-in teacher's browser: a cookie jar and CSRF-aware form posts."""

    def __init__(self, base_url: str):
        self.base_url = base_url
        self.jar = http.cookiejar.CookieJar()
        self.opener = urllib.request.build_opener(urllib.request.HTTPCookieProcessor(self.jar))

    def get(self, path: str) -> tuple[int, str, str]:
        with self.opener.open(f"{self.base_url}{path}", timeout=10) as response:
            return response.status, response.headers.get("Content-Type", ""), response.read().decode()

    def login(self, username: str, password: str) -> None:
        _status, _type, page = self.get("/accounts/login/")
        token = re.search(r'name="csrfmiddlewaretoken" value="([^"]+)"', page).group(1)
        data = urllib.parse.urlencode(
            {"username": username, "password": password, "csrfmiddlewaretoken": token}
        ).encode()
        request = urllib.request.Request(
            f"{self.base_url}/accounts/login/",
            data=data,
            headers={"Referer": f"{self.base_url}/accounts/login/"},
        )
        with self.opener.open(request, timeout=10) as response:
            assert "/accounts/login/" not in response.url, "login failed"


async def closed_interval(attendee_name: str, occurrence, timeout: float = 10.0):
    """Wait until the server has recorded this person's leaving."""

    def check():
        return AttendanceInterval.objects.filter(
            occurrence=occurrence, attendee__name=attendee_name, left_at__isnull=True
        ).exists()

    deadline = asyncio.get_running_loop().time() + timeout
    while await sync_to_async(check)():
        assert asyncio.get_running_loop().time() < deadline, f"{attendee_name}'s leaving was never recorded"
        await asyncio.sleep(0.1)


async def test_a_whole_class_meeting(daphne_server):
    classroom, occurrence, links = await sync_to_async(build_class)()
    room_path = f"/ws/rooms/{occurrence.pk}/"
    # Each person follows their own join link (the calendar link), which sets the session cookie;
    # the teacher signs in first, since a link alone never moderates.
    cookies = {}
    for name in ("guru", "Ani", "Budi", "Citra"):
        login = ("guru", PASSWORD) if name == "guru" else None
        cookies[name] = await asyncio.to_thread(session_cookie, daphne_server.base_url, links[name], login=login)

    teacher_ws = await connect(daphne_server.ws_url, room_path, cookie=cookies["guru"])
    hello = await receive_until(teacher_ws, "hello")
    assert hello["you"]["moderator"] is True and hello["room"]["kind"] == "class"
    assert hello["room"]["status"] == "scheduled"
    await teacher_ws.send('{"type": "room.set_status", "status": "open", "reason": ""}')
    assert (await receive_until(teacher_ws, "room.status"))["status"] == "open"

    students = {}
    for name in ("Ani", "Budi", "Citra"):
        ws = await connect(daphne_server.ws_url, room_path, cookie=cookies[name])
        you = (await receive_until(ws, "hello"))["you"]
        assert you["status"] == "present" and you["role"] == "student" and you["moderator"] is False
        await receive_until(ws, "presence.state")  # entered directly, no lobby
        students[name] = ws

    await teacher_ws.send('{"type": "room.set_status", "status": "live", "reason": ""}')
    assert (await receive_until(teacher_ws, "room.status"))["status"] == "live"

    browser = Browser(daphne_server.base_url)
    await asyncio.to_thread(browser.login, "guru", PASSWORD)
    _status, _type, dashboard = await asyncio.to_thread(browser.get, "/classrooms/")
    assert re.search(r'<span class="count" data-occurrence="[^"]+">3 / 4</span>', dashboard), dashboard
    _status, _type, cards = await asyncio.to_thread(browser.get, "/api/classrooms/dashboard/")
    (card,) = json.loads(cards)
    assert (card["present"], card["expected"], card["status"]) == (3, 4, "live")

    # Citra leaves early; the server records it before the teacher ends the class.
    await students["Citra"].close()
    await closed_interval("Citra", occurrence)
    await teacher_ws.send('{"type": "room.set_status", "status": "ended", "reason": ""}')
    assert (await receive_until(teacher_ws, "room.status"))["status"] == "ended"
    for name in ("Ani", "Budi"):
        await closed_interval(name, occurrence)
    for ws in [teacher_ws, *students.values()]:
        await ws.close()

    status, content_type, body = await asyncio.to_thread(
        browser.get, f"/classrooms/{classroom.pk}/meetings/{occurrence.pk}/attendance.csv"
    )
    assert status == 200 and content_type.startswith("text/csv")
    assert body.startswith("\ufeff")  # the byte-order mark Excel needs (config.exports)
    rows = list(csv.DictReader(io.StringIO(body.removeprefix("\ufeff"))))
    assert list(rows[0]) == ["name", "email", "status", "first_join", "last_leave", "minutes"]
    assert {row["name"]: row["status"] for row in rows} == {
        "Ani": "present",
        "Budi": "present",
        "Citra": "left_early",
        "Dodi": "absent",
    }
    for row in rows:
        assert row["email"] == STUDENTS[row["name"]]
        if row["name"] == "Dodi":
            assert (row["first_join"], row["last_leave"], row["minutes"]) == ("", "", "0")
        else:
            assert row["first_join"].endswith("+07:00") and row["last_leave"].endswith("+07:00")

    _status, _type, page = await asyncio.to_thread(browser.get, f"/classrooms/{classroom.pk}/meetings/{occurrence.pk}/")
    shown = {name: status for status, name in re.findall(r'<tr data-status="(\w+)"><td>(\w+)</td>', page)}
    assert shown == {"Ani": "present", "Budi": "present", "Citra": "left_early", "Dodi": "absent"}
    assert "Left early" in page and "Absent" in page


def add_guest(occurrence):
    from scheduling import services as scheduling

    return scheduling.attendee_add(event=occurrence.event, name="Tamu", email="tamu@example.org", notify=False)


async def test_students_wait_until_the_room_opens_and_guests_wait_for_a_teacher(daphne_server):
    _classroom, occurrence, links = await sync_to_async(build_class)()
    guest = await sync_to_async(add_guest)(occurrence)
    room_path = f"/ws/rooms/{occurrence.pk}/"
    cookie = {}
    for name, link in (("guru", links["guru"]), ("Ani", links["Ani"]), ("Tamu", guest.join_path)):
        login = ("guru", PASSWORD) if name == "guru" else None  # a teacher moderates signed in
        cookie[name] = await asyncio.to_thread(session_cookie, daphne_server.base_url, link, login=login)

    early = await connect(daphne_server.ws_url, room_path, cookie=cookie["Ani"])
    assert (await receive_until(early, "hello"))["you"]["status"] == "waiting"
    await receive_until(early, "lobby.waiting")

    teacher = await connect(daphne_server.ws_url, room_path, cookie=cookie["guru"])
    await receive_until(teacher, "hello")
    await teacher.send('{"type": "room.set_status", "status": "open", "reason": ""}')
    await receive_until(teacher, "room.status")
    # The student who came early is let in when the room opens.
    await receive_until(early, "lobby.admitted")
    # Once open, a student who comes in enters directly...
    student = await connect(daphne_server.ws_url, room_path, cookie=cookie["Ani"])
    assert (await receive_until(student, "hello"))["you"]["status"] == "present"
    # ...while a guest who is not on the roster waits until a teacher admits them.
    visitor = await connect(daphne_server.ws_url, room_path, cookie=cookie["Tamu"])
    assert (await receive_until(visitor, "hello"))["you"]["status"] == "waiting"
    await receive_until(visitor, "lobby.waiting")
    await teacher.send(f'{{"type": "lobby.admit", "participant": "{guest.pk}"}}')
    await receive_until(visitor, "lobby.admitted")
    for ws in (early, teacher, student, visitor):
        await ws.close()
