"""What rooms announce, so that the domain apps act on it without rooms importing them.

Sent inside the service's transaction, after the change is written (as ``scheduling.signals``):
a receiver's writes join that transaction, and a receiver that raises undoes the change.

Arguments (all keyword):
- room_status_changed(occurrence, previous: str, status: str, by: Attendee | None, reason: str,
                      next_at: datetime | None)
      # ``room_status_set`` changed the session's status (``by`` None: the system). Receivers
      # check ``occurrence.event.kind``: the signal is sent for every kind of room.
- participant_removed(occurrence, attendee, by: Attendee | None)
      # ``lobby_deny`` refused or removed the attendee (their sockets close with 4403).
- participant_left(occurrence, attendee)
      # The attendee's last connection to the room is gone and the grace period after it ran out
      # (``rooms.services.participants_left``, from the presence sweeper): not sent inside a
      # transaction; receivers that reach outside services should not make the sweeper wait.
"""

from django.dispatch import Signal

room_status_changed = Signal()
participant_removed = Signal()
participant_left = Signal()
