"""Every write of the hearings app. Dates, invitations and conflicts go through ``scheduling``;
status changes go through ``rooms.services.room_status_set``, which asks our room policy and
sends ``rooms.signals.room_status_changed`` inside its transaction; ``hearings.receivers`` answers
it with ``hearing_status_changed``.
"""

from __future__ import annotations

import zoneinfo
from dataclasses import dataclass
from datetime import datetime, timedelta

from django.core.exceptions import ValidationError
from django.db import IntegrityError, transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from config.types import User
from hearings import live
from hearings.conflicts import conflicts_refuse
from hearings.errors import HearingError, HearingForbidden
from hearings.models import (
    ALLOWED_ROLES,
    CONFLICT_CHECKED_ROLES,
    REPRESENTED_ROLES,
    SINGLE_ROLES,
    Case,
    Court,
    CourtMembership,
    Hearing,
    HearingParticipant,
    Role,
    Status,
    StatusLogEntry,
)
from hearings.policies import is_court_clerk, is_court_judge, moderator_attendee
from hearings.status import MAX_AHEAD, transition_problem
from rooms import services as room_services
from rooms.errors import RoomError
from scheduling import services as scheduling
from scheduling.models import Attendee, Occurrence
from scheduling.text import clean_text

HEARING_KIND = "hearing"


@dataclass(frozen=True)
class Person:
    """Someone to seat in a hearing: an account, or a name and an e-mail address."""

    name: str
    email: str = ""
    user: User | None = None
    language: str = ""
    timezone: str = ""


def person_for(user: User) -> Person:
    return Person(name=user.get_full_name() or user.get_username(), email=user.email, user=user)


# Courts and cases -----------------------------------------------------------------------------

def _check_text(field: str, value: str, max_length: int) -> None:
    """One line of text: case numbers, parties, agendas, courtrooms and names reach e-mail subjects
    and headers, calendars and the public docket, where a line break or a NUL is an injection."""
    try:
        clean_text(value, field=field, max_length=max_length)
    except ValidationError as exc:
        raise HearingError(" ".join(exc.messages), field=field) from exc


def _check_zone(name: str) -> None:
    """A directory ("Asia") or a name too long for the file system is refused like an unknown one."""
    try:
        if not name or len(name) > 64:
            raise ValueError(name)
        zoneinfo.ZoneInfo(name)
    except (zoneinfo.ZoneInfoNotFoundError, ValueError, OSError) as exc:
        raise HearingError(
            _("“%(zone)s” is not a known time zone.") % {"zone": name[:64]}, field="timezone"
        ) from exc


def court_create(*, name: str, slug: str, timezone_name: str = "Asia/Jakarta",
                 closed_display: str = Court.ClosedDisplay.LISTED, allow_recording: bool = False) -> Court:
    _check_text("name", name, 200)
    _check_zone(timezone_name)
    court = Court(name=name, slug=slug, timezone=timezone_name, closed_display=closed_display,
                  allow_recording=allow_recording)
    court.full_clean()
    court.save()
    return court


def court_member_add(*, court: Court, user: User, role: str) -> CourtMembership:
    membership, _created = CourtMembership.objects.update_or_create(court=court, user=user, defaults={"role": role})
    return membership


def case_create(*, court: Court, number: str, case_type: str, parties: str, by: User) -> Case:
    if not is_court_clerk(by, court):
        raise HearingForbidden(_("Only the court's clerks may register cases."))
    _check_text("number", number, 100)
    _check_text("parties", parties, 500)
    number = number.strip()
    if not number:
        raise HearingError(_("Give the case number."), field="number")
    if case_type not in ALLOWED_ROLES:
        raise HearingError(_("Choose a case type."), field="case_type")
    if not parties.strip():
        raise HearingError(_("Name the parties."), field="parties")
    if Case.objects.filter(court=court, number__iexact=number).exists():
        raise HearingError(
            _("Case number %(number)s is already used in this court.") % {"number": number}, field="number"
        )
    try:
        with transaction.atomic():
            return Case.objects.create(court=court, number=number, case_type=case_type, parties=parties.strip())
    except IntegrityError as exc:
        raise HearingError(
            _("Case number %(number)s is already used in this court.") % {"number": number}, field="number"
        ) from exc


# Scheduling a hearing and seating people ------------------------------------------------------

@transaction.atomic
def hearing_schedule(*, case: Case, start: datetime, duration: timedelta, courtroom: str, agenda: str,
                     by: User, presiding_judge: Person, clerk: Person | None = None, is_public: bool = True,
                     observer_capacity: int = 50, allow_conflicts: bool = False) -> Hearing:
    """Book a hearing: its event (courtroom as the resource), the presiding judge and the clerk invited."""
    court = case.court
    if not is_court_clerk(by, court):
        raise HearingForbidden(_("Only the court's clerks may schedule hearings."))
    clerk = clerk or person_for(by)
    if presiding_judge.user is not None and not is_court_judge(presiding_judge.user, court):
        raise HearingError(_("The presiding judge must be one of the court's judges."), field="judge")
    if not courtroom.strip():
        raise HearingError(_("Name the courtroom."), field="courtroom")
    if not agenda.strip():
        raise HearingError(_("Give the hearing's agenda."), field="agenda")
    if len(agenda.strip()) > 500 or len(courtroom.strip()) > 200:
        raise HearingError(_("The agenda has at most 500 characters and the courtroom's name at most 200."))
    _check_text("courtroom", courtroom, 200)
    _check_text("agenda", agenda, 500)
    _check_text("judge_name", presiding_judge.name, 200)
    if start <= timezone.now():
        raise HearingError(_("A hearing cannot be scheduled in the past."), field="start")
    if start > timezone.now() + MAX_AHEAD:
        # Also keeps the arithmetic below (start + duration, conflict windows) inside the calendar.
        raise HearingError(_("A hearing is scheduled at most two years ahead."), field="start")
    if not allow_conflicts:
        conflicts_refuse(people=[presiding_judge, clerk], resource=courtroom.strip(), start=start, end=start + duration,
                         viewer=by, zone=court.timezone)
    event = scheduling.event_create(
        organizer=by, title=f"{case.number}: {agenda.strip()}"[:200], start=start, duration=duration,
        timezone=court.timezone, kind=HEARING_KIND, resource=courtroom.strip(),
        description=_("Hearing of case %(number)s in %(courtroom)s.") % {
            "number": case.number, "courtroom": courtroom.strip(),
        },
        allow_conflicts=True,
    )
    hearing = Hearing.objects.create(
        case=case, event=event, occurrence=event.occurrences.get(), agenda=agenda.strip(), is_public=is_public,
        courtroom=courtroom.strip(), observer_capacity=observer_capacity,
    )
    _seat(hearing=hearing, role=Role.PRESIDING_JUDGE, person=presiding_judge)
    _seat(hearing=hearing, role=Role.CLERK, person=clerk)
    if is_public or court.closed_display == Court.ClosedDisplay.LISTED:
        transaction.on_commit(lambda: live.docket_changed(court_id=court.pk))
    return hearing


def _seat(*, hearing: Hearing, role: str, person: Person, represents: HearingParticipant | None = None,
          interprets_for: HearingParticipant | None = None, notify: bool = True, **place: str) -> HearingParticipant:
    attendee = scheduling.attendee_add(
        event=hearing.event, name=person.name, email=person.email, user=person.user, role=str(role),
        language=person.language, timezone=person.timezone, notify=notify,
    )
    return HearingParticipant.objects.create(
        hearing=hearing, attendee=attendee, role=role, represents=represents, interprets_for=interprets_for, **place,
    )


def _validate_seat(*, hearing: Hearing, role: str, person: Person, represents: HearingParticipant | None,
                   interprets_for: HearingParticipant | None) -> None:
    case = hearing.case
    if role not in Role.values:
        raise HearingError(_("Choose a role."), field="role")
    if role not in ALLOWED_ROLES[case.case_type]:
        raise HearingError(
            _("A %(case_type)s case has no %(role)s.") % {
                "case_type": case.get_case_type_display().lower(), "role": Role(role).label.lower(),
            },
            field="role",
        )
    if not person.name.strip():
        raise HearingError(_("Give the participant's name."), field="name")
    _check_text("name", person.name, 200)
    if role == Role.COUNSEL:
        if represents is None:
            raise HearingError(_("Counsel must be linked to the party they represent."), field="represents")
        if represents.hearing_id != hearing.pk or represents.role not in REPRESENTED_ROLES:
            raise HearingError(_("Counsel can only represent a party of this hearing."), field="represents")
    elif represents is not None:
        raise HearingError(_("Only counsel represents a party."), field="represents")
    if role == Role.INTERPRETER:
        if interprets_for is None:
            raise HearingError(_("An interpreter must be linked to the person interpreted for."),
                               field="interprets_for")
        if interprets_for.hearing_id != hearing.pk or interprets_for.role == Role.INTERPRETER:
            raise HearingError(_("An interpreter can only interpret for a participant of this hearing."),
                               field="interprets_for")
    elif interprets_for is not None:
        raise HearingError(_("Only an interpreter interprets for someone."), field="interprets_for")
    if role in SINGLE_ROLES and hearing.participants.filter(role=role).exists():
        raise HearingError(_("This hearing already has a %(role)s.") % {"role": Role(role).label.lower()},
                           field="role")
    if role == Role.OBSERVER and not hearing.is_public:
        raise HearingError(_("A closed hearing has no observers."), field="role")


@transaction.atomic
def participant_add(*, hearing: Hearing, role: str, person: Person, by: User,
                    represents: HearingParticipant | None = None, interprets_for: HearingParticipant | None = None,
                    allow_conflicts: bool = False, notify: bool = True) -> HearingParticipant:
    """Seat someone in a hearing and send their invitation."""
    if not is_court_clerk(by, hearing.case.court):
        raise HearingForbidden(_("Only the court's clerks may add participants."))
    if hearing.is_final:
        raise HearingError(_("This hearing is over; participants can no longer be added."))
    _validate_seat(hearing=hearing, role=role, person=person, represents=represents, interprets_for=interprets_for)
    if role in CONFLICT_CHECKED_ROLES and not allow_conflicts:
        conflicts_refuse(people=[person], resource="", start=hearing.occurrence.start, end=hearing.occurrence.end,
                         viewer=by, zone=hearing.event.timezone, exclude_event=hearing.event)
    participant = _seat(hearing=hearing, role=role, person=person, represents=represents,
                        interprets_for=interprets_for, notify=notify)
    return participant


# Status ---------------------------------------------------------------------------------------

def hearing_status_set(*, hearing: Hearing, status: str, by: User, reason: str = "",
                       next_at: datetime | None = None) -> Hearing:
    """Change a hearing's status from a page or the API: the same path as the room's moderators."""
    attendee = moderator_attendee(by, hearing)
    if attendee is None:
        raise HearingForbidden(_("Only the presiding judge and the clerk of this hearing may change its status."))
    problem = transition_problem(current=hearing.status, target=status, reason=reason, next_at=next_at,
                                 now=timezone.now())
    if problem:
        raise HearingError(problem, field="status")
    try:
        room_services.room_status_set(
            occurrence=hearing.occurrence, status=status, by=attendee, reason=reason.strip(), next_at=next_at,
        )
    except RoomError as exc:
        raise HearingError(exc.message, field="status") from exc
    hearing.refresh_from_db()
    return hearing


def hearing_status_changed(*, occurrence: Occurrence, previous: str, status: str, by: Attendee | None, reason: str,
                           next_at: datetime | None) -> Hearing:
    """The room's status changed (``hearings.receivers``, inside ``room_status_set``'s transaction):
    log it, stamp the actual times, and do what the new status means for the calendar."""
    hearing = Hearing.objects.select_for_update().select_related("case__court", "event").get(occurrence=occurrence)
    now = timezone.now()
    user = by.user if by is not None and by.user_id else hearing.event.organizer
    StatusLogEntry.objects.create(
        hearing=hearing, at=now, previous=previous, status=status, reason=reason, next_at=next_at,
        by_name=by.name if by is not None else "", by_role=by.role if by is not None else "",
        by_user=by.user if by is not None else None,
    )
    hearing.status = status
    if status == Status.IN_SESSION and hearing.started_at is None:
        hearing.started_at = now
    if status in (Status.CONCLUDED, Status.ADJOURNED):
        hearing.ended_at = now
    if status in (Status.ADJOURNED, Status.POSTPONED, Status.CANCELLED):
        hearing.status_reason = reason
        hearing.next_at = next_at
    if status == Status.POSTPONED:
        hearing.postponed_from = occurrence.start
        duration = occurrence.end - occurrence.start
        next_start = _next_date(next_at, status)
        scheduling.occurrence_move(occurrence=occurrence, start=next_start, end=next_start + duration, by=user,
                                   allow_conflicts=True)
    hearing.save()
    if status == Status.ADJOURNED:
        _next_hearing_create(hearing=hearing, start=_next_date(next_at, status), reason=reason)
    if status in (Status.ADJOURNED, Status.CONCLUDED):  # invites and feeds say so (hearings.ical)
        scheduling.event_restate(event=hearing.event, by=user, announce=status == Status.ADJOURNED)
    if status == Status.CANCELLED:
        scheduling.event_cancel(event=hearing.event, by=user)
    # The docket shows nothing of a closed hearing's status: a message now would only tell the
    # public that something happened in it.
    if hearing.is_public:
        court_id = hearing.case.court_id
        transaction.on_commit(lambda: live.docket_changed(court_id=court_id))
    return hearing


def _next_date(next_at: datetime | None, status: str) -> datetime:
    """The date a postponement or an adjournment needs (the room policy's transition check refuses
    the change without one; this keeps the refusal if a caller skipped it)."""
    if next_at is None:
        raise HearingError(_("Give the next date to mark the hearing “%(target)s”.") % {"target": Status(status).label},
                           field="next_at")
    return next_at


def _next_hearing_create(*, hearing: Hearing, start: datetime, reason: str) -> Hearing:
    """The case's next hearing after an adjournment: same courtroom, same people, new invitations."""
    occurrence = hearing.occurrence
    duration = occurrence.end - occurrence.start
    event = scheduling.event_create(
        organizer=hearing.event.organizer, title=f"{hearing.case.number}: {reason}"[:200], start=start,
        duration=duration, timezone=hearing.event.timezone, kind=HEARING_KIND, resource=hearing.courtroom,
        description=hearing.event.description, allow_conflicts=True,
    )
    following = Hearing.objects.create(
        case=hearing.case, event=event, occurrence=event.occurrences.get(), agenda=reason,
        is_public=hearing.is_public, courtroom=hearing.courtroom, observer_capacity=hearing.observer_capacity,
        previous=hearing,
    )
    seats: dict[int, HearingParticipant] = {}
    participants = hearing.participants.select_related("attendee").exclude(role=Role.OBSERVER).filter(
        attendee__removed_at__isnull=True,
    )
    # Parties first, then counsel, then interpreters, so that their links can be carried over.
    order: dict[str, int] = {Role.COUNSEL: 1, Role.INTERPRETER: 2}
    for participant in sorted(participants, key=lambda p: order.get(p.role, 0)):
        old = participant.attendee
        seats[participant.pk] = _seat(
            hearing=following, role=participant.role,
            person=Person(name=old.name, email=old.email, user=old.user, language=old.language, timezone=old.timezone),
            represents=seats.get(participant.represents_id) if participant.represents_id else None,
            interprets_for=seats.get(participant.interprets_for_id) if participant.interprets_for_id else None,
        )
    return following
