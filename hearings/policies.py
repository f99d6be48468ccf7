"""Who may do what in a hearing: the room policy registered with ``rooms``, and page access.

Policies answer questions; what a status change does to the hearing is ``hearings.receivers``."""

from __future__ import annotations

from django.utils import timezone
from django.utils.translation import gettext as _

from hearings.conflicts import next_date_check
from hearings.models import (
    FINAL_STATUSES,
    MODERATOR_ROLES,
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


class HearingRoomPolicy(RoomPolicy):
    statuses = {status.value: status.label for status in Status}
    initial_status = Status.SCHEDULED.value
    transitions = {str(key): tuple(str(v) for v in value) for key, value in TRANSITIONS.items()}
    final_statuses = tuple(str(s) for s in FINAL_STATUSES)
    # Nobody but the bench and the clerk enters without being admitted.
    entry_statuses = ()

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

    def prepare(self, *, occurrences, attendees) -> set:
        """The events of the batch's public hearings: one query, what ``may_enter`` asks per observer."""
        return set(
            Hearing.objects.filter(event_id__in={o.event_id for o in occurrences}, is_public=True)
            .values_list("event_id", flat=True)
        )

    def may_enter(self, attendee, *, prepared: set | None = None) -> bool:
        """A closed hearing has no public: observers are refused (4403)."""
        if attendee.role != Role.OBSERVER:
            return True
        if prepared is not None:
            return attendee.event_id in prepared
        hearing = Hearing.objects.filter(event_id=attendee.event_id).only("is_public").first()
        return hearing is not None and hearing.is_public

    def admitted_with(self, attendee) -> list:
        """The interpreters of the person admitted, and the person an admitted interpreter serves."""
        participant = HearingParticipant.objects.filter(attendee=attendee).first()
        if participant is None:
            return []
        linked = [p.attendee for p in participant.interpreters.select_related("attendee")]
        if participant.interprets_for_id:
            linked.append(participant.interprets_for.attendee)
        return [a for a in linked if a.is_active]

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
