"""Who may do what in a hearing: the room policy registered with ``rooms``, and page access.

Policies answer questions; what a status change does to the hearing is ``hearings.receivers``."""

from __future__ import annotations

from dataclasses import dataclass, field

from django.db.models import Q
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _

from hearings.conflicts import next_date_check
from hearings.models import (
    FINAL_STATUSES,
    MODERATOR_ROLES,
    NEEDS_DATE,
    NEEDS_REASON,
    REQUIRED_FOR_SESSION,
    TRANSITIONS,
    Court,
    CourtMembership,
    Hearing,
    HearingParticipant,
    Role,
    Status,
)
from hearings.status import transition_problem
from rooms.policies import RoomPolicy, TransitionRefused

# Roles that may only listen: no chat, no raised hand, no signalling.
LISTEN_ONLY_ROLES = (Role.OBSERVER,)
# Roles heard but not seen in the built-in audio and video (a witness whose face is protected).
AUDIO_ONLY_ROLES = (Role.WITNESS,)


@dataclass
class DoorBatch:
    """What ``HearingRoomPolicy.prepare`` loads for a batch of door checks."""

    public_events: set = field(default_factory=set)
    # attendee id -> {"accompanies": …} / {"companions": […]}, for the batch's seats with an interpreter link
    links: dict = field(default_factory=dict)


def interpreter_links(attendees) -> dict:
    """Who interprets for whom among ``attendees`` (and their partners), in one query: attendee id
    -> the ``links`` of ``HearingRoomPolicy``."""
    ids = [a.pk for a in attendees if a.role != Role.OBSERVER]
    if not ids:
        return {}
    pairs = (
        HearingParticipant.objects.filter(role=Role.INTERPRETER, attendee__removed_at__isnull=True)
        .filter(Q(attendee_id__in=ids) | Q(interprets_for__attendee_id__in=ids))
        .values_list("attendee_id", "attendee__name", "interprets_for__attendee_id", "interprets_for__attendee__name")
        .order_by("attendee__name")
    )
    links: dict = {}
    for interpreter, interpreter_name, person, person_name in pairs:
        links.setdefault(interpreter, {})["accompanies"] = {"id": str(person), "name": person_name}
        links.setdefault(person, {}).setdefault("companions", []).append(
            {"id": str(interpreter), "name": interpreter_name})
    return links


class HearingRoomPolicy(RoomPolicy):
    statuses = {status.value: status.label for status in Status}
    initial_status = Status.SCHEDULED.value
    transitions = {str(key): tuple(str(v) for v in value) for key, value in TRANSITIONS.items()}
    final_statuses = tuple(str(s) for s in FINAL_STATUSES)
    # Nobody but the bench and the clerk enters without being admitted.
    entry_statuses = ()
    # A witness is kept out until called: the lobby is never emptied at once.
    admit_all = False

    def fields(self, status: str) -> tuple[str, ...]:
        return (("reason",) if status in NEEDS_REASON else ()) + (("next_at",) if status in NEEDS_DATE else ())

    def link_labels(self) -> dict[str, str]:
        return {
            "accompanies": _("interprets for %(name)s"),
            "without": _("admitted without their interpreter (%(names)s)"),
            "both": _("Admit with interpreter"),
        }

    def links(self, attendee, *, prepared: DoorBatch | None = None) -> dict:
        if prepared is not None:
            return prepared.links.get(attendee.pk, {})
        return interpreter_links([attendee]).get(attendee.pk, {})

    def next_steps(self, occurrence, attendee, *, moderator: bool) -> list[tuple[str, str]]:
        hearing = Hearing.objects.filter(occurrence=occurrence).only("pk").first() if moderator else None
        if hearing is None:
            return []
        return [(_("The hearing's record"), reverse("hearings:record", args=[hearing.pk])),
                (_("The hearing's page"), reverse("hearings:hearing", args=[hearing.pk]))]

    def video_settings(self, occurrence) -> Court | None:
        return Court.objects.filter(cases__hearings__event_id=occurrence.event_id).first()

    def external_video(self, occurrence) -> bool:
        """A closed hearing is never heard on a third party's server; a public one where the court opted in."""
        hearing = Hearing.objects.filter(event_id=occurrence.event_id).only("is_public").first()
        return hearing is not None and hearing.is_public and super().external_video(occurrence)

    def role_label(self, attendee) -> str:
        return str(Role(attendee.role).label) if attendee.role in Role.values else attendee.role

    def is_moderator(self, attendee) -> bool:
        return attendee.role in MODERATOR_ROLES

    def enters_directly(self, attendee, *, status: str) -> bool:
        return self.is_moderator(attendee)

    def prepare(self, *, occurrences, attendees) -> DoorBatch:
        """The events of the batch's public hearings (what ``may_enter`` asks per observer) and who
        interprets for whom (``links``): a query each, the second only for a batch with parties."""
        events = {o.event_id for o in occurrences}
        return DoorBatch(
            public_events=set(
                Hearing.objects.filter(event_id__in=events, is_public=True).values_list("event_id", flat=True)
            ),
            links=interpreter_links([a for a in attendees if a.event_id in events]),
        )

    def may_enter(self, attendee, *, prepared: DoorBatch | None = None) -> bool:
        """A closed hearing has no public: observers are refused (4403)."""
        if attendee.role != Role.OBSERVER:
            return True
        if prepared is not None:
            return attendee.event_id in prepared.public_events
        hearing = Hearing.objects.filter(event_id=attendee.event_id).only("is_public").first()
        return hearing is not None and hearing.is_public

    def may_send(self, attendee, action: str) -> bool:
        return attendee.role not in LISTEN_ONLY_ROLES

    def is_audience(self, attendee) -> bool:
        """The public of a public hearing: counted, not listed, once the clerk lets them in."""
        return attendee.role in LISTEN_ONLY_ROLES

    def audio_only(self, attendee) -> bool:
        return attendee.role in AUDIO_ONLY_ROLES

    def check_transition(self, *, occurrence, current, target, by, reason, next_at, present) -> None:
        problem = transition_problem(current=current, target=target, reason=reason, next_at=next_at,
                                     now=timezone.now())
        if problem:
            raise TransitionRefused(problem)
        if target == Status.IN_SESSION:
            here = {attendee.role for attendee in present}
            missing = [role for role in REQUIRED_FOR_SESSION if role not in here]
            if missing:
                labels = [str(Role(role).label) for role in missing]
                raise TransitionRefused(
                    _("The session cannot start until these are present: %(roles)s.") % {"roles": ", ".join(labels)},
                    missing_roles=labels,
                )
        if target in (Status.ADJOURNED, Status.POSTPONED):
            hearing = Hearing.objects.select_related("case__court", "occurrence").get(occurrence=occurrence)
            next_date_check(hearing=hearing, start=next_at, moving=target == Status.POSTPONED, by=by)


# Page and API access ------------------------------------------------------------------------

def court_role(user, court) -> str | None:
    if not user.is_authenticated:
        return None
    membership = CourtMembership.objects.filter(court=court, user=user).first()
    return membership.role if membership else None


def is_court_clerk(user, court) -> bool:
    return court_role(user, court) == CourtMembership.Role.CLERK


def is_court_judge(user, court) -> bool:
    return court_role(user, court) == CourtMembership.Role.JUDGE


def is_court_staff(user, court) -> bool:
    return court_role(user, court) is not None


def is_any_court_staff(user) -> bool:
    return user.is_authenticated and CourtMembership.objects.filter(user=user).exists()


def participant_of(user, hearing: Hearing) -> HearingParticipant | None:
    if not user.is_authenticated:
        return None
    return (
        HearingParticipant.objects.select_related("attendee")
        .filter(hearing=hearing, attendee__user=user, attendee__removed_at__isnull=True)
        .first()
    )


def may_view(user, hearing: Hearing) -> bool:
    return is_court_staff(user, hearing.case.court) or participant_of(user, hearing) is not None


def may_manage(user, hearing: Hearing) -> bool:
    """Add participants, see the record: the court's clerks."""
    return is_court_clerk(user, hearing.case.court)


def moderator_attendee(user, hearing: Hearing):
    """The user's own moderator seat in this hearing (presiding judge or clerk), else None."""
    participant = participant_of(user, hearing)
    if participant is not None and participant.role in MODERATOR_ROLES:
        return participant.attendee
    return None


def may_manage_links(user, event) -> bool:
    """The court's clerks rotate, withdraw and resend the links of a hearing's people
    (``scheduling.policies.register_link_manager``)."""
    hearing = Hearing.objects.select_related("case__court").filter(event_id=event.pk).first()
    return hearing is not None and may_manage(user, hearing)
