"""A hearing's recording in its status log (``media.signals.recording_changed``), and who gets the file."""

from __future__ import annotations

from datetime import datetime

from hearings.models import Hearing, StatusLogEntry
from scheduling.models import Attendee, Occurrence


def hearing_recording_logged(*, occurrence: Occurrence, on: bool, by: Attendee | None, at: datetime) -> None:
    """Append "recording started" or "stopped" to the status log, at the status the hearing has."""
    hearing = Hearing.objects.filter(occurrence=occurrence).only("pk", "status").first()
    if hearing is None:
        return
    StatusLogEntry.objects.create(
        hearing=hearing, at=at, previous=hearing.status, status=hearing.status,
        kind=StatusLogEntry.Kind.RECORDING_STARTED if on else StatusLogEntry.Kind.RECORDING_STOPPED,
        by_name=by.name if by is not None else "", by_role=by.role if by is not None else "",
        by_user=by.user if by is not None and by.user_id else None,
    )


def recording_changed(sender, *, occurrence, on: bool, by, at, **kwargs) -> None:
    if occurrence.event.kind == "hearing":
        hearing_recording_logged(occurrence=occurrence, on=on, by=by, at=at)
