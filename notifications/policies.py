"""Who may see and act on an event's deliveries: its organiser, nobody else."""

from scheduling.models import Event


def may_manage_deliveries(user, event: Event | None) -> bool:
    return bool(event is not None and user.is_authenticated and event.organizer_id == user.pk)
