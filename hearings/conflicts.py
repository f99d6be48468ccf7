"""Who must be free for a hearing: the clash checks shared by the services (booking, seating)
and the room policy (an adjournment's or a postponement's new date). Reads only: it raises."""

from __future__ import annotations

from datetime import datetime

from django.utils import timezone
from django.utils.translation import gettext as _

from hearings.models import CONFLICT_CHECKED_ROLES, Hearing
from rooms.policies import TransitionRefused
from scheduling import services as scheduling
from scheduling.errors import Conflict
from scheduling.models import Attendee


def conflicts_refuse(*, people, resource: str, start: datetime, end: datetime, viewer, zone: str,
                     exclude_event=None) -> None:
    """Judges, the clerk and counsel must be free, and the courtroom too; raise ``Conflict``.

    ``people`` have a ``user`` and an ``email`` (a ``services.Person``, an attendee). Only clashes
    ``viewer`` takes part in are named; another court's hearing, or a closed one the clerk is not
    part of, is only "busy" at the requested time (``scheduling.services.conflicts_refuse``).
    """
    scheduling.conflicts_refuse(
        people=[key for p in people for key in (p.user, p.email) if key], resource=resource,
        windows=[(start, end)], viewer=viewer, zone=zone, exclude_event=exclude_event,
    )


def _checked_people(hearing: Hearing) -> list[Attendee]:
    return [
        p.attendee
        for p in hearing.participants.select_related("attendee").filter(
            role__in=CONFLICT_CHECKED_ROLES, attendee__removed_at__isnull=True,
        )
    ]


def next_date_check(*, hearing: Hearing, start: datetime, moving: bool, by: Attendee | None) -> None:
    """The bench, the clerk, counsel and the courtroom must be free at an adjournment's or
    postponement's new date; raises ``TransitionRefused`` naming the clash (those ``by``'s account
    takes part in; the others only "busy")."""
    end = start + (hearing.occurrence.end - hearing.occurrence.start)
    if moving and hearing.occurrence.end <= timezone.now():
        raise TransitionRefused(_("This hearing's time has passed; adjourn it or schedule a new one."))
    try:
        # The hearing itself is moving or ending, so its own time never clashes.
        conflicts_refuse(people=_checked_people(hearing), resource=hearing.courtroom, start=start, end=end,
                         viewer=by.user if by is not None else None, zone=hearing.event.timezone,
                         exclude_event=hearing.event)
    except Conflict as exc:
        raise TransitionRefused(exc.messages[0]) from exc
