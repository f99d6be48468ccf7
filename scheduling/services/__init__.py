"""Every write to scheduling. Keyword-only, each in one transaction, refusing bad input with one
translated ``SchedulingError`` and changing nothing.

Each significant change to an event (its time, rule, title, description, a sitting moved or
cancelled, an attendee removed) increments ``Event.sequence`` (the iTIP SEQUENCE) and sends one
of ``scheduling.signals`` inside the transaction, after the rows are written.

Who may call what is the caller's business (``scheduling.policies`` for the plain pages and the
API, the domain apps for their own screens); ``by`` is recorded in the log. What holds for every
caller is checked here: whom the organiser may invite (``policies.strangers``), how many attendees,
reminders and messages (``scheduling.limits``), free text without control characters
(``scheduling.text``), and that a clash names only sittings the caller takes part in.

One module per concept, each readable alone; callers import this package
(``from scheduling import services; services.event_create(...)``):

- ``events``: create, change, cancel a series, and write its sittings as ``scheduling.planning``
  plans them;
- ``occurrences``: move or cancel one sitting;
- ``attendees``: invite, uninvite, answers, the personal link (rotate, revoke, send again);
- ``feeds``: calendar feeds and profiles;
- ``conflicts``: the one rule by which a clash reaches a person;
- ``validation``: the checks every service makes on its input, the clock and the SEQUENCE bump.
"""

from scheduling.services.attendees import (
    AttendeeSpec,
    attendee_add,
    attendee_invite_resend,
    attendee_remove,
    attendee_rsvp,
    attendee_token_revoke,
    attendee_token_rotate,
)
from scheduling.services.conflicts import conflicts_refuse
from scheduling.services.events import event_cancel, event_create, event_restate, event_update
from scheduling.services.feeds import (
    calendar_feed_for,
    calendar_feed_revoke,
    calendar_feed_rotate,
    profile_for,
    profile_update,
)
from scheduling.services.occurrences import occurrence_cancel, occurrence_move

__all__ = [
    "AttendeeSpec",
    "attendee_add",
    "attendee_invite_resend",
    "attendee_remove",
    "attendee_rsvp",
    "attendee_token_revoke",
    "attendee_token_rotate",
    "calendar_feed_for",
    "calendar_feed_revoke",
    "calendar_feed_rotate",
    "conflicts_refuse",
    "event_cancel",
    "event_create",
    "event_restate",
    "event_update",
    "occurrence_cancel",
    "occurrence_move",
    "profile_for",
    "profile_update",
]
