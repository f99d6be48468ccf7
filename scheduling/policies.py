"""Who may do what with an event through the plain pages and the API.

Domain apps (classes, hearings) authorise their own screens before calling the services.
"""

from django.utils.translation import gettext as _

from scheduling import selectors
from scheduling.errors import NotAllowed
from scheduling.models import Event


def can_change_event(user, event: Event) -> bool:
    return bool(user and user.is_authenticated and event.organizer_id == user.pk)


def require_change(user, event: Event) -> None:
    if not can_change_event(user, event):
        raise NotAllowed(_("Only the organiser of “%(title)s” can change it.") % {"title": event.title})


def can_view_event(user, event: Event) -> bool:
    if can_change_event(user, event):
        return True
    return bool(user and user.is_authenticated) and event.pk in selectors.invitations_for_user(
        user=user, event_ids=[event.pk]
    )
