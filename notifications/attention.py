"""For the home page (``config.attention``): invitations that could not be delivered, per event the
person organises (the outbox's failed e-mails), each leading to that event's deliveries."""

from django.db.models import Count
from django.urls import reverse
from django.utils.translation import gettext as _
from django.utils.translation import ngettext

from config.attention import Attention
from notifications.models import Message


def undelivered(user) -> list[Attention]:
    rows = (
        Message.objects.filter(event__organizer=user, channel=Message.Channel.EMAIL, status=Message.Status.FAILED)
        .values("event_id", "event__title").annotate(count=Count("id")).order_by("event__title")[:20]
    )
    return [
        Attention(
            text=ngettext(
                "%(count)d message about “%(title)s” could not be delivered.",
                "%(count)d messages about “%(title)s” could not be delivered.", row["count"],
            ) % {"count": row["count"], "title": row["event__title"]},
            url=reverse("notifications:event_log", args=[row["event_id"]]),
            action=_("See the deliveries"),
        )
        for row in rows
    ]
