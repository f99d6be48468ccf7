"""The outbox's side of ``scheduling.limits``: how many messages an organiser's events caused lately."""

from notifications.models import Message

COUNTED = (Message.Kind.INVITE, Message.Kind.UPDATE, Message.Kind.CANCEL)


def messages_caused_by(*, organizer, since) -> int:
    """Invitations, updates and cancellations of ``organizer``'s events written since ``since``.
    Reminders are not counted: their number is bounded by the event's own limits."""
    return Message.objects.filter(event__organizer=organizer, created_at__gte=since, kind__in=COUNTED).count()
