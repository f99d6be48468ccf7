"""Low-bandwidth mode (issue 20): an audio-only person receives ONE mixed audio stream, whatever the
room's size, from a Janus AudioBridge room (``docs/protocol.md``, "Audio only").

How it works with Janus 1.1.2 (its VideoRoom cannot take audio in from an AudioBridge; the
AudioBridge can take plain RTP in, and the VideoRoom can forward a publisher's audio as plain RTP):

- Each audio-only person gets their own bridge: an AudioBridge mixes for every participant all the
  others, so with one bridge per listener, fed with every VideoRoom publisher but the listener's own,
  nobody hears their own voice come back.
- The bridge is created with a secret (Hadir alone), a pin (for that person only), ``allowed`` = their
  token and Hadir's, and is muted (``mute_room``): Janus then mixes only admins, the participants that
  joined with the secret, i.e. Hadir's own legs. What a browser sends into a bridge is dropped by
  Janus, so no role can talk into a mix; people talk through the VideoRoom as before (its list of
  publishers and a moderator's mute still apply).
- Hadir's keeper (``media.bridge_keeper``) feeds it: one plain-RTP participant per VideoRoom publisher
  and a VideoRoom ``rtp_forward`` of that publisher's audio to the participant's port.
- The bridge ends when the person switches back, is removed, or the sitting ends.
"""

from __future__ import annotations

import logging
import secrets

from django.db import IntegrityError, transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from media.errors import MediaUnavailable
from media.janus import AUDIOBRIDGE, JanusRefused, JanusUnavailable
from media.models import AudioBridge, MediaGrant
from rooms.errors import Forbidden
from scheduling.models import Attendee, Occurrence

log = logging.getLogger(__name__)
# The mix is for speech: 16 kHz wideband is what the AudioBridge mixes best and costs little.
SAMPLING_RATE = 16000


def _unavailable() -> MediaUnavailable:
    return MediaUnavailable(_("The audio and video server cannot be reached; trying again shortly."))


def _live_grant(occurrence: Occurrence, attendee: Attendee) -> MediaGrant:
    grant = MediaGrant.objects.select_related("janus_room").filter(
        janus_room__occurrence=occurrence, janus_room__closed_at__isnull=True, attendee=attendee,
        revoked_at__isnull=True).first()
    if grant is None:
        raise Forbidden(_("Join audio and video first."))
    return grant


def _own_feed(grant: MediaGrant, feed: object) -> int | None:
    """The person's own VideoRoom publisher, as Janus knows it from their token (a page's word for it
    is only a hint: it would otherwise leave someone else out of its own mix)."""
    room = grant.janus_room
    try:
        handles = room.janus.handles_with_token(grant.token)
    except (JanusUnavailable, JanusRefused):
        return None
    feeds = [info.get("id") for _session, _handle, info in handles
             if info.get("type") == "publisher" and info.get("room") == room.room]
    if isinstance(feed, int) and feed in feeds:
        return feed
    return feeds[0] if feeds else None


def audio_only_start(*, occurrence: Occurrence, attendee: Attendee, feed: object = None, keeper: str) -> dict:
    """Open the person's mix (replacing an earlier one of theirs); what their page needs to join it."""
    grant = _live_grant(occurrence, attendee)
    close_bridges(grants=[grant])
    bridge = AudioBridge(grant=grant, room=secrets.randbelow(2**52) + 1, secret=secrets.token_hex(24),
                         pin=secrets.token_hex(24), keeper_token=secrets.token_urlsafe(32),
                         own_feed=_own_feed(grant, feed), keeper=keeper)
    janus = grant.janus_room.janus
    try:
        janus.plugin_request(AUDIOBRIDGE, {
            "request": "create", "room": bridge.room, "secret": bridge.secret, "pin": bridge.pin,
            "is_private": True, "permanent": False, "allowed": [grant.token, bridge.keeper_token],
            "allow_rtp_participants": True, "sampling_rate": SAMPLING_RATE,
        })
        janus.plugin_request(AUDIOBRIDGE, {"request": "mute_room", "room": bridge.room, "secret": bridge.secret})
    except (JanusUnavailable, JanusRefused) as exc:
        log.warning("janus: cannot create an audio bridge for room %s: %s", grant.janus_room.room, exc)
        _destroy_quietly(bridge)
        raise _unavailable() from exc
    try:
        with transaction.atomic():
            bridge.save()
    except IntegrityError:  # the same person's other tab opened one meanwhile: keep theirs
        _destroy_quietly(bridge)
        bridge = AudioBridge.objects.get(grant=grant, closed_at__isnull=True)
    return {"on": True, "bridge": bridge.room, "pin": bridge.pin}


def audio_only_stop(*, occurrence: Occurrence, attendee: Attendee) -> dict:
    grants = MediaGrant.objects.filter(janus_room__occurrence=occurrence, attendee=attendee)
    close_bridges(grants=grants)
    return {"on": False}


def close_bridges(*, grants) -> int:
    """Destroy the open bridges of these grants (Janus hangs their listener up). Returns how many."""
    bridges = list(AudioBridge.objects.select_related("grant__janus_room").filter(
        grant__in=grants, closed_at__isnull=True))
    for bridge in bridges:
        _destroy_quietly(bridge)
    AudioBridge.objects.filter(pk__in=[bridge.pk for bridge in bridges]).update(closed_at=timezone.now())
    return len(bridges)


def _destroy_quietly(bridge: AudioBridge) -> None:
    try:
        bridge.grant.janus_room.janus.plugin_request(
            AUDIOBRIDGE, {"request": "destroy", "room": bridge.room, "secret": bridge.secret})
    except (JanusUnavailable, JanusRefused) as exc:
        log.warning("janus: destroying audio bridge %s: %s", bridge.room, exc)
