"""Who moderates a room, who waits, and which statuses a session may take.

``rooms`` knows nothing of classes or hearings. A domain app subclasses ``RoomPolicy`` and
registers it under its event kind in ``AppConfig.ready``::

    register_policy("class", ClassroomRoomPolicy())

Rooms look the policy up with ``policy_for(event)``; an event whose kind has no policy gets the
default: the organiser moderates and every attendee enters directly.
"""

from __future__ import annotations

from typing import TYPE_CHECKING, Any, Protocol

from django.utils.functional import Promise
from django.utils.translation import gettext_lazy as _

from rooms.errors import RoomError

if TYPE_CHECKING:
    from datetime import datetime

    from config.types import AnyUser
    from scheduling.models import Attendee, Event, Occurrence


class TransitionRefused(RoomError):
    """A status change the policy does not allow now; the message is shown to the moderator."""

    def __init__(self, message: str, *, missing_roles: list[str] | None = None):
        super().__init__(message)
        self.missing_roles = missing_roles or []


# The role of a plain event's seat that only listens (``RoomPolicy.is_audience``), as ``bench_room --audience``.
AUDIENCE_ROLE = "audience"


class RoomPolicy:
    statuses: dict[str, str | Promise] = {
        "scheduled": _("Scheduled"),
        "open": _("Open"),
        "live": _("Live"),
        "ended": _("Ended"),
    }
    initial_status = "scheduled"
    # status -> statuses it may move to with room.set_status
    transitions: dict[str, tuple[str, ...]] = {
        "scheduled": ("open", "live"),
        "open": ("live", "ended"),
        "live": ("ended",),
        "ended": (),
    }
    # Statuses after which nobody may enter and open sockets close with 4410.
    final_statuses: tuple[str, ...] = ("ended",)
    # Statuses in which people who enter directly are let in (the rest wait in the lobby).
    entry_statuses: tuple[str, ...] = ("scheduled", "open", "live")

    def role_label(self, attendee: Attendee) -> str:
        return attendee.role

    def is_moderator(self, attendee: Attendee) -> bool:
        return attendee.user_id is not None and attendee.user_id == attendee.event.organizer_id

    def prepare(self, *, occurrences: list[Occurrence], attendees: list[Attendee]) -> Any:
        """Load once what ``may_enter`` needs for a batch of door checks (``rooms.selectors.room_entries``)
        into the sittings of this policy's kind and the seats that knocked, so that the batch costs the
        same queries however many knock. What it returns is passed to ``may_enter`` as ``prepared``."""
        return None

    def may_enter(self, attendee: Attendee, *, prepared: Any = None) -> bool:
        """False refuses the attendee at the door (4403), e.g. observers of a closed hearing.
        ``prepared``: what ``prepare`` loaded for the batch, or None (then the policy looks it up)."""
        return True

    def enters_directly(self, attendee: Attendee, *, status: str) -> bool:
        return self.is_moderator(attendee) or status in self.entry_statuses

    # Whether a moderator may let everyone waiting in at once (``lobby.admit_all`` without a list).
    admit_all = True

    def fields(self, status: str) -> tuple[str, ...]:
        """What a moderator gives to move the session to ``status``, besides the status: "reason"
        (required) and "next_at" (the next sitting, read in the event's zone). The room's controls
        show only these; an optional reason is always offered."""
        return ()

    def opens_at_start(self, occurrence: Occurrence) -> str | None:
        """The status the room takes by itself at the sitting's start when still in
        ``initial_status`` (``rooms.services.room_open_when_due``), or None: a moderator opens it."""
        return None

    def links(self, attendee: Attendee, *, prepared: Any = None) -> dict:
        """Who comes with whom, shown to the room's moderators: ``{"accompanies": {"id", "name"}}``
        for someone who comes with another (an interpreter), ``{"companions": [{"id", "name"}, …]}``
        for the one others come with; ``{}`` for most. Admitting one never admits the other: a
        moderator admits both on purpose (``lobby.admit_all`` with both listed)."""
        return {}

    def link_labels(self) -> dict[str, str | Promise]:
        """The words for ``links`` on the room page, in the current language: "accompanies"
        ("with %(name)s"), "without" (admitted while a companion is not) and "both" (the button)."""
        return {
            "accompanies": _("with %(name)s"),
            "without": _("admitted without %(names)s"),
            "both": _("Admit both"),
        }

    def next_steps(self, occurrence: Occurrence, attendee: Attendee, *, moderator: bool) -> list[tuple[str, str]]:
        """Links (label, url) offered once the session has ended: for moderators what follows
        (attendance, the record); the room adds a way home."""
        return []

    def may_send(self, attendee: Attendee, action: str) -> bool:
        """``action`` is "chat", "hand" or "signal"; listen-only roles answer False (for "signal":
        no built-in audio or video either way)."""
        return not self.is_audience(attendee)

    def is_audience(self, attendee: Attendee) -> bool:
        """True for seats that only listen and, once let in, are counted rather than listed (the
        room's audience: its size reaches everyone, its members only moderators who page through
        them). A moderator may promote one to speaker for a while (``audience.promote``). Asked at the
        door for each socket: what it needs is best loaded by ``prepare`` for the batch."""
        return attendee.role == AUDIENCE_ROLE

    def media_tiles(self, occurrence: Occurrence) -> int:
        """Through a media server, the most cameras a page shows at once (active speakers first; the
        others are listed, and shown on request). Every microphone is heard whatever is shown."""
        from django.conf import settings

        return settings.HADIR_MEDIA_TILES

    def audio_only(self, attendee: Attendee) -> bool:
        """True for roles that take part in built-in media with their microphone only."""
        return False

    def video_settings(self, occurrence: Occurrence) -> Any:
        """The organisation's ``rooms.models.VideoSettings`` (a school, a court), or None."""
        return None

    def external_video(self, occurrence: Occurrence) -> bool:
        """Whether the room may send people to an external video service. An organisation opts in by
        naming its service or choosing it always; a sitting without one uses the site's default."""
        organisation = self.video_settings(occurrence)
        if organisation is None:
            return True
        return bool(organisation.always_external_video or organisation.video_url_template)

    def built_in_media(self, occurrence: Occurrence, *, size: int) -> bool:
        """Whether the room uses Hadir's own audio and video (a mesh between ``size`` people who may
        send, or the media engine), or shows the session's link on an external video service instead."""
        from django.conf import settings

        organisation = self.video_settings(occurrence)
        if organisation is not None and organisation.always_external_video and self.external_video(occurrence):
            return False
        return size <= settings.HADIR_MESH_MAX_PARTICIPANTS

    def recording_allowed(self, occurrence: Occurrence) -> bool:
        """Whether the room's moderators may record the sitting (through the media engine): the
        organisation's ``allow_recording`` (a court's, a school's); never where there is none."""
        return bool(getattr(self.video_settings(occurrence), "allow_recording", False))

    def may_access_recordings(self, user: AnyUser | None, occurrence: Occurrence) -> bool:
        """Whether ``user`` may download the sitting's recording (a court's staff, a class's
        teachers); nobody by default. Never the public, never a link alone."""
        return False

    def check_transition(
        self, *, occurrence: Occurrence, current: str, target: str, by: Attendee | None,
        reason: str, next_at: datetime | None, present: list[Attendee],
    ) -> None:
        """Raise ``TransitionRefused`` when the domain forbids the change now (beyond ``transitions``)."""


def acts_as_moderator(policy: RoomPolicy, attendee: Attendee, user: AnyUser | None) -> bool:
    """Whether the one holding ``attendee``'s seat moderates now: the policy says the seat moderates
    and they are signed in as the seat's account. A link alone never moderates (a forwarded clerk's
    or teacher's link must not run the session), so a moderating seat without an account does not
    either: it takes part as a participant, let in from the lobby."""
    return (
        bool(policy.is_moderator(attendee)) and attendee.user_id is not None
        and user is not None and user.is_authenticated and user.pk == attendee.user_id
    )


def enters_directly(policy: RoomPolicy, attendee: Attendee, *, status: str) -> bool:
    """The policy's answer for someone who does not act as moderator: a moderating seat held
    without its account waits in the lobby like a guest (the policy would let a moderator in)."""
    return not policy.is_moderator(attendee) and bool(policy.enters_directly(attendee, status=status))


class MediaEngine(Protocol):
    """A media server Hadir controls (``media.engine.JanusEngine``); with one enabled, every room
    that does not go to an external service uses it, whatever its size."""

    mode: str

    def enabled(self) -> bool: ...

    def ticket(self, *, occurrence: Occurrence, attendee: Attendee, policy: RoomPolicy, moderator: bool) -> dict: ...

    def mute(self, *, occurrence: Occurrence, attendee: Attendee, mute: bool) -> int: ...

    def audio_only(self, *, occurrence: Occurrence, attendee: Attendee, on: bool, feed: object = None) -> dict: ...

    async def run_forever(self) -> None:
        """The engine's long-lived work in each live process (spawned by ``rooms.live.hub``)."""

    def record(self, *, occurrence: Occurrence, by: Attendee, on: bool) -> None: ...

    def room_facts(self, occurrences: list[Occurrence]) -> dict[Any, dict]:
        """Per sitting (by pk), what ``hello.room`` adds (``recording``, ``recording_allowed``),
        read once for a batch of door checks."""


_media_engine: MediaEngine | None = None


def register_media_engine(engine: MediaEngine) -> None:
    global _media_engine
    _media_engine = engine


def media_engine() -> MediaEngine | None:
    return _media_engine if _media_engine is not None and _media_engine.enabled() else None


DEFAULT_POLICY = RoomPolicy()
_registry: dict[str, RoomPolicy] = {}


def register_policy(kind: str, policy: RoomPolicy) -> None:
    _registry[kind] = policy


def policy_for(event: Event) -> RoomPolicy:
    return _registry.get(event.kind, DEFAULT_POLICY)


def initial_statuses() -> set[str]:
    """The statuses rooms start in, over every registered policy and the default."""
    return {policy.initial_status for policy in (DEFAULT_POLICY, *_registry.values())}
