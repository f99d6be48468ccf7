"""Hadir controls access, Janus enforces it: a VideoRoom per sitting, a token per admitted person.

- ``janus_room_open``: the sitting's room on the least loaded server, created with a secret (only
  Hadir edits it), a pin (given with each ticket) and an empty list of publishers' tokens.
- ``media_ticket``: an admitted person's token, added to Janus's core (``add_token``, VideoRoom and
  AudioBridge only) and, for roles that may send, to the room's ``allowed`` list: Janus refuses a
  publisher whose token is not there, so a listen-only role can subscribe and never publish.
- ``media_revoke``: the token leaves the room's list and the core (``remove_token``; every request
  with it fails from then on) and every Janus session opened with it is destroyed (its media stop).
- ``janus_room_close``: the room is destroyed (Janus hangs everyone up) and its tokens removed.
- ``media_mute``: a moderator's mute for everyone (VideoRoom ``moderate`` on the person's audio).
- ``janus_room_restore``: a Janus that restarted lost the sitting's room and every token (none is
  permanent); each ticket asks whether the room still ``exists`` and, if not, recreates it with the
  same id, secret and pin and adds back the tokens still granted, so that pages rejoin with a ticket.

Janus is outside the database's transactions: rows are written after Janus said yes, and what
follows a room event runs after the commit (``media.receivers``).
"""

from __future__ import annotations

import logging
import secrets

from django.db import IntegrityError, transaction
from django.db.models import Count, Q
from django.utils import timezone
from django.utils.translation import gettext as _

from media.audiobridge import close_bridges
from media.errors import MediaUnavailable
from media.janus import AUDIOBRIDGE, VIDEOROOM, JanusRefused, JanusUnavailable
from media.models import JanusRoom, MediaGrant
from media.servers import janus_servers
from rooms.errors import Forbidden
from rooms.policies import RoomPolicy
from rooms.selectors import admitted
from scheduling.models import Attendee, Occurrence

log = logging.getLogger(__name__)
# Every microphone of a class of 40 and its teachers may be live at once.
MAX_PUBLISHERS = 100
ROOM_EXISTS = 427  # JANUS_VIDEOROOM_ERROR_ROOM_EXISTS


def _unavailable() -> MediaUnavailable:
    return MediaUnavailable(_("The audio and video server cannot be reached; trying again shortly."))


def _least_loaded_server():
    servers = janus_servers()
    if not servers:
        raise _unavailable()
    load = dict(
        JanusRoom.objects.filter(closed_at__isnull=True).values_list("server").annotate(rooms=Count("id"))
        .values_list("server", "rooms")
    )
    return min(servers, key=lambda server: (load.get(server.url, 0), servers.index(server)))


def janus_room_open(*, occurrence: Occurrence) -> JanusRoom:
    """The sitting's Janus room, created on first use; a sitting that ended gets none."""
    existing = JanusRoom.objects.filter(occurrence=occurrence).first()
    if existing is not None:
        if existing.closed_at is not None:
            raise Forbidden(_("This session has ended."))
        return existing
    server = _least_loaded_server()
    room = JanusRoom(occurrence=occurrence, server=server.url, admin_server=server.admin_url,
                     room=secrets.randbelow(2**52) + 1, secret=secrets.token_hex(24), pin=secrets.token_hex(24))
    try:
        server.plugin_request(VIDEOROOM, _create_request(room, allowed=[]))
    except (JanusUnavailable, JanusRefused) as exc:
        log.warning("janus: cannot create a room on %s: %s", server.url, exc)
        raise _unavailable() from exc
    try:
        with transaction.atomic():
            room.save()
    except IntegrityError:  # another process created the sitting's room meanwhile: use theirs
        _destroy_quietly(room)
        return JanusRoom.objects.get(occurrence=occurrence)
    return room


def _create_request(room: JanusRoom, *, allowed: list[str]) -> dict:
    return {
        "request": "create", "room": room.room, "secret": room.secret, "pin": room.pin,
        "is_private": True, "allowed": allowed, "publishers": MAX_PUBLISHERS, "permanent": False,
        "audiolevel_event": True, "audio_active_packets": 50, "audio_level_average": 40,
        "notify_joining": True, "lock_record": True,  # only Hadir (the secret) starts a recording
        # Small tiles receive a lower layer (docs/protocol.md, "Through Janus"): the codec whose
        # simulcast the browsers use, and the subscriber's choice of layer honoured.
        "videocodec": "vp8", "audiocodec": "opus",
    }


def janus_room_restore(*, room: JanusRoom) -> bool:
    """Make sure Janus still has the sitting's room (it forgets it when it restarts); recreate it and
    add back the live tokens if not. True when it had to. Raises ``MediaUnavailable`` if Janus is down."""
    janus = room.janus
    try:
        if janus.plugin_request(VIDEOROOM, {"request": "exists", "room": room.room}).get("exists"):
            return False
        grants = list(room.grants.filter(revoked_at__isnull=True))
        try:
            janus.plugin_request(VIDEOROOM, _create_request(
                room, allowed=[grant.token for grant in grants if grant.may_publish]))
        except JanusRefused as exc:
            if exc.code != ROOM_EXISTS:
                raise  # else another process restored it meanwhile; the tokens below are idempotent
        for grant in grants:
            janus.add_token(grant.token, [VIDEOROOM, AUDIOBRIDGE])
    except (JanusUnavailable, JanusRefused) as exc:
        log.warning("janus: cannot restore room %s on %s: %s", room.room, room.server, exc)
        raise _unavailable() from exc
    log.warning("janus: room %s was gone from %s (restarted?); restored with %d tokens",
                room.room, room.server, len(grants))
    return True


def media_ticket(*, occurrence: Occurrence, attendee: Attendee, policy: RoomPolicy, moderator: bool = False) -> dict:
    """What an admitted person's page needs to reach the sitting's Janus room (``docs/protocol.md``)."""
    if not (moderator or admitted(occurrence, attendee, policy)):
        raise Forbidden(_("Wait until a moderator lets you in."))
    room = janus_room_open(occurrence=occurrence)
    janus_room_restore(room=room)
    may_publish = bool(policy.may_send(attendee, "signal"))
    grant = MediaGrant.objects.filter(janus_room=room, attendee=attendee, revoked_at__isnull=True).first()
    if grant is None:
        grant = MediaGrant(janus_room=room, attendee=attendee, token=secrets.token_urlsafe(32), may_publish=may_publish)
        janus = room.janus
        try:
            janus.add_token(grant.token, [VIDEOROOM, AUDIOBRIDGE])
            if may_publish:
                janus.plugin_request(VIDEOROOM, {"request": "allowed", "room": room.room, "secret": room.secret,
                                                 "action": "add", "allowed": [grant.token]})
        except (JanusUnavailable, JanusRefused) as exc:
            log.warning("janus: cannot grant media in room %s: %s", room.room, exc)
            raise _unavailable() from exc
        try:
            with transaction.atomic():
                grant.save()
        except IntegrityError:  # the same person's other tab was quicker
            janus.remove_token(grant.token)
            grant = MediaGrant.objects.get(janus_room=room, attendee=attendee, revoked_at__isnull=True)
    return {
        "url": room.server, "room": room.room, "pin": room.pin, "token": grant.token,
        "publish": grant.may_publish, "audio_only": bool(policy.audio_only(attendee)),
    }


def media_revoke(*, occurrence: Occurrence, attendee: Attendee) -> int:
    """Take back the person's media in the sitting: their Janus sessions end at once. Returns how many."""
    grants = list(MediaGrant.objects.select_related("janus_room").filter(
        janus_room__occurrence=occurrence, attendee=attendee, revoked_at__isnull=True))
    for grant in grants:
        _revoke(grant)
    return len(grants)


def _revoke(grant: MediaGrant) -> None:
    room, janus = grant.janus_room, grant.janus_room.janus
    try:
        if grant.may_publish and room.closed_at is None:
            _kick(room, token=grant.token, display=str(grant.attendee_id))
        janus.remove_token(grant.token)
        for session, _handle, _info in janus.handles_with_token(grant.token):
            janus.destroy_session(session)
        close_bridges(grants=[grant])
    except (JanusUnavailable, JanusRefused) as exc:
        # Janus lost its state (restarted) or is down: the token is gone with it, or dies with it.
        log.warning("janus: revoking a token in room %s: %s", room.room, exc)
    MediaGrant.objects.filter(pk=grant.pk).update(revoked_at=timezone.now())


def _kick(room: JanusRoom, *, token: str, display: str) -> None:
    """Off the room's publishers, and their feeds hung up at once (pages show their attendee id as
    ``display``): the others' pages let go of them on Janus's next event, before the walk over every
    session that follows, whose length grows with the server's load. One Janus session for all."""
    def work(ask) -> None:
        ask({"request": "allowed", "room": room.room, "secret": room.secret, "action": "remove", "allowed": [token]})
        for participant in ask({"request": "listparticipants", "room": room.room}).get("participants", []):
            if participant.get("display") == display:
                try:
                    ask({"request": "kick", "room": room.room, "secret": room.secret, "id": participant["id"]})
                except JanusRefused:
                    pass  # gone meanwhile

    room.janus.plugin_requests(VIDEOROOM, work)


def janus_room_close(*, occurrence: Occurrence) -> None:
    """The sitting ended: destroy its room (Janus hangs everyone up) and take every token back."""
    room = JanusRoom.objects.filter(occurrence=occurrence, closed_at__isnull=True).first()
    if room is None:
        return
    close_bridges(grants=room.grants.all())
    _destroy_quietly(room)
    janus = room.janus
    for grant in room.grants.filter(revoked_at__isnull=True):
        try:
            janus.remove_token(grant.token)
        except JanusUnavailable:
            pass
    room.grants.filter(revoked_at__isnull=True).update(revoked_at=timezone.now())
    JanusRoom.objects.filter(pk=room.pk).update(closed_at=timezone.now())


def _destroy_quietly(room: JanusRoom) -> None:
    try:
        room.janus.plugin_request(VIDEOROOM, {"request": "destroy", "room": room.room, "secret": room.secret})
    except (JanusUnavailable, JanusRefused) as exc:
        log.warning("janus: destroying room %s: %s", room.room, exc)


def media_mute(*, occurrence: Occurrence, attendee: Attendee, mute: bool = True) -> int:
    """A moderator's mute for everyone: Janus stops forwarding the person's microphone (or lets it
    through again). Returns how many microphones it touched. The caller checked the moderator."""
    touched = 0
    grants = MediaGrant.objects.select_related("janus_room").filter(
        Q(janus_room__occurrence=occurrence) & Q(attendee=attendee) & Q(revoked_at__isnull=True))
    for grant in grants:
        room, janus = grant.janus_room, grant.janus_room.janus
        try:
            for _session, _handle, info in janus.handles_with_token(grant.token):
                if info.get("type") != "publisher" or info.get("room") != room.room:
                    continue
                for stream in info.get("media", []):
                    if stream.get("type") == "audio":
                        janus.plugin_request(VIDEOROOM, {"request": "moderate", "room": room.room,
                                                         "secret": room.secret, "id": info["id"],
                                                         "mid": stream["mid"], "mute": mute})
                        touched += 1
        except (JanusUnavailable, JanusRefused) as exc:
            log.warning("janus: moderating in room %s: %s", room.room, exc)
            raise _unavailable() from exc
    return touched
