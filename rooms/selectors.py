"""Reads about rooms: which sitting a link opens, who may enter, who is here, who attended."""

from __future__ import annotations

import copy
import hashlib
import hmac
import json
import uuid
from collections.abc import Iterable
from dataclasses import dataclass, field
from datetime import datetime, timedelta
from typing import Any, ClassVar

from django.conf import settings
from django.db.models import F, Q, QuerySet
from django.utils import timezone

from config.templatetags.hadir import zone_abbreviation
from rooms.models import Admission, AttendanceInterval, ChatMessage, RoomState
from rooms.policies import RoomPolicy, acts_as_moderator, enters_directly, media_engine, policy_for
from rooms.presence import participant_info
from rooms.presence.encoding import sender
from rooms.publish import presence_store
from rooms.sessions import active_seats, remembered, seat_for
from scheduling.models import Attendee, Occurrence

CHAT_HISTORY = 50


def room_window(occurrence: Occurrence) -> tuple[datetime, datetime]:
    """When the room opens (before the start) and when its sockets close (after the end)."""
    return (
        occurrence.start - timedelta(minutes=settings.HADIR_ROOM_OPENS_BEFORE_MINUTES),
        occurrence.end + timedelta(minutes=settings.HADIR_ROOM_CLOSES_AFTER_MINUTES),
    )


def occurrence_for_link(*, attendee: Attendee, now: datetime) -> Occurrence | None:
    """The sitting a join link opens: the one in progress, else the next, else the last (or None)."""
    sittings = Occurrence.objects.select_related("event").filter(event_id=attendee.event_id)
    live = sittings.exclude(status=Occurrence.Status.CANCELLED).exclude(event__status="cancelled")
    current = live.filter(start__lte=now, end__gt=now).order_by("start").first()
    if current is None:
        current = live.filter(start__gt=now).order_by("start").first()
    return current or sittings.filter(start__lte=now).order_by("-start").first()


@dataclass
class RoomStatus:
    status: str
    reason: str = ""
    next_at: datetime | None = None

    def frame(self) -> dict:
        return {
            "type": "room.status", "status": self.status, "reason": self.reason,
            "next_at": self.next_at.isoformat() if self.next_at else None,
        }


def room_status(occurrence: Occurrence, policy: RoomPolicy | None = None) -> RoomStatus:
    policy = policy or policy_for(occurrence.event)
    state = RoomState.objects.filter(occurrence=occurrence).first()
    if state is None:
        return RoomStatus(policy.initial_status)
    return RoomStatus(state.status, state.reason, state.next_at)


def room_is_over(occurrence: Occurrence, status: str, policy: RoomPolicy, now: datetime) -> bool:
    return occurrence.is_cancelled or status in policy.final_statuses or now >= room_window(occurrence)[1]


def participant_of(attendee: Attendee, policy: RoomPolicy, *, moderator: bool, prepared: Any = None,
                   linked: bool = True) -> str:
    """``moderator``: whether the one holding the seat moderates (``acts_as_moderator``), not
    whether the seat does. A listen-only role carries ``listener``; with ``linked``, who comes with
    whom (``RoomPolicy.links``; ``prepared``: what the policy loaded for the door's batch)."""
    extra: dict = {}
    if not policy.may_send(attendee, "chat"):
        extra["listener"] = True
    if linked:
        extra.update(policy.links(attendee, prepared=prepared))
    return participant_info(
        attendee_id=str(attendee.pk), name=attendee.name, role=attendee.role,
        role_label=str(policy.role_label(attendee)), moderator=moderator, extra=extra,
    )


@dataclass(frozen=True)
class Refused:
    """The door's no: the socket closes with ``close`` (4401, 4403, 4404, 4410)."""

    close: int


@dataclass
class Entry:
    """Who a socket is and what it may do, decided once at connect."""

    close: ClassVar[int] = 0  # as ``Refused.close``: a let-in socket is not closed
    occurrence: Occurrence
    attendee: Attendee
    policy: RoomPolicy
    status: RoomStatus
    moderator: bool = False
    admitted: bool = False
    denied_reason: str | None = None
    info: str = ""
    may: dict[str, bool] = field(default_factory=dict)
    audience: bool = False  # listens only: counted, not listed (``RoomPolicy.is_audience``)
    closes_at: datetime | None = None
    facts: dict = field(default_factory=dict)  # the media engine's additions to ``hello.room``


@dataclass(frozen=True)
class Knock:
    """A socket at a room's door: its scope (session, user) and the room it asks for."""

    scope: dict
    occurrence_id: str


def room_entries(*, knocks: list[Knock], now: datetime) -> list[Entry | Refused]:
    """The door checks of sockets that knocked together (``Hub.door``), answered in order.

    Every join runs this, so a batch shares its queries: the sittings with their events and
    statuses, the seats the sessions remember, what each kind's policy needs at the door
    (``RoomPolicy.prepare``), and the lobby decisions (a signed-in user whose session remembers no
    seat costs one more). A join storm took one set per socket before.
    """
    keys = [_occurrence_key(knock.occurrence_id) for knock in knocks]
    occurrences = {
        occurrence.pk: occurrence
        for occurrence in Occurrence.objects.select_related("event")
        .annotate(room_status=F("room_state__status"), room_reason=F("room_state__reason"),
                  room_next_at=F("room_state__next_at"))
        .filter(pk__in={key for key in keys if key is not None})
    }
    links = [remembered(knock.scope) for knock in knocks]
    wanted = {attendee_id for pairs in links for attendee_id, _fingerprint in pairs}
    seats = {str(a.pk): a for a in active_seats().filter(pk__in=wanted).order_by()} if wanted else {}
    prepared = _prepared(occurrences.values(), list(seats.values()))
    engine = media_engine()
    facts = engine.room_facts(list(occurrences.values())) if engine is not None and occurrences else {}
    entries = [
        _entry_before_the_lobby(
            knock.scope, occurrences.get(key) if key is not None else None, pairs, seats, now, prepared
        )
        for knock, key, pairs in zip(knocks, keys, links, strict=True)
    ]
    waiting = [entry for entry in entries if isinstance(entry, Entry) and not entry.moderator]
    if waiting:
        decisions = {
            (decision.occurrence_id, decision.attendee_id): decision
            for decision in Admission.objects.filter(
                occurrence_id__in={entry.occurrence.pk for entry in waiting},
                attendee_id__in={entry.attendee.pk for entry in waiting},
            ).order_by()
        }
        for entry in waiting:
            decision = decisions.get((entry.occurrence.pk, entry.attendee.pk))
            if decision is not None:
                entry.admitted = decision.decision == Admission.Decision.ADMITTED
                entry.denied_reason = None if entry.admitted else decision.reason
            else:
                entry.admitted = enters_directly(entry.policy, entry.attendee, status=entry.status.status)
    for checked in entries:
        if isinstance(checked, Entry):
            checked.facts = facts.get(checked.occurrence.pk, {})
    return entries


def _occurrence_key(occurrence_id: str) -> uuid.UUID | None:
    try:
        return uuid.UUID(str(occurrence_id))
    except ValueError:
        return None


def _prepared(occurrences: Iterable[Occurrence], attendees: list[Attendee]) -> dict[RoomPolicy, object]:
    """What each policy of the batch's sittings loads for its door checks (``RoomPolicy.prepare``), once."""
    by_policy: dict[RoomPolicy, list[Occurrence]] = {}
    for occurrence in occurrences:
        by_policy.setdefault(policy_for(occurrence.event), []).append(occurrence)
    return {policy: policy.prepare(occurrences=sittings, attendees=attendees) for policy, sittings in by_policy.items()}


def _entry_before_the_lobby(scope: dict, occurrence: Occurrence | None, links: list[tuple[str, str]], seats: dict,
                            now: datetime, prepared: dict[RoomPolicy, object]) -> Entry | Refused:
    """Everything of the door check but a non-moderator's lobby decision (``admitted`` False)."""
    if occurrence is None:
        return Refused(4404)
    user = scope.get("user")
    attendee = seat_for(links, seats, user, occurrence)
    if attendee is None:
        signed_in = (user is not None and user.is_authenticated) or bool(links)
        return Refused(4403 if signed_in else 4401)
    attendee = copy.copy(attendee)  # two sockets of one person in a batch get their own
    attendee.event = occurrence.event
    policy = policy_for(occurrence.event)
    if not policy.may_enter(attendee, prepared=prepared.get(policy)):
        return Refused(4403)
    annotated: Any = occurrence  # with the room's state, by room_entries' query
    if annotated.room_status is None:
        status = RoomStatus(policy.initial_status)
    else:
        status = RoomStatus(annotated.room_status, annotated.room_reason, annotated.room_next_at)
    opens_at, closes_at = room_window(occurrence)
    if room_is_over(occurrence, status.status, policy, now):
        return Refused(4410)
    if now < opens_at:
        return Refused(4403)
    moderator = acts_as_moderator(policy, attendee, user)
    return Entry(
        occurrence=occurrence, attendee=attendee, policy=policy, status=status, moderator=moderator,
        admitted=moderator, info=participant_of(attendee, policy, moderator=moderator, prepared=prepared.get(policy)),
        may={action: bool(policy.may_send(attendee, action)) for action in ("chat", "hand", "signal")},
        audience=not moderator and bool(policy.is_audience(attendee)), closes_at=closes_at,
    )


def room_hello(entry: Entry, *, connections: int) -> dict:
    occurrence, policy = entry.occurrence, entry.policy
    return {
        "type": "hello",
        "you": json.loads(
            entry.info + f',"status":"{"present" if entry.admitted else "waiting"}",'
            f'"connections":{connections},"hand_raised":false,"media":false,"camera":false,"microphone":false}}'
        ),
        "room": {
            "id": str(occurrence.pk), "title": occurrence.event.title, "kind": occurrence.event.kind,
            "status": entry.status.status, "reason": entry.status.reason,
            "next_at": entry.status.next_at.isoformat() if entry.status.next_at else None,
            "starts_at": occurrence.start.isoformat(), "ends_at": occurrence.end.isoformat(),
            "timezone": occurrence.event.timezone, "zone_label": zone_abbreviation(occurrence.event.timezone),
            "statuses": {key: str(label) for key, label in policy.statuses.items()},
            "transitions": {key: list(value) for key, value in policy.transitions.items()},
            "fields": {key: list(policy.fields(key)) for key in policy.statuses},
            "final": list(policy.final_statuses), "admit_all": bool(policy.admit_all),
            "heartbeat_seconds": settings.HADIR_HEARTBEAT_SECONDS, **entry.facts,
        },
    }


def chat_frame(message: ChatMessage, info: str) -> str:
    return json.dumps(
        {"type": "chat.message", "id": message.pk, "from": sender(info), "text": message.text,
         "at": message.sent_at.isoformat()},
        ensure_ascii=False, separators=(",", ":"),
    )


def chat_history(*, occurrence: Occurrence, limit: int = CHAT_HISTORY) -> list[str]:
    """The last ``limit`` chat lines, oldest first, as ready frames."""
    policy = policy_for(occurrence.event)
    recent = list(
        ChatMessage.objects.select_related("attendee__event")
        .filter(occurrence=occurrence)
        .order_by("-sent_at", "-id")[:limit]
    )
    return [
        chat_frame(message, participant_of(message.attendee, policy, moderator=message.as_moderator, linked=False))
        for message in reversed(recent)
    ]


def room_presence(occurrence: Occurrence) -> list[dict]:
    """Everyone listed in the room now (waiting people too), as participants of PROTOCOL.md."""
    snapshot = presence_store().snapshot_sync(room=str(occurrence.pk))
    return sorted((json.loads(entry) for entry, _ in snapshot.entries), key=lambda p: (p["name"], p["id"]))


def invited_attendee(occurrence: Occurrence, attendee_id: uuid.UUID) -> Attendee | None:
    """The attendee of the sitting's event with that id (a moderator's lobby decision names them)."""
    return Attendee.objects.select_related("event").filter(pk=attendee_id, event_id=occurrence.event_id).first()


def present_attendees(occurrence: Occurrence) -> list[Attendee]:
    """Admitted attendees with a live connection (what a policy's ``check_transition`` sees)."""
    ids = [p["id"] for p in room_presence(occurrence) if p["status"] == "present"]
    return list(Attendee.objects.filter(pk__in=ids))


def lobby_refused(occurrence: Occurrence) -> list[Attendee]:
    """Who was refused or sent out of this sitting (still invited): they can be let back in."""
    return list(
        Attendee.objects.filter(
            admissions__occurrence=occurrence, admissions__decision=Admission.Decision.DENIED,
            removed_at__isnull=True,
        ).order_by("name")
    )


@dataclass
class Attendance:
    attendee: Attendee
    first_join: datetime
    last_leave: datetime | None  # None while still connected
    minutes: float
    intervals: list[tuple[datetime, datetime | None]]


def attendance_for(occurrence: Occurrence, *, now: datetime | None = None) -> list[Attendance]:
    """Per attendee: first join, last leave and minutes present, overlapping connections merged."""
    now = now or timezone.now()
    rows = AttendanceInterval.objects.filter(occurrence=occurrence).select_related("attendee").order_by(
        "attendee_id", "joined_at"
    )
    per_attendee: dict = {}
    for row in rows:
        per_attendee.setdefault(row.attendee_id, (row.attendee, []))[1].append((row.joined_at, row.left_at))
    result = []
    for attendee, intervals in per_attendee.values():
        merged: list[list[datetime]] = []
        for joined, left in intervals:
            end = left or now
            if merged and joined <= merged[-1][1]:
                merged[-1][1] = max(merged[-1][1], end)
            else:
                merged.append([joined, end])
        seconds = sum((end - start).total_seconds() for start, end in merged)
        still_here = any(left is None for _, left in intervals)
        result.append(Attendance(
            attendee=attendee, first_join=intervals[0][0],
            last_leave=None if still_here else max(left for _, left in intervals),
            minutes=round(seconds / 60, 1), intervals=intervals,
        ))
    return sorted(result, key=lambda a: (a.attendee.name, str(a.attendee.pk)))


def stale_intervals(*, instance: str, before: datetime) -> QuerySet[AttendanceInterval]:
    return AttendanceInterval.objects.filter(Q(left_at__isnull=True) & Q(last_seen_at__lt=before)).exclude(
        instance=instance
    )


def media_setup(*, occurrence: Occurrence, attendee: Attendee, policy: RoomPolicy | None = None,
                moderator: bool = False) -> dict:
    """What the room page's media script needs: built-in ("mesh") or an external link ("link"),
    the ICE servers, and what this attendee may send (``moderator``: they moderate, see
    ``rooms.policies.acts_as_moderator``)."""
    policy = policy or policy_for(occurrence.event)
    mode = media_mode(occurrence, policy)
    return {
        "mode": mode,
        # Only for people let in: the external room has no lobby of its own.
        "link": video_link(occurrence, template=getattr(policy.video_settings(occurrence), "video_url_template", ""))
        if mode == "link" and (moderator or admitted(occurrence, attendee, policy))
        else "",
        "ice_servers": settings.HADIR_ICE_SERVERS if mode in ("mesh", "janus") else [],
        "may_send": bool(policy.may_send(attendee, "signal")),
        "audio_only": bool(policy.audio_only(attendee)),
        "max_participants": settings.HADIR_MESH_MAX_PARTICIPANTS,
        "tiles": policy.media_tiles(occurrence),
    }


def media_mode(occurrence: Occurrence, policy: RoomPolicy) -> str:
    """"janus" (or another registered engine) when one is configured, unless the organisation always
    goes to an external service; else "mesh" up to the mesh size; above it "link" where the policy
    allows an external service, "none" where it does not (a closed hearing: no video above the mesh)."""
    engine = media_engine()
    if engine is not None and policy.built_in_media(occurrence, size=0):  # False: always external
        return engine.mode
    active = occurrence.event.attendees.filter(removed_at__isnull=True, join_token_revoked_at__isnull=True)
    seats = list(active)
    for seat in seats:
        seat.event = occurrence.event  # one event: what the policy loads for it (``prepare``) is loaded once
    policy.prepare(occurrences=[occurrence], attendees=seats)
    senders = [a for a in seats if policy.may_send(a, "signal")]
    if policy.built_in_media(occurrence, size=len(senders)):
        return "mesh"
    return "link" if policy.external_video(occurrence) else "none"


def video_link(occurrence: Occurrence, *, template: str = "") -> str:
    """The session's room on the external video service: the organisation's ``template``, else
    ``HADIR_VIDEO_URL_TEMPLATE``, else Jitsi Meet, with ``{room}`` (a name that cannot be guessed
    from the occurrence id) and ``{occurrence}`` filled in."""
    digest = hmac.new(settings.SECRET_KEY.encode(), str(occurrence.pk).encode(), hashlib.sha256).hexdigest()
    name = f"hadir-{digest[:20]}"
    template = template or settings.HADIR_VIDEO_URL_TEMPLATE or "https://meet.jit.si/{room}"
    return template.replace("{room}", name).replace("{occurrence}", str(occurrence.pk))


def admitted(occurrence: Occurrence, attendee: Attendee, policy: RoomPolicy) -> bool:
    """Whether the attendee is let in (admitted from the lobby, or enters directly), moderators aside."""
    if not policy.may_enter(attendee):
        return False
    decision = Admission.objects.filter(occurrence=occurrence, attendee=attendee).first()
    if decision is not None:
        return decision.decision == Admission.Decision.ADMITTED
    return enters_directly(policy, attendee, status=room_status(occurrence, policy).status)
