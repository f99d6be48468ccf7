"""Notice periods per event kind, registered by the domain apps (a summons needs 3 days).

``notifications`` knows nothing of hearings. A domain app registers the minimum notice its
kind of event requires in ``AppConfig.ready``::

    register_notice_period("hearing", timedelta(days=3), label=_("summons"))

When invitations for such an event go out later than that, the organiser is warned and the
warning is recorded (``notifications.models.ShortNotice``).
"""

from dataclasses import dataclass
from datetime import timedelta


@dataclass(frozen=True)
class NoticePeriod:
    minimum: timedelta
    label: str  # a lazy translation naming what the invitation is ("summons")


_periods: dict[str, NoticePeriod] = {}


def register_notice_period(kind: str, minimum: timedelta, *, label) -> None:
    _periods[kind] = NoticePeriod(minimum=minimum, label=label)


def unregister_notice_period(kind: str) -> None:
    _periods.pop(kind, None)


def notice_period_for(kind: str) -> NoticePeriod | None:
    return _periods.get(kind)
