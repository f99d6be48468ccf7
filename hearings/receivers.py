"""What a hearing does when its room's status changes (``rooms.signals.room_status_changed``)."""

from __future__ import annotations

from hearings.services import HEARING_KIND, hearing_status_changed


def room_status_changed(sender, *, occurrence, previous: str, status: str, by, reason: str, next_at,
                        **kwargs) -> None:
    """Log it, stamp the times, move or follow up the hearing (``services.hearing_status_changed``)."""
    if occurrence.event.kind != HEARING_KIND:
        return
    hearing_status_changed(occurrence=occurrence, previous=previous, status=status, by=by, reason=reason,
                           next_at=next_at)
