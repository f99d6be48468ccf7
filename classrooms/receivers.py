"""What a class does when its room's status changes (``rooms.signals.room_status_changed``)."""

from __future__ import annotations

from classrooms.policies import CLASS_ROOM_POLICY
from classrooms.services import EVENT_KIND, lobby_students_admit, meeting_started_notify


def room_status_changed(sender, *, occurrence, status: str, **kwargs) -> None:
    """Opening the room lets in the students waiting in its lobby; going live tells the others."""
    if occurrence.event.kind != EVENT_KIND:
        return
    if status in CLASS_ROOM_POLICY.entry_statuses:
        lobby_students_admit(occurrence=occurrence)
    if status == "live":
        meeting_started_notify(occurrence=occurrence)
