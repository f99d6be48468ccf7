"""For the home page (``config.attention``): rooms where people wait in the lobby for this person,
read from the presence store (``rooms.selectors.room_presence``) for the sittings they moderate now."""

from datetime import timedelta

from django.conf import settings
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import ngettext

from config.attention import Attention
from rooms.policies import acts_as_moderator, policy_for
from rooms.selectors import room_presence
from scheduling.selectors import invitations_for_user, occurrences_for_user


def lobby_waiting(user) -> list[Attention]:
    now = timezone.now()
    opens_before = timedelta(minutes=settings.HADIR_ROOM_OPENS_BEFORE_MINUTES)
    closes_after = timedelta(minutes=settings.HADIR_ROOM_CLOSES_AFTER_MINUTES)
    sittings = [
        occurrence for occurrence in occurrences_for_user(user=user, start=now - closes_after, end=now + opens_before)
        if not occurrence.is_cancelled
    ]
    seats = invitations_for_user(user=user, event_ids=[occurrence.event_id for occurrence in sittings])
    items = []
    for occurrence in sittings:
        seat = seats.get(occurrence.event_id)
        if seat is None or not acts_as_moderator(policy_for(occurrence.event), seat, user):
            continue
        waiting = sum(1 for person in room_presence(occurrence) if person["status"] == "waiting")
        if waiting:
            text = ngettext(
                "%(count)d person waits in the lobby of “%(title)s”.",
                "%(count)d people wait in the lobby of “%(title)s”.", waiting,
            ) % {"count": waiting, "title": occurrence.event.title}
            items.append(Attention(text=text, url=seat.join_path, action=str(_("Enter and admit"))))
    return items
