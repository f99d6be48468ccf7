"""What scheduling announces, so that other apps (notifications) react without being imported.

Every signal is sent inside the service's transaction, after the change is written: a receiver
that writes rows (an outbox) writes them in the same transaction, and queues work with
``transaction.on_commit``.

Arguments (all keyword):
- event_created(event)                           # with its first attendees: invite them all
- event_changed(event, changes: set[str])        # series-wide change; SEQUENCE already bumped;
                                                 # changes ⊆ {title, description, start, duration,
                                                 # rrule, timezone, status}; status: the
                                                 # domain app's state (event_restate)
- event_cancelled(event)                         # also a single event's only sitting cancelled
- occurrence_moved(occurrence, previous_start)   # one sitting moved; exported with RECURRENCE-ID
- occurrence_cancelled(occurrence)               # one sitting of a series; send CANCEL with it
- attendee_added(attendee, notify: bool)         # added later; notify=False: send nothing
- attendee_removed(attendee)                     # attendee.removed_at is set; send them a CANCEL
- rsvp_recorded(attendee, occurrence)           # an answer; occurrence None: to the series
- join_link_changed(attendee)                    # link rotated or revoked: whoever entered with the
                                                 # old one is out (rooms close their sockets)
- join_link_resend(attendee, key: str)           # send the invite with the current link again;
                                                 # ``key`` tells one request to resend from another

Matching iCalendar: ``scheduling.ical.invite_calendar(event=..., attendee=..., method=...,
occurrence=...)``.
"""

from django.dispatch import Signal

event_created = Signal()
event_changed = Signal()
event_cancelled = Signal()
occurrence_moved = Signal()
occurrence_cancelled = Signal()
attendee_added = Signal()
attendee_removed = Signal()
rsvp_recorded = Signal()
join_link_changed = Signal()
join_link_resend = Signal()
