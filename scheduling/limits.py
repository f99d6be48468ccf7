"""Limits that keep one account from turning Hadir into a mail cannon.

- Reminders: at most ``HADIR_MAX_REMINDERS`` offsets per event, each one of ``REMINDER_CHOICES``.
- Attendees per event: ``HADIR_MAX_ATTENDEES`` for an ordinary account, ``HADIR_MAX_ATTENDEES_ORGANISER``
  for an organiser (``scheduling.policies.is_organiser``: staff, teachers, court staff).
- Messages per organiser per hour: ``HADIR_MAX_MESSAGES_PER_HOUR`` (ordinary account) or
  ``HADIR_MAX_MESSAGES_PER_HOUR_ORGANISER``. Scheduling does not know the outbox: the app that
  keeps it registers a counter at start-up (``register_message_counter``); a change that would
  send more than the rest of the hour's budget is refused before anything is written.
"""

from datetime import timedelta

from django.conf import settings
from django.utils import timezone
from django.utils.translation import gettext as _

from scheduling import policies
from scheduling.errors import SchedulingError

# Minutes before a sitting: 5, 10, 15, 30 minutes, 1 and 2 hours, 1, 2 and 7 days.
REMINDER_CHOICES = (5, 10, 15, 30, 60, 120, 1440, 2880, 10080)

_message_counters: list = []


def register_message_counter(counter) -> None:
    """``counter(*, organizer, since) -> int``: messages sent on behalf of ``organizer``'s events since then."""
    _message_counters.append(counter)


def reminders(values) -> list[int]:
    """The reminder offsets, largest first; a ``SchedulingError`` naming what is allowed otherwise."""
    values = list(values or [])
    allowed = ", ".join(str(choice) for choice in REMINDER_CHOICES)
    if any(isinstance(value, bool) or not isinstance(value, int) or value not in REMINDER_CHOICES for value in values):
        raise SchedulingError(
            _("Reminders are minutes before the start, one of: %(allowed)s.") % {"allowed": allowed},
            field="reminder_minutes",
        )
    values = sorted(set(values), reverse=True)
    if len(values) > settings.HADIR_MAX_REMINDERS:
        raise SchedulingError(
            _("An event has at most %(count)d reminders.") % {"count": settings.HADIR_MAX_REMINDERS},
            field="reminder_minutes",
        )
    return values


def refuse_too_many_attendees(*, organizer, count: int) -> None:
    """``count`` is the number of active attendees the event would have."""
    organiser = policies.is_organiser(organizer)
    limit = settings.HADIR_MAX_ATTENDEES_ORGANISER if organiser else settings.HADIR_MAX_ATTENDEES
    if count > limit:
        raise SchedulingError(
            _("Your events may have at most %(limit)d attendees each.") % {"limit": limit}, field="attendees",
            code="limit",
        )


def refuse_over_message_budget(*, organizer, messages: int) -> None:
    """Refuse a change that would send ``messages`` more than the hour's budget allows."""
    if messages <= 0 or not _message_counters:
        return
    organiser = policies.is_organiser(organizer)
    limit = settings.HADIR_MAX_MESSAGES_PER_HOUR_ORGANISER if organiser else settings.HADIR_MAX_MESSAGES_PER_HOUR
    since = timezone.now() - timedelta(hours=1)
    sent = sum(counter(organizer=organizer, since=since) for counter in _message_counters)
    if sent + messages > limit:
        raise SchedulingError(
            _(
                "Your events may send at most %(limit)d messages an hour; %(sent)d were sent in the last hour "
                "and this change would send %(count)d more. Try again later."
            ) % {"limit": limit, "sent": sent, "count": messages},
            code="rate_limited",
        )
