"""The hearing status machine as pure rules: which change is allowed, and what it needs."""

from datetime import datetime, timedelta

from django.utils.translation import gettext as _

from hearings.models import NEEDS_DATE, NEEDS_REASON, TRANSITIONS, Status
from scheduling.text import has_control_characters

MAX_REASON = 500
# A hearing's date, or the next one, is at most this far ahead (as a series in scheduling): no
# court's diary runs further, and arithmetic on a date in year 9999 overflows.
MAX_AHEAD = timedelta(days=2 * 366)


def transition_problem(*, current: str, target: str, reason: str, next_at: datetime | None,
                       now: datetime) -> str | None:
    """Why the change from ``current`` to ``target`` is refused, translated; None when it is allowed."""
    if target not in Status.values:
        return _("“%(status)s” is not a hearing status.") % {"status": target}
    if target not in TRANSITIONS.get(current, ()):
        return _("A hearing that is “%(current)s” cannot become “%(target)s”.") % {
            "current": Status(current).label if current in Status.values else current,
            "target": Status(target).label,
        }
    if len(reason or "") > MAX_REASON:
        return _("A reason has at most %(count)d characters.") % {"count": MAX_REASON}
    if has_control_characters(reason or ""):
        # It becomes the next hearing's agenda and title, and so an e-mail subject.
        return _("A reason is one line of text, without line breaks or control characters.")
    if target in NEEDS_REASON and not (reason or "").strip():
        return _("Give a reason to mark the hearing “%(target)s”.") % {"target": Status(target).label}
    if target in NEEDS_DATE:
        if next_at is None:
            return _("Give the next date to mark the hearing “%(target)s”.") % {"target": Status(target).label}
        if next_at <= now:
            return _("The next date must be in the future.")
        if next_at > now + MAX_AHEAD:
            return _("The next date must be at most two years ahead.")
    return None
