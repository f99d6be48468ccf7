"""How the court's day is going, for the public docket (an airport board): hearings held and to
come, the hearing in session now in each courtroom, and the median delay of the day's starts.

Closed hearings are counted; in a courtroom they show only as "closed" (no case number, no
agenda), and not at all when the court leaves them off the docket."""

from __future__ import annotations

import statistics
from datetime import datetime

from hearings.models import Court, Hearing, Status

RUNNING = (Status.IN_SESSION, Status.RECESS)
AHEAD = (Status.SCHEDULED, Status.OPEN)


def minutes(delta) -> float:
    return round(delta.total_seconds() / 60, 1)


def median_or_none(values: list[float]) -> float | None:
    return round(statistics.median(values), 1) if values else None


def day_progress(hearings: list[Hearing], *, court: Court, day_start: datetime, day_end: datetime) -> dict:
    """``hearings``: the day's docket (``selectors.docket_hearings``)."""
    today = [h for h in hearings if day_start <= h.occurrence.start < day_end]
    started = [h for h in today if h.started_at is not None]
    in_session = []
    for hearing in sorted((h for h in today if h.status in RUNNING), key=lambda h: h.courtroom):
        if hearing.is_public:
            in_session.append({"courtroom": hearing.courtroom, "closed": False, "case_number": hearing.case.number,
                               "status": hearing.status, "id": str(hearing.pk)})
        elif court.closed_display != Court.ClosedDisplay.OMIT:
            in_session.append({"courtroom": hearing.courtroom, "closed": True})
    return {
        "held": len(started),
        "to_come": sum(1 for h in today if h.status in AHEAD),
        "in_session": in_session,
        "median_delay_minutes": median_or_none(
            [max(0.0, minutes(h.started_at - h.occurrence.start)) for h in started]),
    }
