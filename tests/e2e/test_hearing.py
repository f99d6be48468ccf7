"""A whole hearing over WebSockets against a real Daphne: the clerk opens the lobby, the parties
wait, the session cannot start until the judge and the clerk are present, the bench admits the
parties (the witness alone: the interpreter only when admitted too, on purpose), recesses, resumes
and adjourns to a date; the public docket follows live, and the status log and the next hearing
say exactly that. A closed hearing refuses an observer (4403)."""

import asyncio
import http.cookiejar
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

from hearings import services
from hearings.models import CaseType, Hearing, Role
from notifications.models import Message
from scheduling import services as scheduling
from tests.support.client import connect, receive_json, receive_until, session_cookie

pytestmark = pytest.mark.e2e
PASSWORD = "a-long-test-password"
SECRET = "Rahasia Tertutupsari"


@pytest.fixture(autouse=True)
async def _close_thread_connections():
    """The database work above ran in asgiref's shared thread: close its connection, so that the
    test database can be dropped at the end of the run (PostgreSQL refuses while one is open)."""
    yield
    await sync_to_async(connections.close_all)()


def build_court():
    users = get_user_model().objects
    clerk = users.create_user(username="panitera", password=PASSWORD, email="panitera@example.org",
                              first_name="Sari", last_name="Panitera")
    judge = users.create_user(username="hakim", password=PASSWORD, email="hakim@example.org",
                              first_name="Rahmat", last_name="Hakim")
    court = services.court_create(name="PN Uji", slug="pn-uji")
    services.court_member_add(court=court, user=clerk, role="clerk")
    services.court_member_add(court=court, user=judge, role="judge")
    case = services.case_create(court=court, number="12/Pid.B/2026/PN Uji", case_type=CaseType.CRIMINAL,
                                parties="Penuntut Umum v. Joko", by=clerk)
    hearing = services.hearing_schedule(
        case=case, start=timezone.now() + timedelta(minutes=2), duration=timedelta(hours=1), courtroom="Ruang 1",
        agenda="Pemeriksaan saksi", by=clerk, presiding_judge=services.person_for(judge), observer_capacity=5,
    )
    add = services.participant_add
    add(hearing=hearing, role=Role.PROSECUTOR, by=clerk, person=services.Person("Bambang", "jaksa@example.org"))
    defendant = add(hearing=hearing, role=Role.DEFENDANT, by=clerk, person=services.Person("Joko", "joko@example.org"))
    add(hearing=hearing, role=Role.COUNSEL, by=clerk, represents=defendant,
        person=services.Person("Maria", "maria@example.org"))
    witness = add(hearing=hearing, role=Role.WITNESS, by=clerk, person=services.Person("Li Wei", "li@example.org"))
    add(hearing=hearing, role=Role.INTERPRETER, by=clerk, interprets_for=witness,
        person=services.Person("Fransiska", "fransiska@example.org"))
    closed_case = services.case_create(court=court, number="3/Pdt.G/2026/PN Uji", case_type=CaseType.CIVIL,
                                       parties=f"{SECRET} v. Diam", by=clerk)
    closed = services.hearing_schedule(
        case=closed_case, start=timezone.now() + timedelta(minutes=2), duration=timedelta(hours=1),
        courtroom="Ruang 2", agenda="Mediasi", by=clerk,
        presiding_judge=services.Person("Hakim Dua", "dua@example.org"),
        is_public=False, allow_conflicts=True,
    )
    add(hearing=closed, role=Role.PLAINTIFF, by=clerk, person=services.Person(SECRET, "rahasia@example.org"),
        allow_conflicts=True)
    # Someone slipping an observer seat past the hearings app: the room itself must refuse it.
    intruder = scheduling.attendee_add(event=closed.event, name="Penonton", role=Role.OBSERVER, notify=False)
    seats = {p.role: p.attendee for p in hearing.participants.select_related("attendee")}
    return hearing, seats, intruder.join_path


def observer_cookie(base_url: str, observer_path: str, name: str) -> str:
    """Fill in the public observer form as a browser would; return the session cookie."""
    jar = http.cookiejar.CookieJar()
    opener = urllib.request.build_opener(urllib.request.HTTPCookieProcessor(jar))
    with opener.open(f"{base_url}{observer_path}", timeout=10) as response:
        token = re.search(r'name="csrfmiddlewaretoken" value="([^"]+)"', response.read().decode()).group(1)
    data = urllib.parse.urlencode({"name": name, "csrfmiddlewaretoken": token}).encode()
    request = urllib.request.Request(f"{base_url}{observer_path}", data=data,
                                     headers={"Referer": f"{base_url}{observer_path}"})
    with opener.open(request, timeout=10) as response:
        assert "/rooms/" in response.url
    return "; ".join(f"{cookie.name}={cookie.value}" for cookie in jar)


class Browser:
    """A signed-in clerk's browser: a cookie jar and the login form."""

    def __init__(self, base_url: str):
        self.base_url = base_url
        self.opener = urllib.request.build_opener(urllib.request.HTTPCookieProcessor(http.cookiejar.CookieJar()))

    def get(self, path: str) -> str:
        with self.opener.open(f"{self.base_url}{path}", timeout=10) as response:
            return response.read().decode()

    def login(self, username: str) -> None:
        token = re.search(r'name="csrfmiddlewaretoken" value="([^"]+)"', self.get("/accounts/login/")).group(1)
        data = urllib.parse.urlencode({"username": username, "password": PASSWORD, "csrfmiddlewaretoken": token})
        request = urllib.request.Request(f"{self.base_url}/accounts/login/", data=data.encode(),
                                         headers={"Referer": f"{self.base_url}/accounts/login/"})
        with self.opener.open(request, timeout=10) as response:
            assert "/accounts/login/" not in response.url, "login failed"


def dashboard_row(page: str, hearing_id) -> str:
    return re.search(rf'<tr data-hearing="{hearing_id}">(.*?)</tr>', page, re.S).group(1)


def fetch(url: str) -> str:
    with urllib.request.urlopen(url, timeout=10) as response:
        return response.read().decode()


async def docket_status(ws, case_number: str, status: str) -> dict:
    """Read docket updates until the hearing shows ``status``."""
    while True:
        message = await receive_until(ws, "docket.state")
        assert SECRET not in json.dumps(message)
        entry = next(e for e in message["docket"]["hearings"] if e["case_number"] == case_number)
        if entry.get("status") == status:
            return entry


async def status_until(ws, status: str) -> dict:
    while True:
        message = await receive_until(ws, "room.status")
        if message["status"] == status:
            return message


async def send(ws, **message):
    await ws.send(json.dumps(message))


async def test_a_whole_hearing(daphne_server):
    hearing, seats, intruder_path = await sync_to_async(build_court)()
    base, ws_url = daphne_server.base_url, daphne_server.ws_url
    room = f"/ws/rooms/{hearing.occurrence_id}/"
    number = hearing.case.number

    docket = await connect(ws_url, "/ws/docket/pn-uji/")  # the public, no login
    first = await receive_until(docket, "docket.state")
    assert SECRET not in json.dumps(first)
    assert [e for e in first["docket"]["hearings"] if e["closed"]] == [
        {k: e[k] for k in ("start", "time", "zone", "case_number", "closed")}
        for e in first["docket"]["hearings"] if e["closed"]
    ]

    # The bench and the clerk sign in before following their links: a link alone never moderates.
    accounts = {Role.CLERK: ("panitera", PASSWORD), Role.PRESIDING_JUDGE: ("hakim", PASSWORD)}
    cookies = {}
    for role, attendee in seats.items():
        cookies[role] = await asyncio.to_thread(session_cookie, base, attendee.join_path, login=accounts.get(role))

    clerk = await connect(ws_url, room, cookie=cookies[Role.CLERK])
    hello = await receive_until(clerk, "hello")
    assert hello["you"]["moderator"] is True and hello["room"]["kind"] == "hearing"
    assert hello["room"]["status"] == "scheduled"
    await send(clerk, type="room.set_status", status="open", reason="")
    assert (await receive_until(clerk, "room.status"))["status"] == "open"
    await docket_status(docket, number, "open")

    # Everyone but the bench and the clerk waits.
    parties, yours = {}, {}
    for role in (Role.PROSECUTOR, Role.DEFENDANT, Role.COUNSEL, Role.WITNESS, Role.INTERPRETER):
        ws = await connect(ws_url, room, cookie=cookies[role])
        you = yours[role] = (await receive_until(ws, "hello"))["you"]
        assert you["status"] == "waiting" and you["moderator"] is False
        await receive_until(ws, "lobby.waiting")
        parties[role] = ws
    # Who interprets for whom travels with the participant (the clerk's page shows it).
    witness_id, interpreter_id = str(seats[Role.WITNESS].pk), str(seats[Role.INTERPRETER].pk)
    assert yours[Role.INTERPRETER]["accompanies"] == {"id": witness_id, "name": "Li Wei"}
    assert yours[Role.WITNESS]["companions"] == [{"id": interpreter_id, "name": "Fransiska"}]
    assert "accompanies" not in yours[Role.DEFENDANT] and "companions" not in yours[Role.DEFENDANT]

    # The clerk's dashboard shows who waits.
    browser = Browser(base)
    await asyncio.to_thread(browser.login, "panitera")
    row = dashboard_row(await asyncio.to_thread(browser.get, "/hearings/"), hearing.pk)
    waiting_cell = row.split("<td>")[-1]
    assert "Joko" not in row.split("<td>")[-2]
    assert all(name in waiting_cell for name in ("Joko", "Maria", "Li Wei", "Fransiska", "Bambang"))
    assert "Lobby open" in row and 'class="badge warn missing">Missing: Presiding judge</span>' in row

    # The judge is not there yet: the clerk is told who is missing.
    await send(clerk, type="room.set_status", status="in_session", reason="")
    refused = await receive_until(clerk, "error")
    assert refused["code"] == "invalid"
    assert "Presiding judge" in refused["message"] and "Clerk" not in refused["message"]

    judge = await connect(ws_url, room, cookie=cookies[Role.PRESIDING_JUDGE])
    you = (await receive_until(judge, "hello"))["you"]
    assert you["status"] == "present" and you["moderator"] is True

    async def start_session():
        """Presence reaches the store asynchronously: retry the start until the judge counts."""
        for _ in range(50):
            await send(clerk, type="room.set_status", status="in_session", reason="")
            while True:
                message = await receive_json(clerk)
                if message["type"] in ("room.status", "error"):
                    break
            if message["type"] == "room.status":
                return message
            await asyncio.sleep(0.2)
        raise AssertionError("the session never started")

    assert (await start_session())["status"] == "in_session"
    await docket_status(docket, number, "in_session")

    # The judge admits the parties; admitting the witness admits the witness only.
    for role in (Role.PROSECUTOR, Role.DEFENDANT, Role.COUNSEL, Role.WITNESS):
        await send(judge, type="lobby.admit", participant=str(seats[role].pk))
        await receive_until(parties[role], "lobby.admitted")
    interpreter = parties[Role.INTERPRETER]
    await send(interpreter, type="presence.sync")  # answered in order: still in the lobby
    assert (await receive_until(interpreter, "error"))["code"] == "forbidden"
    # The lobby is never emptied at once in a hearing; the interpreter is admitted on purpose.
    await send(judge, type="lobby.admit_all")
    assert (await receive_until(judge, "error"))["code"] == "invalid"
    await send(judge, type="lobby.admit_all", participants=[str(seats[Role.INTERPRETER].pk)])
    await receive_until(interpreter, "lobby.admitted")
    await send(parties[Role.DEFENDANT], type="chat.send", text="Hadir, Yang Mulia.")
    assert (await receive_until(judge, "chat.message"))["text"] == "Hadir, Yang Mulia."

    # A member of the public follows the observer link: waits, is admitted, may only listen.
    observer_path = f"/hearings/observe/{hearing.observer_token}/"
    cookie = await asyncio.to_thread(observer_cookie, base, observer_path, "Warga")
    observer_ws = await connect(ws_url, room, cookie=cookie)
    observer_you = (await receive_until(observer_ws, "hello"))["you"]
    assert observer_you["status"] == "waiting" and observer_you["name"] == "Warga"
    await send(clerk, type="lobby.admit", participant=observer_you["id"])
    await receive_until(observer_ws, "lobby.admitted")
    await send(observer_ws, type="chat.send", text="Halo")
    assert (await receive_until(observer_ws, "error"))["code"] == "forbidden"
    await send(observer_ws, type="signal", to=str(seats[Role.PRESIDING_JUDGE].pk), data={"sdp": "x"})
    assert (await receive_until(observer_ws, "error"))["code"] == "forbidden"
    row = dashboard_row(await asyncio.to_thread(browser.get, "/hearings/"), hearing.pk)
    present_cell = row.split("<td>")[-2]
    # An admitted observer is the hearing's audience (issue 19): counted in the room, not listed.
    assert all(name in present_cell for name in ("Joko", "Sari Panitera", "Rahmat Hakim"))
    assert "Warga" not in present_cell

    # A closed hearing refuses observers at the door.
    intruder_cookie = await asyncio.to_thread(session_cookie, base, intruder_path)
    closed = await sync_to_async(lambda: Hearing.objects.get(is_public=False))()
    intruder = await connect(ws_url, f"/ws/rooms/{closed.occurrence_id}/", cookie=intruder_cookie)
    with pytest.raises(Exception) as closed_exc:
        await receive_json(intruder)
    assert getattr(closed_exc.value, "rcvd", None) is not None and closed_exc.value.rcvd.code == 4403

    await send(judge, type="room.set_status", status="recess", reason="Istirahat")
    await status_until(parties[Role.DEFENDANT], "recess")
    await docket_status(docket, number, "recess")
    await send(judge, type="room.set_status", status="in_session", reason="")
    await status_until(parties[Role.DEFENDANT], "in_session")
    await docket_status(docket, number, "in_session")

    # Adjourning needs a reason and a future date; then the room closes for everyone.
    await send(judge, type="room.set_status", status="adjourned", reason="", next_at=None)
    assert (await receive_until(judge, "error"))["code"] == "invalid"
    next_at = (timezone.now() + timedelta(days=7)).replace(microsecond=0)
    await send(judge, type="room.set_status", status="adjourned", reason="Mendengar saksi ahli",
               next_at=next_at.isoformat())
    adjourned = await status_until(parties[Role.WITNESS], "adjourned")
    assert adjourned["status"] == "adjourned" and adjourned["reason"] == "Mendengar saksi ahli"
    entry = await docket_status(docket, number, "adjourned")
    assert entry["reason"] == "Mendengar saksi ahli" and entry["next_at"] == next_at.isoformat()
    for ws in [clerk, judge, observer_ws, *parties.values()]:
        await ws.close()
    await docket.close()

    page = await asyncio.to_thread(fetch, f"{base}/docket/pn-uji/")
    assert "Adjourned" in page and "Mendengar saksi ahli" in page and SECRET not in page
    assert next_at.astimezone(timezone.get_fixed_timezone(7 * 60)).strftime("%Y-%m-%d %H:%M") in page

    def check_records():
        hearing.refresh_from_db()
        log = [(e.previous, e.status, e.by_role, e.reason) for e in hearing.status_log.all()]
        assert log == [
            ("scheduled", "open", "clerk", ""),
            ("open", "in_session", "clerk", ""),
            ("in_session", "recess", "presiding_judge", "Istirahat"),
            ("recess", "in_session", "presiding_judge", ""),
            ("in_session", "adjourned", "presiding_judge", "Mendengar saksi ahli"),
        ]
        assert hearing.started_at is not None and hearing.ended_at >= hearing.started_at
        following = hearing.next_hearing
        assert following.occurrence.start == next_at and following.status == "scheduled"
        assert following.agenda == "Mendengar saksi ahli"
        old = sorted((p.role, p.attendee.name) for p in hearing.participants.exclude(role=Role.OBSERVER))
        new = sorted((p.role, p.attendee.name) for p in following.participants.all())
        assert new == old
        invited = set(Message.objects.filter(event=following.event, kind="invite", channel="email")
                      .values_list("email", flat=True))
        assert invited == {p.attendee.email for p in following.participants.all()}

    await sync_to_async(check_records)()

    # The printable record: every participant with join and leave times, and the status log.
    record = await asyncio.to_thread(browser.get, f"/hearings/{hearing.pk}/record/")
    assert "Mendengar saksi ahli" in record and "Istirahat" in record
    # Times carry their zone's label (config.templatetags.hadir.moment_text): "09:01:05 WIB".
    rows = re.findall(r"<tr><td>([^<]+)</td><td>[^<]+.*?</td>\s*<td>(\d\d:\d\d:\d\d) WIB</td><td>([^<]+)</td>",
                      record, re.S)
    attended = {name for name, _joined, _left in rows}
    assert {"Joko", "Maria", "Li Wei", "Fransiska", "Bambang", "Warga", "Sari Panitera", "Rahmat Hakim"} <= attended
