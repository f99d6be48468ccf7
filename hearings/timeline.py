"""A case's public timeline: every hearing of a public case, oldest first, with its agenda, status,
the reason for a postponement or adjournment, and the next date.

A case with a closed hearing shows only what the court's setting allows: its number and the dates
of its hearings (``Court.ClosedDisplay.LISTED``), or nothing at all (``OMIT``: not found, exactly as
an unknown number)."""

from __future__ import annotations

import zoneinfo

from hearings.models import Case, Court, Status

REASONED = (Status.POSTPONED, Status.ADJOURNED, Status.CANCELLED)


def _shown_start(hearing):
    """A postponed hearing stays on the date it was postponed from, pointing to the next one."""
    if hearing.status == Status.POSTPONED and hearing.postponed_from:
        return hearing.postponed_from
    return hearing.occurrence.start


def case_timeline(*, court: Court, number: str) -> dict | None:
    """None when there is no such case, or it is closed and the court leaves closed ones off."""
    number = (number or "").strip()
    if not number or len(number) > 100:
        return None
    case = Case.objects.filter(court=court, number__iexact=number).first()
    if case is None:
        return None
    hearings = list(case.hearings.select_related("occurrence").order_by("occurrence__start"))
    closed = any(not hearing.is_public for hearing in hearings)
    if closed and court.closed_display == Court.ClosedDisplay.OMIT:
        return None
    zone = zoneinfo.ZoneInfo(court.timezone)
    rows = []
    for hearing in sorted(hearings, key=_shown_start):
        start = _shown_start(hearing)
        row = {"date": start.astimezone(zone).date().isoformat(), "start": start.isoformat()}
        if not closed:
            row.update({
                "agenda": hearing.agenda,
                "status": hearing.status,
                "status_label": str(Status(hearing.status).label),
                "reason": hearing.status_reason if hearing.status in REASONED else "",
                "next_at": hearing.next_at.isoformat() if hearing.next_at else None,
                "next_date": hearing.next_at.astimezone(zone).strftime("%Y-%m-%d %H:%M") if hearing.next_at else "",
            })
        rows.append(row)
    return {"court": court.slug, "case_number": case.number, "closed": closed,
            "case_type": "" if closed else case.case_type, "hearings": rows}
