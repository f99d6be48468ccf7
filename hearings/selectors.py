"""Reads: which hearings someone may see, the public docket, the clerk's day, the record."""

from __future__ import annotations

import hashlib
import zoneinfo
from datetime import UTC, date, datetime, time, timedelta
from typing import Any

from django.conf import settings
from django.db.models import Q, QuerySet
from django.urls import reverse
from django.utils import timezone

from config.templatetags.hadir import zone_abbreviation
from config.types import AnyUser
from hearings.models import (
    REQUIRED_FOR_SESSION,
    Court,
    CourtMembership,
    Hearing,
    HearingParticipant,
    Role,
    Status,
    StatusLogEntry,
)
from hearings.progress import day_progress
from scheduling.models import Event


def hearings_visible_to(user: AnyUser) -> QuerySet[Hearing]:
    """Court staff see their courts' hearings; everyone else only the hearings they take part in."""
    base = Hearing.objects.select_related("case__court", "occurrence", "event")
    if not user.is_authenticated:
        return base.none()
    courts = CourtMembership.objects.filter(user=user).values("court_id")
    mine = HearingParticipant.objects.filter(
        attendee__user=user, attendee__removed_at__isnull=True,
    ).values("hearing_id")
    return base.filter(Q(case__court_id__in=courts) | Q(pk__in=mine)).distinct()


def courts_of(user: AnyUser) -> QuerySet[Court]:
    if not user.is_authenticated:
        return Court.objects.none()
    return Court.objects.filter(memberships__user=user).distinct()


def clerk_courts(user: AnyUser) -> QuerySet[Court]:
    if not user.is_authenticated:
        return Court.objects.none()
    return Court.objects.filter(memberships__user=user, memberships__role=CourtMembership.Role.CLERK).distinct()


def court_day(*, court: Court, now: datetime | None = None) -> date:
    return (now or timezone.now()).astimezone(zoneinfo.ZoneInfo(court.timezone)).date()


def day_bounds(*, court: Court, day: date) -> tuple[datetime, datetime]:
    zone = zoneinfo.ZoneInfo(court.timezone)
    start = datetime.combine(day, time.min, tzinfo=zone)
    return start, datetime.combine(day + timedelta(days=1), time.min, tzinfo=zone)


def docket_hearings(*, court: Court, day: date) -> list[Hearing]:
    """The day's hearings of the court (public and closed), including those postponed away from it."""
    start, end = day_bounds(court=court, day=day)
    hearings = (
        Hearing.objects.select_related("case", "occurrence")
        .filter(case__court=court)
        .filter(Q(occurrence__start__gte=start, occurrence__start__lt=end)
                | Q(postponed_from__gte=start, postponed_from__lt=end))
    )
    return sorted(hearings, key=lambda h: (_docket_start(h, start, end), h.case.number))


def _docket_start(hearing: Hearing, day_start: datetime, day_end: datetime) -> datetime:
    """When the hearing stands on the day's docket: its sitting, or (moved away) where it was."""
    if day_start <= hearing.occurrence.start < day_end or hearing.postponed_from is None:
        return hearing.occurrence.start
    return hearing.postponed_from


def _local(value: datetime | None, zone: zoneinfo.ZoneInfo) -> str:
    return value.astimezone(zone).strftime("%Y-%m-%d %H:%M") if value else ""


def docket_entry(hearing: Hearing, *, court: Court, day_start: datetime, day_end: datetime) -> dict | None:
    """One docket line: what the public may know; None when the court leaves closed hearings off."""
    zone = zoneinfo.ZoneInfo(court.timezone)
    start = _docket_start(hearing, day_start, day_end)
    shown = {
        "start": start.isoformat(),
        "time": start.astimezone(zone).strftime("%H:%M"),
        "zone": zone_abbreviation(court.timezone, start),
        "case_number": hearing.case.number,
    }
    if not hearing.is_public:
        if court.closed_display == Court.ClosedDisplay.OMIT:
            return None
        return {**shown, "closed": True}
    return {
        **shown,
        "closed": False,
        "id": str(hearing.pk),
        "case_type": hearing.case.case_type,
        "agenda": hearing.agenda,
        "courtroom": hearing.courtroom,
        "status": hearing.status,
        "reason": hearing.status_reason if hearing.status in (Status.POSTPONED, Status.ADJOURNED, Status.CANCELLED)
        else "",
        "next_at": hearing.next_at.isoformat() if hearing.next_at else "",
        "next_local": _local(hearing.next_at, zone),
        # A public hearing that admits observers: its observer page, for anyone to follow it.
        "observe_path": reverse("hearings:observe", args=[hearing.observer_token])
        if hearing.observer_capacity > 0 and not hearing.is_final else "",
    }


def docket_for_day(*, court: Court, day: date) -> dict:
    day_start, day_end = day_bounds(court=court, day=day)
    hearings = docket_hearings(court=court, day=day)
    entries = [docket_entry(h, court=court, day_start=day_start, day_end=day_end) for h in hearings]
    return {
        "court": court.slug,
        "date": day.isoformat(),
        "zone": zone_abbreviation(court.timezone, day_start),
        "hearings": [entry for entry in entries if entry is not None],
        "progress": day_progress(hearings, court=court, day_start=day_start, day_end=day_end),
    }


def docket_today(*, court: Court, now: datetime | None = None) -> dict:
    return docket_for_day(court=court, day=court_day(court=court, now=now))


def docket_feed_hearings(*, court: Court, now: datetime | None = None) -> QuerySet[Hearing]:
    """Public hearings for the court's subscribable docket: the last 30 days and everything ahead."""
    since = (now or timezone.now()) - timedelta(days=30)
    return (
        Hearing.objects.select_related("case", "occurrence", "event")
        .filter(case__court=court, is_public=True, occurrence__end__gte=since)
        .order_by("occurrence__start")
    )


DOCKET_EPOCH = datetime(2020, 1, 1, tzinfo=UTC)  # Last-Modified of a docket that never had a hearing


def court_language_for_event(event: Event) -> str:
    """The language of the court whose hearing this is (while the hearing is being created, the
    court of its clerk); "" when neither is known."""
    hearing = Hearing.objects.filter(event=event).select_related("case__court").first()
    if hearing is not None:
        return hearing.case.court.language
    court = Court.objects.filter(memberships__user_id=event.organizer_id).order_by("pk").first()
    return court.language if court is not None else ""


def docket_feed_version(*, court: Court, now: datetime | None = None) -> tuple[str, datetime]:
    """(ETag, Last-Modified) of the docket feed: what it shows, read from its rows' versions."""
    rows = list(
        docket_feed_hearings(court=court, now=now).values_list(
            "pk", "status", "status_reason", "next_at", "agenda", "courtroom", "event__sequence",
            "event__updated_at", "occurrence__start", "occurrence__end",
        )
    )
    statuses = StatusLogEntry.objects.filter(hearing__case__court=court).order_by("-at").values_list("at", flat=True)
    digest = hashlib.sha256(repr((rows, court.name, court.language, settings.HADIR_BASE_URL)).encode())
    stamps = [row[7] for row in rows] + list(statuses[:1]) + [DOCKET_EPOCH]
    return f'"{digest.hexdigest()[:32]}"', max(stamps)


def participants_of(hearing: Hearing) -> list[HearingParticipant]:
    return list(
        hearing.participants.select_related("attendee", "represents__attendee", "interprets_for__attendee")
        .filter(attendee__removed_at__isnull=True)
    )


def participants_table(hearing: Hearing) -> tuple[list[str], list[list[str]]]:
    """(header, rows) of a hearing's participant list for ``config.exports``: machine-readable
    role and answer, then the role as the reader's language says it."""
    header = ["name", "email", "role", "role_label", "linked_to", "answer", "answer_comment"]
    rows = []
    for seat in participants_of(hearing):
        linked = seat.represents or seat.interprets_for
        rows.append([
            seat.attendee.name, seat.attendee.email, seat.role, str(seat.get_role_display()),
            linked.attendee.name if linked else "", seat.attendee.rsvp, seat.attendee.rsvp_comment,
        ])
    return header, rows


def today_for_clerk(*, user: AnyUser, now: datetime | None = None) -> list[dict[str, Any]]:
    """The clerk's dashboard: today's hearings in their courts, with who is present and who waits."""
    from rooms.selectors import room_presence

    rows = []
    for court in courts_of(user):
        for hearing in docket_hearings(court=court, day=court_day(court=court, now=now)):
            present: list[dict[str, Any]] = []
            waiting: list[dict[str, Any]] = []
            for participant in room_presence(hearing.occurrence):
                # In the viewer's language, not the one the socket connected with.
                participant["role_label"] = Role(participant["role"]).label if participant["role"] in Role.values \
                    else participant["role"]
                (waiting if participant["status"] == "waiting" else present).append(participant)
            here = {participant["role"] for participant in present}
            missing = [Role(role).label for role in REQUIRED_FOR_SESSION if role not in here]
            rows.append({"hearing": hearing, "court": court, "present": present, "waiting": waiting,
                         "missing": missing})
    return rows


def hearing_record(*, hearing: Hearing) -> dict:
    """For the minutes: participants with their join and leave times, and the status log."""
    from rooms.selectors import attendance_for

    attendance = {str(row.attendee.pk): row for row in attendance_for(hearing.occurrence)}
    participants = [
        {"participant": p, "attendance": attendance.get(str(p.attendee_id))}
        for p in participants_of(hearing)
    ]
    return {
        "hearing": hearing,
        "participants": participants,
        "log": list(hearing.status_log.all()),
    }
