"""Issue 16's "done when", against a real Daphne: a class meeting ends, two students answer (one
anonymously), the teacher sees the averages and both comments (one without a name); a member of
the public sends a correction to the court, staff answer and publish it, the public list shows it;
the statistics JSON for a seeded week gives the figures computed from the seeded status logs; the
docket's live progress changes when a hearing starts late."""

import asyncio
import json
import re
import zoneinfo
from datetime import datetime, time, timedelta

import pytest
from asgiref.sync import sync_to_async
from django.contrib.auth import get_user_model
from django.db import connections
from django.utils import timezone

from classrooms import services as classrooms
from feedback.models import Submission
from hearings import services as hearings
from hearings.models import CaseType, CourtMembership, Role, Status
from notifications.models import Message
from scheduling.models import Attendee
from tests.classrooms.conftest import clock_at
from tests.hearings.test_open_figures import expected_from_the_logs
from tests.support.client import Browser, connect, receive_json, receive_until, session_cookie

pytestmark = pytest.mark.e2e
PASSWORD = "a-long-test-password"
ZONE = zoneinfo.ZoneInfo("Asia/Jakarta")


@pytest.fixture(autouse=True)
async def close_thread_connections():
    yield
    await sync_to_async(connections.close_all)()


def user(username, **extra):
    return get_user_model().objects.create_user(username=username, password=PASSWORD,
                                                email=f"{username}@example.org", **extra)


def build_class():
    teacher = user("guru")
    school = classrooms.school_create(name="SMP 3", timezone="Asia/Jakarta", by=None, admins=[teacher])
    today = timezone.localdate()
    classroom = classrooms.classroom_create(school=school, by=teacher, name="VIII-A", term_start=today,
                                            term_end=today + timedelta(days=60))
    for name in ("Ani", "Budi"):
        classrooms.enrollment_add(classroom=classroom, by=teacher, name=name, email=f"{name.lower()}@example.org")
    start = timezone.now() + timedelta(minutes=2)
    occurrence = classrooms.meeting_add(classroom=classroom, by=teacher, start=start,
                                        end=start + timedelta(minutes=60)).occurrences.get()
    return occurrence, {a.name: a.join_path for a in Attendee.objects.filter(event=occurrence.event)}


def build_court():
    clerk, judge = user("panitera"), user("hakim")
    court = hearings.court_create(name="PN Contoh", slug="pn-contoh")
    hearings.court_member_add(court=court, user=clerk, role=CourtMembership.Role.CLERK)
    hearings.court_member_add(court=court, user=judge, role=CourtMembership.Role.JUDGE)
    case = hearings.case_create(court=court, number="3/Pid.B/2026", case_type=CaseType.CRIMINAL,
                                parties="PU v. Terdakwa", by=clerk)
    # Due 20 minutes ago (booked, as if, an hour before that), not started yet.
    due = (timezone.now() - timedelta(minutes=20)).replace(second=0, microsecond=0)
    with clock_at(due - timedelta(hours=1)):
        late = hearings.hearing_schedule(case=case, start=due, duration=timedelta(hours=2), courtroom="Ruang Cakra",
                                         agenda="Dakwaan", by=clerk, presiding_judge=hearings.person_for(judge),
                                         allow_conflicts=True)
    seats = {p.role: p.attendee.join_path for p in late.participants.select_related("attendee")}
    return court, case, late, seats


def seed_week(court, case, everyone_present):
    """Ten days ahead: one hearing 12 minutes late and concluded, one 3 minutes late and adjourned."""
    clerk = get_user_model().objects.get(username="panitera")
    judge = get_user_model().objects.get(username="hakim")
    day = timezone.localdate() + timedelta(days=10)
    starts = [datetime.combine(day, time(9), tzinfo=ZONE), datetime.combine(day, time(13), tzinfo=ZONE)]
    for index, (start, late_by, outcome) in enumerate(((starts[0], 12, Status.CONCLUDED),
                                                       (starts[1], 3, Status.ADJOURNED))):
        hearing = hearings.hearing_schedule(case=case, start=start, duration=timedelta(hours=1),
                                            courtroom=f"Ruang {index}", agenda="Saksi", by=clerk,
                                            presiding_judge=hearings.person_for(judge), allow_conflicts=True)
        for status, at in ((Status.OPEN, start), (Status.IN_SESSION, start + timedelta(minutes=late_by)),
                           (outcome, start + timedelta(minutes=40))):
            with clock_at(at), everyone_present():
                hearings.hearing_status_set(hearing=hearing, status=status, by=clerk, reason="Saksi",
                                            next_at=start + timedelta(days=40 + index))
    return day


def present_everyone():
    """The room's presence as rooms would report it (this process only: seeding happens here)."""
    from contextlib import contextmanager
    from unittest import mock

    @contextmanager
    def patched():
        with mock.patch("rooms.selectors.present_attendees",
                        lambda occurrence: list(occurrence.event.attendees.filter(removed_at__isnull=True))):
            yield

    return patched


async def test_feedback_loop_end_to_end(daphne_server):
    base, ws_url = daphne_server.base_url, daphne_server.ws_url

    # 1. A class meeting ends; both students who came are asked, and answer (Budi anonymously).
    occurrence, links = await sync_to_async(build_class)()
    room = f"/ws/rooms/{occurrence.pk}/"
    cookies = {name: await asyncio.to_thread(session_cookie, base, links[name],
                                             login=("guru", PASSWORD) if name == "guru" else None)
               for name in ("guru", "Ani", "Budi")}
    teacher = await connect(ws_url, room, cookie=cookies["guru"])
    await receive_until(teacher, "hello")
    await teacher.send('{"type": "room.set_status", "status": "open", "reason": ""}')
    await receive_until(teacher, "room.status")
    students = []
    for name in ("Ani", "Budi"):
        ws = await connect(ws_url, room, cookie=cookies[name])
        await receive_until(ws, "presence.state")
        students.append(ws)
    await asyncio.sleep(1.5)  # the hub writes attendance in batches
    await teacher.send('{"type": "room.set_status", "status": "ended", "reason": ""}')
    await receive_until(teacher, "room.status")
    for ws in [teacher, *students]:
        await ws.close()

    def asked():
        return {m.name: m.body_text for m in Message.objects.filter(kind=Message.Kind.FEEDBACK)}

    for _ in range(50):
        mails = await sync_to_async(asked)()
        if len(mails) == 2:
            break
        await asyncio.sleep(0.2)
    assert set(mails) == {"Ani", "Budi"}
    answers = {"Ani": {"rating": "5", "connection": "4", "comment": "Penjelasannya jelas"},
               "Budi": {"rating": "3", "comment": "Suara putus-putus", "anonymous": "on"}}
    for name, answer in answers.items():
        link = re.search(r"http\S+/feedback/\S+", mails[name]).group(0)
        path = link.split(base, 1)[1]
        browser = Browser(base)
        assert 'name="rating"' in await asyncio.to_thread(browser.get, path)
        assert await asyncio.to_thread(browser.post, path, answer) == 200
    guru = Browser(base)
    await asyncio.to_thread(guru.login, "guru", PASSWORD)
    summary = json.loads(await asyncio.to_thread(guru.get, f"/api/events/{occurrence.event_id}/feedback/"))
    assert (summary["count"], summary["average_rating"], summary["average_connection"]) == (2, 4.0, 4.0)
    assert sorted((c["text"], c["name"]) for c in summary["comments"]) == [
        ("Penjelasannya jelas", "Ani"), ("Suara putus-putus", None)]

    # 2. The public writes a correction to the court; staff answer and publish it; the public list shows it.
    court, case, late, seats = await sync_to_async(build_court)()
    citizen = Browser(base)
    await asyncio.to_thread(citizen.get, f"/courts/{court.slug}/feedback/")
    text = "Nama ruang sidang di docket hari ini salah ketik."
    assert await asyncio.to_thread(citizen.post, f"/courts/{court.slug}/feedback/",
                                   {"kind": "correction", "text": text}) == 200
    reference = (await sync_to_async(Submission.objects.get)()).reference
    clerk = Browser(base)
    await asyncio.to_thread(clerk.login, "panitera", PASSWORD)
    decide = f"/courts/{court.slug}/feedback/inbox/{reference}/"
    await asyncio.to_thread(clerk.post, decide, {"action": "answer", "answer": "Sudah dibetulkan, terima kasih."})
    await asyncio.to_thread(clerk.post, decide, {"action": "publish"})
    public = await asyncio.to_thread(Browser(base).get, f"/courts/{court.slug}/feedback/public/")
    assert text in public and "Sudah dibetulkan, terima kasih." in public and reference in public

    # 3. The statistics JSON for a seeded week: the figures worked out from its status logs.
    day = await sync_to_async(seed_week)(court, case, present_everyone())
    week = f"from={day}&to={day + timedelta(days=6)}"
    figures = json.loads(await asyncio.to_thread(Browser(base).get, f"/courts/{court.slug}/statistics.json?{week}"))
    want = await sync_to_async(expected_from_the_logs)(court, day, day)
    assert figures["hearings"]["held"] == want["held"] == 2
    assert figures["median_start_delay_minutes"] == want["median"] == 7.5
    assert figures["on_time_rate"] == want["on_time"] == 0.5
    assert figures["average_duration_minutes"] == want["duration"]
    assert figures["hearings"]["concluded"] == want["outcomes"]["concluded"] == 1
    assert figures["hearings"]["adjourned"] == want["outcomes"]["adjourned"] == 1

    # 4. The docket's live progress changes when the hearing due 20 minutes ago starts now.
    docket = await connect(ws_url, f"/ws/docket/{court.slug}/")
    before = (await receive_json(docket))["docket"]["progress"]
    assert before["held"] == 0 and before["to_come"] == 1 and before["in_session"] == []
    bench = {}
    for role, login in ((Role.CLERK, "panitera"), (Role.PRESIDING_JUDGE, "hakim")):
        cookie = await asyncio.to_thread(session_cookie, base, seats[role], login=(login, PASSWORD))
        bench[role] = await connect(ws_url, f"/ws/rooms/{late.occurrence_id}/", cookie=cookie)
        await receive_until(bench[role], "hello")
    for status in (Status.OPEN, Status.IN_SESSION):
        await bench[Role.CLERK].send(json.dumps({"type": "room.set_status", "status": status, "reason": ""}))
        await receive_until(bench[Role.CLERK], "room.status")
    progress = None
    for _ in range(5):
        progress = (await receive_until(docket, "docket.state"))["docket"]["progress"]
        if progress["held"]:
            break
    assert progress["held"] == 1 and progress["to_come"] == 0
    assert progress["in_session"][0]["courtroom"] == "Ruang Cakra"
    assert progress["median_delay_minutes"] >= 20
    for ws in [docket, *bench.values()]:
        await ws.close()
