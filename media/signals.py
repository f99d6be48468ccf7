"""What media announces, so that the domain apps keep their own records of it.

- recording_changed(occurrence, on: bool, by: Attendee | None, at: datetime)
      # a sitting's recording started (``on``) or stopped (``by`` None: the sitting ended). Sent
      # inside the transaction that records it; a hearing writes it into its status log.
"""

from django.dispatch import Signal

recording_changed = Signal()
