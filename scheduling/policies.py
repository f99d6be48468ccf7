"""Who may do what with an event through the plain pages and the API, and whom a person may invite.

Domain apps (classes, hearings) authorise their own screens before calling the services. What
scheduling needs to know of them they register at start-up (``AppConfig.ready``): who organises
for them, and where their events are changed.
"""

from django.core.exceptions import ObjectDoesNotExist
from django.utils.translation import gettext as _

from scheduling import selectors
from scheduling.errors import NotAllowed
from scheduling.models import Event


def can_change_event(user, event: Event) -> bool:
    return bool(user and user.is_authenticated and event.organizer_id == user.pk)


def require_change(user, event: Event) -> None:
    """Through the plain pages and the API only the organiser changes an event, and only a plain
    one: a class meeting or a hearing (an event with a ``kind``) changes through its own app's
    services, with their rules and log, never around them."""
    if not can_change_event(user, event):
        raise NotAllowed(_("Only the organiser of “%(title)s” can change it.") % {"title": event.title})
    if event.kind:
        page = domain_page(event)
        if page:
            raise NotAllowed(
                _("“%(title)s” is changed on its own page, where its rules apply: %(page)s")
                % {"title": event.title, "page": page}
            )
        raise NotAllowed(
            _("“%(title)s” belongs to a class or a hearing: change it there, where its rules apply.")
            % {"title": event.title}
        )


def can_view_event(user, event: Event) -> bool:
    if can_change_event(user, event):
        return True
    return bool(user and user.is_authenticated) and event.pk in selectors.invitations_for_user(
        user=user, event_ids=[event.pk]
    )


# Who besides the organiser manages people's personal links in a domain's events (a court's
# clerks, a class's teachers): the domain app registers a check under its event kind at start-up.
_link_managers: dict[str, object] = {}


def register_link_manager(kind: str, check) -> None:
    """``check(user, event) -> bool``, asked for events of ``kind`` whose organiser is someone else."""
    _link_managers[kind] = check


def can_manage_links(user, event: Event) -> bool:
    if not (user and user.is_authenticated):
        return False
    check = _link_managers.get(event.kind)
    return can_change_event(user, event) or bool(check is not None and check(user, event))


def require_manage_links(user, event: Event) -> None:
    if not can_manage_links(user, event):
        raise NotAllowed(
            _("Only the organiser of “%(title)s” or its staff can change or send its links.") % {"title": event.title}
        )


# Organisers and domains: filled by the domain apps at start-up.
_organiser_checks: list = []
_domain_pages: dict[str, object] = {}


def register_organiser_check(check) -> None:
    """``check(user) -> bool``: the user organises for a domain (teaches a class, staffs a court)."""
    _organiser_checks.append(check)


def register_domain_page(kind: str, page) -> None:
    """``page(event) -> str``: the path where an event of ``kind`` is changed (its hearing, its class)."""
    _domain_pages[kind] = page


def domain_page(event: Event) -> str:
    page = _domain_pages.get(event.kind)
    try:
        return page(event) if page is not None else ""
    except ObjectDoesNotExist:  # an event of the kind without its domain row
        return ""


def is_organiser(user) -> bool:
    """Django staff, or someone a domain app vouches for (a teacher, a school's administrator, a
    court's staff). Organisers invite anyone and have the higher limits (``scheduling.limits``)."""
    if user is None or not getattr(user, "is_authenticated", False):
        return False
    return user.is_staff or any(check(user) for check in _organiser_checks)


def strangers(*, organizer, people) -> list[str]:
    """Those of ``people`` (accounts and e-mail addresses) ``organizer`` may not invite.

    Whom a person may invite:
    - an organiser (``is_organiser``) invites anyone, by account or address;
    - anyone else (a student, a party) invites only themselves and people they already share an
      event with (who organise or attend one of the events they organise or attend), so that an
      account cannot turn Hadir's invitations, updates and reminders on arbitrary addresses.
    An attendee with neither an account nor an address contacts nobody and is not asked about.
    """
    if not people or is_organiser(organizer):
        return []
    user_ids, emails = selectors.acquaintances(user=organizer)
    user_ids.add(organizer.pk)
    if organizer.email:
        emails.add(organizer.email.lower())
    refused = []
    for person in people:
        if isinstance(person, str):
            name = person.strip() if person.strip().lower() not in emails else ""
        else:
            name = person.email or person.get_username() if person.pk not in user_ids else ""
        if name and name not in refused:
            refused.append(name)
    return refused
