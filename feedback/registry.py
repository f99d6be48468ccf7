"""What the feedback app needs to know of the domains, registered at start-up (``AppConfig.ready``).

``feedback`` knows only ``scheduling``. Two registries, in the way ``rooms.policies`` works:

- per event kind, a ``SittingPolicy``: who is asked about a sitting and who reads the answers.
  Whether a sitting has ended and whether someone attended are the live side's facts; the project
  plugs them in once with ``register_sitting_facts`` (``config.apps``), from ``rooms``.
- per organisation kind ("court", "school"), an ``OrganisationKind``: its slug lookup, who its
  staff are, its sessions (for the trend), and what must never be shown publicly (closed cases).
"""

from __future__ import annotations

from collections.abc import Callable
from datetime import datetime
from typing import Any

from django.db.models import QuerySet

from scheduling.models import Attendee, Event, Occurrence

_facts: dict[str, Callable] = {
    "ended": lambda occurrence, now: occurrence.end <= now,
    "attended": lambda attendee, occurrence: False,
}


def register_sitting_facts(*, ended: Callable[[Occurrence, datetime], bool],
                           attended: Callable[[Attendee, Occurrence], bool]) -> None:
    _facts["ended"] = ended
    _facts["attended"] = attended


class SittingPolicy:
    """The default (a plain meeting): everyone but the organiser is asked; the organiser reads."""

    def has_ended(self, occurrence: Occurrence, *, now: datetime) -> bool:
        return not occurrence.is_cancelled and _facts["ended"](occurrence, now)

    def attended(self, attendee: Attendee, occurrence: Occurrence) -> bool:
        return _facts["attended"](attendee, occurrence)

    def is_asked(self, attendee: Attendee) -> bool:
        return attendee.user_id is None or attendee.user_id != attendee.event.organizer_id

    def may_read(self, user, event: Event) -> bool:
        return bool(user and user.is_authenticated and user.pk == event.organizer_id)

    def asks_on(self, status: str) -> bool:
        """Whether the room reaching ``status`` ends a sitting that was held (the follow-up e-mail)."""
        return status == "ended"


DEFAULT_SITTING_POLICY = SittingPolicy()
_sitting_policies: dict[str, SittingPolicy] = {}


def register_sitting_policy(kind: str, policy: SittingPolicy) -> None:
    _sitting_policies[kind] = policy


def sitting_policy_for(event: Event) -> SittingPolicy:
    return _sitting_policies.get(event.kind, DEFAULT_SITTING_POLICY)


class OrganisationKind:
    """A kind of organisation the public may write to. Subclasses fill every method."""

    key = ""  # "court": stored on each submission, and the URL name prefix ("court_submit")
    url_prefix = ""  # "courts": /courts/<slug>/feedback/
    label: Any = ""

    def lookup(self, slug: str) -> Any | None:
        raise NotImplementedError

    def key_of(self, organisation) -> str:
        return str(organisation.pk)

    def by_key(self, key: str) -> Any | None:
        raise NotImplementedError

    def name(self, organisation) -> str:
        return str(organisation)

    def slug(self, organisation) -> str:
        return organisation.slug

    def timezone(self, organisation) -> str:
        return organisation.timezone

    def is_staff(self, user, organisation) -> bool:
        raise NotImplementedError

    def events(self, organisation) -> QuerySet[Event]:
        """Every session the organisation holds, for the trend its administrators see."""
        raise NotImplementedError

    def hidden_numbers(self, organisation) -> set[str]:
        """Case numbers (or other references) never to be shown publicly: closed hearings'."""
        return set()


_organisations: dict[str, OrganisationKind] = {}


def register_organisation(kind: OrganisationKind) -> None:
    _organisations[kind.key] = kind


def organisation_kind(key: str) -> OrganisationKind | None:
    return _organisations.get(key)


def organisation_kinds() -> list[OrganisationKind]:
    return list(_organisations.values())
