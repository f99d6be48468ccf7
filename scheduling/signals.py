"""What scheduling announces, so that other apps (notifications) react without being imported.

Every signal is sent inside the service's transaction, after the change is written: a receiver
that writes rows (an outbox) writes them in the same transaction, and queues work with
``transaction.on_commit``.

Arguments (all keyword):
- event_created(event)
- event_changed(event, changes: set[str])        # series-wide change; SEQUENCE already bumped
- event_cancelled(event)
- occurrence_moved(occurrence, previous_start)   # one sitting moved; exported with RECURRENCE-ID
- occurrence_cancelled(occurrence)
- attendee_added(attendee)
- attendee_removed(attendee)                     # attendee.removed_at is set; send them a CANCEL
- rsvp_recorded(attendee)
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
