"""Reads of a room's audience (listen-only members) for moderators and for pages outside the room.

The audience's size comes from the presence store in O(1) per room (never by listing its members),
so a docket or a clerk's page costs the same whatever the crowd.
"""

from __future__ import annotations

from collections.abc import Iterable

from django.db.models import Min

from rooms.models import AttendanceInterval
from rooms.publish import presence_store


def audience_sizes(occurrence_ids: Iterable[object]) -> dict[str, int]:
    """How many listen-only members each room has now (as of its last presence diff), by occurrence id."""
    store = presence_store()
    return {str(key): store.audience_size_sync(room=str(key)) for key in occurrence_ids}


def joined_since(*, occurrence_id: str, attendee_ids: list[str]) -> dict[str, str]:
    """When each of these attendees entered the room for their current stay (the earliest of their
    open attendance intervals), ISO 8601 in UTC, by id: one query for a page of the audience."""
    if not attendee_ids:
        return {}
    rows = (
        AttendanceInterval.objects.filter(occurrence_id=occurrence_id, attendee_id__in=attendee_ids,
                                          left_at__isnull=True)
        .values("attendee_id").annotate(since=Min("joined_at")).order_by()
    )
    return {str(row["attendee_id"]): row["since"].isoformat() for row in rows}
