"""Public observers of a hearing: a place taken without an account, never hoarded (issue 13's rules).
Kept apart from ``hearings.services`` by concept; seats are taken through its ``_seat``."""

from __future__ import annotations

from datetime import datetime, timedelta

from django.conf import settings
from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from hearings.errors import HearingError, HearingForbidden
from hearings.models import Hearing, HearingParticipant, Role
from hearings.services import Person, _check_text, _seat
from rooms import selectors as room_selectors
from rooms.models import AttendanceInterval
from scheduling import tokens
from scheduling.models import Attendee


def _keyed(purpose: str, value: str) -> list[str]:
    """Keyed hashes of a session key or a client address, current key first (stored with it,
    recognised by any accepted key): recognised again, never read back."""
    return tokens.keyed_digests(purpose, value)


@transaction.atomic
def observer_join(*, hearing: Hearing, name: str, session_key: str, client_address: str) -> Attendee:
    """A member of the public takes an observer's place (no account, no invitation e-mail).

    Places cannot be hoarded: a browser session holds one (asking again gives the same place back),
    one client address takes at most ``HADIR_OBSERVER_PLACES_PER_ADDRESS`` in
    ``HADIR_OBSERVER_ADDRESS_WINDOW_MINUTES``, and a place whose holder has not connected within
    ``HADIR_OBSERVER_CONNECT_MINUTES`` goes back to the public (``_observer_places_release``).
    """
    hearing = Hearing.objects.select_for_update().select_related("event").get(pk=hearing.pk)
    if not hearing.is_public:
        raise HearingForbidden(_("This hearing is closed to the public."))
    if hearing.is_final:
        raise HearingError(_("This hearing is over."))
    holders = _keyed("observer-session", session_key) if session_key else []
    holder = holders[0] if holders else ""
    held = hearing.participants.select_related("attendee").filter(role=Role.OBSERVER, observer_session__in=holders) \
        .order_by("-created_at").first() if holders else None
    if held is not None and held.attendee.removed_at is None:
        if held.attendee.join_token_revoked_at is not None:
            raise HearingError(_("The court withdrew your observer place."), code="withdrawn")
        return held.attendee
    name = name.strip()
    if not name:
        raise HearingError(_("Give your name."), field="name")
    if len(name) > 200:
        raise HearingError(_("Your name is too long."), field="name")
    _check_text("name", name, 200)
    now = timezone.now()
    _observer_places_release(hearing=hearing, now=now)
    addresses = _keyed("observer-address", client_address) if client_address else []
    address = addresses[0] if addresses else ""
    window = now - timedelta(minutes=settings.HADIR_OBSERVER_ADDRESS_WINDOW_MINUTES)
    if address and HearingParticipant.objects.filter(
        role=Role.OBSERVER, observer_address__in=addresses, created_at__gte=window,
    ).count() >= settings.HADIR_OBSERVER_PLACES_PER_ADDRESS:
        raise HearingError(
            _("Too many observer places were taken from your network just now. Try again in a few minutes."),
            code="rate_limited",
        )
    taken = hearing.participants.filter(role=Role.OBSERVER, attendee__removed_at__isnull=True).count()
    if taken >= hearing.observer_capacity:
        raise HearingError(_("All observer places for this hearing are taken."))
    participant = _seat(hearing=hearing, role=Role.OBSERVER, person=Person(name=name), notify=False,
                        observer_session=holder, observer_address=address)
    return participant.attendee


def _observer_places_release(*, hearing: Hearing, now: datetime) -> int:
    """Give back the places taken more than ``HADIR_OBSERVER_CONNECT_MINUTES`` ago whose holder is
    not in the room now (in the lobby counts) and was never let in. Run when a place is asked
    for, so nothing has to sweep. Observers get no mail, so the place is withdrawn without one."""
    cutoff = now - timedelta(minutes=settings.HADIR_OBSERVER_CONNECT_MINUTES)
    stale = Attendee.objects.filter(
        hearing_role__hearing=hearing, hearing_role__role=Role.OBSERVER, removed_at__isnull=True, created_at__lt=cutoff,
    ).exclude(pk__in=AttendanceInterval.objects.filter(occurrence_id=hearing.occurrence_id).values("attendee_id"))
    if not stale.exists():
        return 0
    here = [person["id"] for person in room_selectors.room_presence(hearing.occurrence)]
    return stale.exclude(pk__in=here).update(removed_at=now)
