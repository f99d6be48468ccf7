"""The one rule by which a clash reaches a person: named when they take part, "busy" otherwise."""

from bisect import bisect_left
from collections.abc import Iterable
from datetime import datetime
from itertools import accumulate

from config.types import AnyUser, People
from scheduling import selectors
from scheduling.errors import Conflict
from scheduling.models import Event, Occurrence


def conflicts_refuse(
    *, people: People, resource: str, windows: Iterable[tuple[datetime, datetime]], viewer: AnyUser | None,
    zone: str, exclude_event: Event | None = None, exclude_occurrence: Occurrence | None = None,
) -> None:
    """Raise ``Conflict`` when ``windows`` clash. Clashing sittings ``viewer`` organises or attends
    are named; for the others only ``viewer``'s own windows that clash are given, as "busy".

    Public for the domain apps' own checks (a hearing's bench and courtroom), so that every clash
    reaches a person through this one rule."""
    clashes = selectors.clashes_for_windows(
        people=people, resource=resource, windows=windows,
        exclude_event=exclude_event, exclude_occurrence=exclude_occurrence,
    )
    if not clashes:
        return
    seen = selectors.events_seen_by(user=viewer, event_ids={clash.event_id for clash in clashes})
    hidden = sorted((clash.start, clash.end) for clash in clashes if clash.event_id not in seen)
    starts = [start for start, _end in hidden]
    latest_end = list(accumulate((end for _start, end in hidden), max))
    busy = []
    for start, end in sorted(windows):
        index = bisect_left(starts, end)  # hidden sittings starting before this window ends
        if index and latest_end[index - 1] > start:
            busy.append((start, end))
    raise Conflict([clash for clash in clashes if clash.event_id in seen], busy=busy, zone=zone)
