"""The audience (issue 19) against a real Daphne: listen-only members are counted, not listed; a
moderator pages through them, promotes one to speaker and back; nobody else ever sees them listed."""

import asyncio
import json

import pytest
from asgiref.sync import sync_to_async
from django.db import connections

from rooms.presence import apply_diff, apply_state
from tests.rooms.factories import make_room, session_cookie_for
from tests.support.client import connect

pytestmark = pytest.mark.e2e

LISTENERS = 30


@pytest.fixture(autouse=True)
async def close_db_thread():
    yield
    await sync_to_async(connections.close_all)()


class Peer:
    """A protocol client keeping the participant list and the audience count, and every frame."""

    def __init__(self, ws):
        self.ws, self.people, self.seq, self.frames = ws, apply_state([]), 0, []

    @classmethod
    async def join(cls, server, room, attendee):
        cookie = await sync_to_async(session_cookie_for)(attendee)
        return cls(await connect(server.ws_url, f"/ws/rooms/{room.id}/", cookie=cookie))

    async def next(self, timeout=15):
        frame = json.loads(await asyncio.wait_for(self.ws.recv(), timeout))
        self.frames.append(frame)
        if frame["type"] == "presence.state":
            self.people, self.seq = apply_state(frame["participants"], frame["audience"]), frame["seq"]
        elif frame["type"] == "presence.diff" and frame["seq"] == self.seq + 1:
            self.seq = frame["seq"]
            apply_diff(self.people, frame)
        elif frame["type"] == "presence.diff" and frame["seq"] > self.seq + 1:
            await self.send({"type": "presence.sync"})
        return frame

    async def until(self, check, timeout=20):
        async def wait():
            while not check():
                await self.next()

        await asyncio.wait_for(wait(), timeout)

    async def reply(self, message_type, timeout=20):
        async def wait():
            while (frame := await self.next())["type"] != message_type:
                pass
            return frame

        return await asyncio.wait_for(wait(), timeout)

    async def send(self, message):
        await self.ws.send(json.dumps(message))

    def names(self):
        return {p["name"] for p in self.people.values()}


def listed_names(frames):
    """Every participant name any presence frame listed."""
    names = set()
    for frame in frames:
        for key in ("participants", "joins", "leaves", "updates"):
            names.update(p["name"] for p in frame.get(key, ()))
    return names


async def test_the_audience_is_counted_paged_by_moderators_and_promoted(daphne_factory):
    server = await asyncio.to_thread(daphne_factory)
    names = ["Ani"] + [f"Pendengar {index:02d}" for index in range(LISTENERS)]
    room = await sync_to_async(make_room)(people=names, roles=["participant"] + ["audience"] * LISTENERS)
    ani, listeners = room.people[0], room.people[1:]
    moderator = await Peer.join(server, room, room.host)
    speaker = await Peer.join(server, room, ani)
    await speaker.until(lambda: {"Host", "Ani"} <= speaker.names())

    # A storm of listeners: each gets the participants (not the audience) and the count.
    audience = await asyncio.gather(*(Peer.join(server, room, listener) for listener in listeners))
    await asyncio.gather(*(peer.reply("presence.state") for peer in audience))
    for peer in (moderator, speaker, audience[0]):
        await peer.until(lambda peer=peer: peer.people.audience == LISTENERS)
        assert peer.names() == {"Host", "Ani"}
    assert all(peer.frames[0]["type"] == "hello" for peer in audience)
    assert not {name for name in listed_names(speaker.frames) if name.startswith("Pendengar")}
    assert all(not listed_names(peer.frames) - {"Host", "Ani"} for peer in audience)

    # Moderators page through the audience; nobody else may.
    await moderator.send({"type": "audience.list", "offset": 0, "limit": 20})
    first = await moderator.reply("audience.page")
    await moderator.send({"type": "audience.list", "offset": 20, "limit": 20})
    second = await moderator.reply("audience.page")
    assert first["total"] == second["total"] == LISTENERS and (first["offset"], second["offset"]) == (0, 20)
    paged = [p["name"] for p in first["participants"] + second["participants"]]
    assert sorted(paged) == sorted(names[1:]) and len(first["participants"]) == 20
    assert all(p["status"] == "present" for p in first["participants"])
    await moderator.send({"type": "audience.list", "offset": -1, "limit": 500})
    assert (await moderator.reply("error"))["code"] == "invalid"
    for peer in (speaker, audience[1]):
        await peer.send({"type": "audience.list", "offset": 0, "limit": 20})
        assert (await peer.reply("error"))["code"] == "forbidden"
        assert not any(frame["type"] == "audience.page" for frame in peer.frames)

    # A listener promoted to speaker is listed and may talk; demoted, counted and silent again.
    promoted = audience[0]
    await promoted.send({"type": "chat.send", "text": "Boleh bicara?"})
    assert (await promoted.reply("error"))["code"] == "forbidden"
    await moderator.send({"type": "audience.promote", "participant": str(listeners[0].pk)})
    await promoted.reply("audience.promoted")
    await speaker.until(lambda: "Pendengar 00" in speaker.names() and speaker.people.audience == LISTENERS - 1)
    await promoted.send({"type": "chat.send", "text": "Terima kasih, Yang Mulia"})
    assert (await speaker.reply("chat.message"))["from"]["name"] == "Pendengar 00"
    await moderator.send({"type": "audience.promote", "participant": str(listeners[0].pk)})
    assert (await moderator.reply("error"))["code"] == "invalid"  # a speaker already
    await moderator.send({"type": "audience.demote", "participant": str(listeners[0].pk)})
    await promoted.reply("audience.demoted")
    await speaker.until(lambda: "Pendengar 00" not in speaker.names() and speaker.people.audience == LISTENERS)
    await promoted.send({"type": "chat.send", "text": "Sekali lagi"})
    assert (await promoted.reply("error"))["code"] == "forbidden"
    await moderator.send({"type": "audience.promote", "participant": str(ani.pk)})
    assert (await moderator.reply("error"))["code"] == "invalid"  # not a listener
    await speaker.send({"type": "audience.promote", "participant": str(listeners[1].pk)})
    assert (await speaker.reply("error"))["code"] == "forbidden"

    # Listeners leaving change the count only.
    for peer in audience[:10]:
        await peer.ws.close()
    await speaker.until(lambda: speaker.people.audience == LISTENERS - 10)
    assert speaker.names() == {"Host", "Ani"}
    for peer in (moderator, speaker, *audience[10:]):
        await peer.ws.close()


def lecture_class(students: int, *, lecture: bool = True):
    """A class whose teacher chose "students listen (large lecture)", with a meeting about to start."""
    from datetime import timedelta

    from django.contrib.auth import get_user_model
    from django.utils import timezone

    from classrooms import services
    from scheduling.models import Attendee

    teacher = get_user_model().objects.create_user(username=f"dosen{students}{lecture}", password="x",
                                                   email=f"dosen{students}{lecture}@example.org")
    school = services.school_create(name=f"Universitas {students}{lecture}", timezone="Asia/Makassar", by=None,
                                    admins=[teacher])
    today = timezone.localdate()
    classroom = services.classroom_create(
        school=school, by=teacher, name="Kuliah Umum", term_start=today - timedelta(days=7),
        term_end=today + timedelta(days=60), size_limit=students + 5, lecture_audience=lecture,
    )
    for index in range(students):
        services.enrollment_add(classroom=classroom, by=teacher, name=f"Mahasiswa {index:02d}",
                                email=f"mhs{index}-{lecture}@example.org")
    start = timezone.now() + timedelta(minutes=2)
    event = services.meeting_add(classroom=classroom, by=teacher, start=start, end=start + timedelta(minutes=60))
    seats = list(Attendee.objects.filter(event=event).select_related("user").order_by("name"))
    return event.occurrences.get(), next(a for a in seats if a.role == "teacher"), [
        a for a in seats if a.role == "student"
    ]


async def test_a_large_lecture_seats_students_in_the_audience_and_the_teacher_lets_one_ask(daphne_factory):
    from rooms.models import AttendanceInterval

    server = await asyncio.to_thread(daphne_factory)
    occurrence, teacher_seat, students = await sync_to_async(lecture_class)(6)
    room = type("Room", (), {"id": occurrence.pk})
    teacher = await Peer.join(server, room, teacher_seat)
    await teacher.reply("presence.state")
    await teacher.send({"type": "room.set_status", "status": "open"})
    await teacher.reply("room.status")

    peers = await asyncio.gather(*(Peer.join(server, room, student) for student in students))
    await asyncio.gather(*(peer.reply("presence.state") for peer in peers))
    await teacher.until(lambda: teacher.people.audience == len(students))
    for peer in (teacher, peers[0]):
        await peer.until(lambda peer=peer: peer.people.audience == len(students))
        assert peer.names() == {teacher_seat.name}  # students are counted, not listed
    assert not listed_names(peers[0].frames) - {teacher_seat.name}

    # A listening student may not chat, nor page through or promote the audience.
    ani = peers[0]
    for message in ({"type": "chat.send", "text": "Pak?"}, {"type": "audience.list"},
                    {"type": "audience.promote", "participant": str(students[1].pk)},
                    {"type": "audience.demote", "participant": str(students[1].pk)}):
        await ani.send(message)
        assert (await ani.reply("error"))["code"] == "forbidden"

    # The teacher finds a student by name; the page says when each came in (their attendance).
    async def search(query):
        await teacher.send({"type": "audience.list", "offset": 0, "limit": 10, "query": query})
        return await teacher.reply("audience.page")

    found = await search("mahasiswa 00")
    for _attempt in range(50):
        if found["participants"] and "joined_at" in found["participants"][0]:
            break
        await asyncio.sleep(0.1)  # attendance is written in batches, within a moment
        found = await search("mahasiswa 00")
    assert (found["total"], found["matches"], found["query"]) == (len(students), 1, "mahasiswa 00")
    assert [p["name"] for p in found["participants"]] == ["Mahasiswa 00"] and found["participants"][0]["joined_at"]
    everyone = await search("")
    assert everyone["matches"] == len(students) and len(everyone["participants"]) == len(students)
    await teacher.send({"type": "audience.list", "query": "x" * 101})
    assert (await teacher.reply("error"))["code"] == "invalid"

    # Promoted to ask a question: listed, may chat; sent back: counted and silent again.
    await teacher.send({"type": "audience.promote", "participant": str(students[0].pk)})
    await ani.reply("audience.promoted")
    await teacher.until(lambda: "Mahasiswa 00" in teacher.names() and teacher.people.audience == len(students) - 1)
    await ani.send({"type": "chat.send", "text": "Pak, apa itu fotosintesis?"})
    assert (await teacher.reply("chat.message"))["from"]["name"] == "Mahasiswa 00"
    await ani.send({"type": "hand.raise"})
    await teacher.until(lambda: teacher.people.get(str(students[0].pk), {}).get("hand_raised") is True)
    await teacher.send({"type": "audience.demote", "participant": str(students[0].pk)})
    await ani.reply("audience.demoted")
    await teacher.until(lambda: "Mahasiswa 00" not in teacher.names() and teacher.people.audience == len(students))
    await ani.send({"type": "chat.send", "text": "Sekali lagi"})
    assert (await ani.reply("error"))["code"] == "forbidden"
    await teacher.send({"type": "audience.promote", "participant": str(teacher_seat.pk)})
    assert (await teacher.reply("error"))["code"] == "invalid"  # a teacher never listens only

    # Listening is attending: every student's stay is recorded.
    attended = await sync_to_async(
        lambda: set(AttendanceInterval.objects.filter(occurrence=occurrence).values_list("attendee_id", flat=True))
    )()
    assert {student.pk for student in students} <= attended
    for peer in (teacher, *peers):
        await peer.ws.close()


async def test_without_the_lecture_setting_students_are_listed(daphne_factory):
    server = await asyncio.to_thread(daphne_factory)
    occurrence, teacher_seat, students = await sync_to_async(lecture_class)(2, lecture=False)
    room = type("Room", (), {"id": occurrence.pk})
    teacher = await Peer.join(server, room, teacher_seat)
    await teacher.reply("presence.state")
    await teacher.send({"type": "room.set_status", "status": "open"})
    await teacher.reply("room.status")
    peers = [await Peer.join(server, room, student) for student in students]
    await teacher.until(lambda: {"Mahasiswa 00", "Mahasiswa 01"} <= teacher.names())
    assert teacher.people.audience == 0
    await peers[0].send({"type": "chat.send", "text": "Halo"})
    assert (await teacher.reply("chat.message"))["from"]["name"] == "Mahasiswa 00"
    for peer in (teacher, *peers):
        await peer.ws.close()
