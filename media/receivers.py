"""Room and scheduling events that end someone's media, or a sitting's: after the commit, since
Janus is outside the transaction (and a Janus that is down must not undo a removal)."""

from __future__ import annotations

import logging

from django.db import transaction

from media import services
from media.models import MediaGrant

log = logging.getLogger(__name__)


def _after_commit(action, **kwargs) -> None:
    def run():
        try:
            action(**kwargs)
        except Exception:  # Janus trouble is logged; the room event stands
            log.exception("janus: %s failed", action.__name__)

    transaction.on_commit(run)


def participant_removed(sender, *, occurrence, attendee, **kwargs) -> None:
    live = MediaGrant.objects.filter(janus_room__occurrence=occurrence, attendee=attendee, revoked_at__isnull=True)
    if live.exists():
        _after_commit(services.media_revoke, occurrence=occurrence, attendee=attendee)


def participant_left(sender, *, occurrence, attendee, **kwargs) -> None:
    """Their last connection to the room went (and did not come back within the grace period): their
    token goes too, so a page left open elsewhere, or a copied ticket, holds no media."""
    participant_removed(sender, occurrence=occurrence, attendee=attendee)


def attendee_gone(sender, *, attendee, **kwargs) -> None:
    """Removed from the event, or their join link rotated or revoked: out of every sitting's media."""
    grants = MediaGrant.objects.filter(attendee=attendee, revoked_at__isnull=True).select_related(
        "janus_room__occurrence")
    for occurrence in {grant.janus_room.occurrence for grant in grants}:
        _after_commit(services.media_revoke, occurrence=occurrence, attendee=attendee)


def room_status_changed(sender, *, occurrence, status, **kwargs) -> None:
    from rooms.policies import policy_for

    if status in policy_for(occurrence.event).final_statuses:
        _after_commit(services.janus_room_close, occurrence=occurrence)


def occurrence_cancelled(sender, *, occurrence, **kwargs) -> None:
    _after_commit(services.janus_room_close, occurrence=occurrence)
