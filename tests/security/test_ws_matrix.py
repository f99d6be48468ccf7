"""The WebSocket matrix: every route, and every client message of the room socket, per role.

Against a real Daphne, with `websockets` clients carrying the sessions that browsers would have.
A refused message gets an ``error`` frame with code ``forbidden`` (or the socket is closed with a
PROTOCOL.md close code); an allowed one gets no ``error`` frame at all. Whether a message drew an
error is read up to the answer to a probe sent right behind it (a message of an unknown type, always
answered ``unknown_type``): a socket answers its messages in order.

The room is a public hearing whose room is open (it starts in a minute), status "scheduled":

- ``moderator``: the clerk, signed in with their account;
- ``admitted``: the defendant (no account), entered with their join link and let in from the lobby;
- ``waiting``: a witness (no account), entered with their join link, still in the lobby;
- ``observer``: a member of the public in an observer's place (listen-only), let in;
- ``judge_seat``: a browser whose session holds the presiding judge's seat (a moderator's) by the
  link alone, not signed in: it never moderates, and waits like any guest;
- ``judge_link``: a browser that opened the judge's join link, not signed in: sent to log in, so the
  socket has nobody to seat (closed).
"""

from __future__ import annotations

import asyncio
import json
from datetime import timedelta

import pytest
import websockets
from asgiref.sync import sync_to_async
from django.contrib.auth import get_user_model
from django.contrib.sessions.backends.db import SessionStore
from django.db import connections
from django.test import Client
from django.utils import timezone

from hearings import observers as hearing_observers
from hearings import services as hearings
from hearings.models import CaseType, Court, CourtMembership, Role
from rooms.consumers import HANDLERS
from rooms.sessions import remember_attendee
from scheduling import services as scheduling
from tests.support.client import connect, session_cookie

pytestmark = pytest.mark.e2e

PROBE = "probe.unknown"
SECRET = "Rahasia Tertutupsari"  # the closed case's party: never on the public docket
ROOM = "ws/rooms/<str:occurrence_id>/"

# Who connects to which socket, and what they get: the first frame's type, or a close code.
CONNECTS = [
    ("ws/healthz/", "/ws/healthz/", "anonymous", "health"),
    ("ws/healthz/", "/ws/healthz/", "signed_in", "health"),
    ("ws/notifications/", "/ws/notifications/", "anonymous", 4401),
    ("ws/notifications/", "/ws/notifications/", "link_only", 4401),
    ("ws/notifications/", "/ws/notifications/", "signed_in", "notice.hello"),
    ("ws/docket/<slug:court_slug>/", "/ws/docket/{court}/", "anonymous", "docket.state"),
    ("ws/docket/<slug:court_slug>/", "/ws/docket/{court}/", "signed_in", "docket.state"),
    # No such court: the handshake is refused (an HTTP 403), or the socket closed with 4404.
    ("ws/docket/<slug:court_slug>/", "/ws/docket/no-such-court/", "anonymous", (403, 4404)),
    ("", "/ws/no-such-socket/", "anonymous", 4404),  # the catch-all: any path no app serves
    (ROOM, "/ws/rooms/{room}/", "anonymous", 4401),
    (ROOM, "/ws/rooms/{room}/", "link_only", (4401, 4403)),  # the link of another event's attendee
    (ROOM, "/ws/rooms/{room}/", "signed_in", 4403),  # an account not invited to this hearing
    (ROOM, "/ws/rooms/{room}/", "judge_link", (4401, 4403)),
    (ROOM, "/ws/rooms/{room}/", "rotated", (4401, 4403)),  # entered with a link replaced since
    (ROOM, "/ws/rooms/{closed_room}/", "observer", (4401, 4403)),  # the public hearing's observer
]

# Messages on the sockets other than the room's: who may send them. The docket is read-only.
OTHER_MESSAGES = [
    ("ws/notifications/", "/ws/notifications/", {"type": "notice.read", "ids": None}, {"signed_in"}),
    ("ws/docket/<slug:court_slug>/", "/ws/docket/{court}/", {"type": "chat.send", "text": "hi"}, set()),
]

ROOM_ROLES = ("moderator", "admitted", "waiting", "observer", "judge_seat", "judge_link")
MODERATOR_ONLY = {"moderator"}
TAKING_PART = {"moderator", "admitted"}
# Every client message type of the room socket (rooms.consumers.HANDLERS): the roles it is allowed to.
ROOM_MESSAGES = {
    "heartbeat": {"moderator", "admitted", "waiting", "observer", "judge_seat"},
    "presence.sync": {"moderator", "admitted", "observer"},
    "chat.send": TAKING_PART,
    "hand.raise": TAKING_PART,
    "hand.lower": TAKING_PART,
    "signal": TAKING_PART,
    "media.state": TAKING_PART,
    "lobby.admit": MODERATOR_ONLY,
    "lobby.admit_all": MODERATOR_ONLY,
    "lobby.deny": MODERATOR_ONLY,
    "media.mute_request": MODERATOR_ONLY,
    "room.set_status": MODERATOR_ONLY,
    # Janus (issue 20): a listen-only observer gets a ticket that only receives.
    "media.ticket": {"moderator", "admitted", "observer"},
    "media.mute": MODERATOR_ONLY,
    # Low-bandwidth mode: whoever may receive media may ask for one mixed stream instead.
    "media.audio_only": {"moderator", "admitted", "observer"},
    # Its connection quality (issue 20): whoever is let in, listeners too (they receive media).
    "media.quality": {"moderator", "admitted", "observer"},
    "media.record": MODERATOR_ONLY,  # the court allows recording here
    # The audience (issue 19): its members are paged to moderators only, who promote a listener
    # (the observer) to speaker and back.
    "audience.list": MODERATOR_ONLY,
    "audience.promote": MODERATOR_ONLY,
    "audience.demote": MODERATOR_ONLY,
}

WS_ROUTES = {route for route, *_rest in CONNECTS}


def room_message(message_type: str, role: str, ids: dict) -> dict:
    """A well-formed message of each type, so that an allowed one draws no error at all."""
    other = ids["admitted"] if role == "moderator" else ids["moderator"]
    return {
        "heartbeat": {},
        "presence.sync": {},
        "chat.send": {"text": f"Salam dari {role}"},
        "hand.raise": {},
        "hand.lower": {},
        "signal": {"to": other, "data": {"sdp": "offer"}},
        "media.state": {"media": False, "camera": False, "microphone": False},
        "lobby.admit": {"participant": ids["admitted"]},
        "lobby.admit_all": {"participants": [ids["admitted"]]},
        "lobby.deny": {"participant": ids["denied"], "reason": "Bukan pihak"},
        "media.mute_request": {"participant": other},
        "media.ticket": {},
        "media.mute": {"participant": other, "mute": True},
        "media.audio_only": {"on": False},
        "media.quality": {"level": "fair"},
        "media.record": {"on": False},
        "room.set_status": {"status": "open", "reason": ""},
        "audience.list": {"offset": 0, "limit": 10},
        "audience.promote": {"participant": ids["observer"]},
        "audience.demote": {"participant": ids["observer"]},
    }[message_type] | {"type": message_type}


# The moderator's order: let the defendant in first (the admitted one's messages and the signal
# need them in the room), change the status last.
MODERATOR_ORDER = ["lobby.admit", "lobby.admit_all", "lobby.deny", "audience.list", "audience.promote",
                   "audience.demote", "heartbeat", "presence.sync", "chat.send", "hand.raise", "hand.lower", "signal",
                   "media.state", "media.mute_request", "media.ticket", "media.mute", "media.audio_only",
                   "media.quality", "media.record",
                   "room.set_status"]


def test_every_room_message_type_has_a_row():
    assert set(ROOM_MESSAGES) == set(HANDLERS), (
        f"room message types without a row: {sorted(set(HANDLERS) - set(ROOM_MESSAGES))}; "
        f"rows for types that do not exist: {sorted(set(ROOM_MESSAGES) - set(HANDLERS))}"
    )
    assert set(MODERATOR_ORDER) == set(ROOM_MESSAGES)
    assert all(roles <= set(ROOM_ROLES) for roles in ROOM_MESSAGES.values())


# ---------------------------------------------------------------------------------------------
# The world and the browsers.


def _world() -> dict:
    users = {name: get_user_model().objects.create_user(name, f"{name}@example.org", "pw-" + name)
             for name in ("clerk", "judge", "outsider")}
    court = hearings.court_create(name="PN Contoh", slug="pn-contoh")
    Court.objects.filter(pk=court.pk).update(allow_recording=True)
    hearings.court_member_add(court=court, user=users["clerk"], role=CourtMembership.Role.CLERK)
    hearings.court_member_add(court=court, user=users["judge"], role=CourtMembership.Role.JUDGE)

    def hearing(number, *, is_public, minutes):
        case = hearings.case_create(court=court, number=number, case_type=CaseType.CRIMINAL, by=users["clerk"],
                                    parties=f"Penuntut Umum v. {'Terbuka' if is_public else SECRET}")
        return hearings.hearing_schedule(
            case=case, start=timezone.now() + timedelta(minutes=minutes), duration=timedelta(hours=2),
            courtroom=f"Ruang {number}", agenda="Pemeriksaan saksi", by=users["clerk"], is_public=is_public,
            presiding_judge=hearings.person_for(users["judge"]), allow_conflicts=True,
        )

    public = hearing("1/Pid.B/2026", is_public=True, minutes=1)
    closed = hearing("2/Pid.B/2026", is_public=False, minutes=3)

    def seat(role, name, target=public):
        return hearings.participant_add(hearing=target, role=role, by=users["clerk"],
                                        person=hearings.Person(name, f"{name.lower()}@example.org")).attendee

    seats = {
        "admitted": seat(Role.DEFENDANT, "Terdakwa"),
        "waiting": seat(Role.WITNESS, "Saksi"),
        "denied": seat(Role.EXPERT, "Ahli"),
        "other_event": seat(Role.DEFENDANT, "Lain", closed),
        "rotated": seat(Role.WITNESS, "Saksilama"),
        "observer": _observer(public),
        "judge": public.participants.get(role=Role.PRESIDING_JUDGE).attendee,
        "clerk": public.participants.get(role=Role.CLERK).attendee,
    }
    return {"users": users, "public": public, "closed": closed, "seats": seats, "court": court.slug}


def _observer(hearing):
    """A member of the public takes a place through the observer link (its browser session)."""
    session = SessionStore()
    session.create()
    return hearing_observers.observer_join(hearing=hearing, name="Warga", session_key=session.session_key,
                                  client_address="127.0.0.1")


def _signed_in(user) -> str:
    client = Client()
    client.force_login(user)
    return f"sessionid={client.cookies['sessionid'].value}"


def _link_session(attendee) -> str:
    """The session a browser has after following ``attendee``'s join link (made directly)."""
    session = SessionStore()
    remember_attendee(session, attendee)
    session.save()
    return f"sessionid={session.session_key}"


class Socket:
    def __init__(self, ws, first):
        self.ws, self.first = ws, first

    @classmethod
    async def open(cls, server, path: str, cookie: str = "") -> Socket | int:
        """The socket and its first frame, or the close code it got instead."""
        try:
            ws = await connect(server.ws_url, path, cookie=cookie)
        except websockets.InvalidStatus as exc:
            return exc.response.status_code
        try:
            first = json.loads(await asyncio.wait_for(ws.recv(), 10))
        except websockets.ConnectionClosed as exc:
            return exc.rcvd.code if exc.rcvd else 1006
        return cls(ws, first)

    async def until(self, message_type: str, timeout: float = 10) -> dict:
        while True:
            frame = json.loads(await asyncio.wait_for(self.ws.recv(), timeout))
            if frame["type"] == message_type:
                return frame

    async def answer(self, message: dict, *, probe: bool = True) -> list[str] | int:
        """The error codes the message drew (empty: allowed), or the close code if the socket closed.

        Without ``probe`` (a socket that refuses every message alike), the first error, or none
        within a second."""
        await asyncio.sleep(0.06)  # well inside the per-socket rate limit
        try:
            await self.ws.send(json.dumps(message))
            if probe:
                await self.ws.send(json.dumps({"type": PROBE}))
            codes = []
            while True:
                try:
                    frame = json.loads(await asyncio.wait_for(self.ws.recv(), 10 if probe else 1))
                except TimeoutError:
                    if probe:
                        raise
                    return codes
                if frame["type"] == "error" and (frame["code"] == "unknown_type" and probe):
                    return codes
                if frame["type"] == "error":
                    codes.append(frame["code"])
                    if not probe:
                        return codes
        except websockets.ConnectionClosed as exc:
            return exc.rcvd.code if exc.rcvd else 1006


def refused(answer) -> bool:
    return answer == ["forbidden"] or answer in (4401, 4403)


@pytest.fixture(autouse=True)
async def close_db_thread():
    yield
    await sync_to_async(connections.close_all)()


# ---------------------------------------------------------------------------------------------
# The room: every message type, every role.


@pytest.fixture
def janus_env(tmp_path):
    """The room's media server (issue 20), so that the media messages allowed draw no error."""
    from tests.support.janus import JanusProcess

    janus = JanusProcess(tmp_path / "janus").start()
    yield janus.settings()
    janus.stop()


async def test_room_messages_by_role(daphne_factory, janus_env):
    server = daphne_factory(**janus_env)
    world = await sync_to_async(_world)()
    seats, room = world["seats"], f"/ws/rooms/{world['public'].occurrence_id}/"
    ids = {role: str(seats[role].pk) for role in ("admitted", "denied", "observer")} | {
        "moderator": str(seats["clerk"].pk)}
    cookies = {
        "moderator": await sync_to_async(_signed_in)(world["users"]["clerk"]),
        "admitted": await asyncio.to_thread(session_cookie, server.base_url, seats["admitted"].join_path),
        "waiting": await asyncio.to_thread(session_cookie, server.base_url, seats["waiting"].join_path),
        "denied": await asyncio.to_thread(session_cookie, server.base_url, seats["denied"].join_path),
        "observer": await sync_to_async(_link_session)(seats["observer"]),
        "judge_seat": await sync_to_async(_link_session)(seats["judge"]),
        "judge_link": await asyncio.to_thread(session_cookie, server.base_url, seats["judge"].join_path),
    }
    sockets = {role: await Socket.open(server, room, cookies[role]) for role in cookies}
    failures = []
    for role, socket in sockets.items():
        if role == "judge_link":
            continue
        if not isinstance(socket, Socket) or socket.first["type"] != "hello":
            failures.append(f"{role}: no hello ({socket if isinstance(socket, int) else socket.first})")
        elif socket.first["you"]["moderator"] != (role == "moderator"):
            failures.append(f"{role}: hello says moderator={socket.first['you']['moderator']}")
    assert not failures, "\n".join(failures)

    def check(role, message_type, answer):
        allowed = role in ROOM_MESSAGES[message_type]
        if allowed and answer != []:
            failures.append(f"{message_type} by {role}: allowed, yet answered {answer}")
        if not allowed and not refused(answer):
            failures.append(f"{message_type} by {role}: must be refused (forbidden), answered {answer}")

    # In the lobby: nobody is let in yet.
    for role in ("waiting", "judge_seat"):
        for message_type in ROOM_MESSAGES:
            check(role, message_type, await sockets[role].answer(room_message(message_type, role, ids)))
    judge_link = sockets["judge_link"]
    for message_type in ROOM_MESSAGES:
        answer = judge_link if isinstance(judge_link, int) else await judge_link.answer(
            room_message(message_type, "judge_link", ids))
        check("judge_link", message_type, answer)

    # The moderator lets the defendant and the observer in, refuses the expert, and the rest.
    moderator = sockets["moderator"]
    assert await moderator.answer({"type": "lobby.admit", "participant": str(seats["observer"].pk)}) == []
    for message_type in MODERATOR_ORDER:
        check("moderator", message_type, await moderator.answer(room_message(message_type, "moderator", ids)))
        if message_type == "lobby.admit":
            await sockets["admitted"].until("presence.state")
            await sockets["observer"].until("presence.state")

    # Let in: a party takes part, an observer only listens; neither moderates.
    for role in ("admitted", "observer"):
        for message_type in ROOM_MESSAGES:
            check(role, message_type, await sockets[role].answer(room_message(message_type, role, ids)))
    for socket in sockets.values():
        if isinstance(socket, Socket):
            await socket.ws.close()
    assert not failures, "room messages:\n" + "\n".join(failures)


# ---------------------------------------------------------------------------------------------
# Who may open which socket, and the other sockets' messages.


async def test_who_opens_which_socket(daphne_server):
    server = daphne_server
    world = await sync_to_async(_world)()
    seats = world["seats"]
    cookies = {
        "anonymous": "",
        "signed_in": await sync_to_async(_signed_in)(world["users"]["outsider"]),
        "link_only": await asyncio.to_thread(session_cookie, server.base_url, seats["other_event"].join_path),
        "judge_link": await asyncio.to_thread(session_cookie, server.base_url, seats["judge"].join_path),
        "observer": await sync_to_async(_link_session)(seats["observer"]),
        "rotated": await asyncio.to_thread(session_cookie, server.base_url, seats["rotated"].join_path),
    }
    await sync_to_async(scheduling.attendee_token_rotate)(attendee=seats["rotated"], by=world["users"]["clerk"])
    values = {"court": world["court"], "room": world["public"].occurrence_id,
              "closed_room": world["closed"].occurrence_id}
    failures = []
    for route, path, who, expected in CONNECTS:
        url = path.format(**values)
        socket = await Socket.open(server, url, cookies[who])
        got = socket if isinstance(socket, int) else socket.first["type"]
        if got != expected and not (isinstance(expected, tuple) and got in expected):
            failures.append(f"{url} as {who}: {got}, expected {expected}")
        if isinstance(socket, Socket) and socket.first["type"] == "docket.state":
            frame = json.dumps(socket.first)
            if SECRET in frame or "Lain" in frame:
                failures.append(f"{url} as {who}: the docket names a party of the closed hearing")
        if isinstance(socket, Socket):
            await socket.ws.close()
    for route, path, message, allowed_to in OTHER_MESSAGES:
        for who in ("anonymous", "signed_in"):
            socket = await Socket.open(server, path.format(**values), cookies[who])
            if isinstance(socket, int):
                if who in allowed_to:
                    failures.append(f"{path} as {who}: closed with {socket}")
                continue
            answer = await socket.answer(message, probe="docket" not in path)
            if who in allowed_to and answer != []:
                failures.append(f"{message['type']} on {path} as {who}: allowed, yet answered {answer}")
            if who not in allowed_to and not refused(answer):
                failures.append(f"{message['type']} on {path} as {who}: must be refused, answered {answer}")
            await socket.ws.close()
    assert not failures, "sockets:\n" + "\n".join(failures)
