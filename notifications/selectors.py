from django.db.models import Count, Q, QuerySet

from config.types import User
from notifications.models import Message, ShortNotice
from scheduling.models import Event


def inbox_for(*, user: User) -> QuerySet[Message]:
    return Message.objects.filter(user=user, channel=Message.Channel.IN_APP).select_related("event")


def unread_count(*, user: User) -> int:
    return inbox_for(user=user).filter(read_at__isnull=True).count()


def notices_after(*, user: User, after_id: int) -> list[Message]:
    return list(inbox_for(user=user).filter(pk__gt=after_id).order_by("pk")[:50])


def last_notice_id(*, user: User) -> int:
    return inbox_for(user=user).order_by("-pk").values_list("pk", flat=True).first() or 0


def deliveries_for_event(*, event: Event) -> QuerySet[Message]:
    """What was sent to whom for one event (not the organiser's own warnings)."""
    return (
        Message.objects.filter(event=event, attendee__isnull=False)
        .select_related("attendee", "occurrence")
        .order_by("-created_at", "-id")
    )


def short_notices_for(*, event: Event) -> QuerySet[ShortNotice]:
    return ShortNotice.objects.filter(event=event)


def organised_events_with_deliveries(*, user: User) -> QuerySet[Event]:
    return (
        Event.objects.filter(organizer=user, messages__isnull=False)
        .annotate(
            failed=Count(
                "messages", filter=Q(messages__status=Message.Status.FAILED, messages__attendee__isnull=False)
            ),
            waiting=Count("messages", filter=Q(messages__status__in=[Message.Status.PENDING, Message.Status.SENDING])),
        )
        .order_by("-start")
        .distinct()
    )
