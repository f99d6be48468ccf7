"""Attendance without a roll call: the intervals ``rooms`` recorded, classified per student.

Per meeting, every student enrolled by the meeting's end is listed, including those who never
came. The status is the first that applies:

- ``absent``: never joined;
- ``late``: first joined more than ``late_after_minutes`` after the start;
- ``left_early``: last left more than ``left_early_minutes`` before the end, and not back. The
  end is the scheduled end, or when a teacher ended the room, if that was earlier;
- ``present``: otherwise (joining before the start counts as on time).

Several tabs and reconnections are merged by ``rooms.selectors.attendance_for``: one row per
person with the first join, the last leave and the minutes actually spent in the room.
"""

from __future__ import annotations

import zoneinfo
from dataclasses import dataclass, field
from datetime import datetime, timedelta

from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from classrooms import selectors
from classrooms.models import Classroom, Enrollment
from rooms.models import RoomState
from rooms.selectors import attendance_for
from scheduling.models import Occurrence

PRESENT, LATE, LEFT_EARLY, ABSENT = "present", "late", "left_early", "absent"
STATUS_LABELS = {PRESENT: _("Present"), LATE: _("Late"), LEFT_EARLY: _("Left early"), ABSENT: _("Absent")}
ATTENDED = (PRESENT, LATE, LEFT_EARLY)
CSV_COLUMNS = ["name", "email", "status", "first_join", "last_leave", "minutes"]


@dataclass
class AttendanceRow:
    enrollment: Enrollment
    occurrence: Occurrence
    status: str
    first_join: datetime | None
    last_leave: datetime | None
    minutes: int

    @property
    def status_label(self) -> str:
        return str(STATUS_LABELS[self.status])


@dataclass
class StudentRate:
    enrollment: Enrollment
    counts: dict[str, int] = field(default_factory=lambda: dict.fromkeys(STATUS_LABELS, 0))

    @property
    def expected(self) -> int:
        return sum(self.counts.values())

    @property
    def attended(self) -> int:
        return sum(self.counts[status] for status in ATTENDED)

    @property
    def rate(self) -> int | None:
        """Percentage of the meetings this student was expected at that they came to."""
        return round(100 * self.attended / self.expected) if self.expected else None


@dataclass
class MeetingSummary:
    occurrence: Occurrence
    rows: list[AttendanceRow]

    def count(self, status: str) -> int:
        return sum(1 for row in self.rows if row.status == status)

    @property
    def counts(self) -> dict[str, int]:
        return {status: self.count(status) for status in STATUS_LABELS}


def classify(
    *,
    first_join: datetime | None,
    last_leave: datetime | None,
    start: datetime,
    end: datetime,
    late_after: timedelta,
    left_early: timedelta,
) -> str:
    """``last_leave`` is None while the person is still in the room."""
    if first_join is None:
        return ABSENT
    if first_join > start + late_after:
        return LATE
    if last_leave is not None and last_leave < end - left_early:
        return LEFT_EARLY
    return PRESENT


def effective_end(occurrence: Occurrence) -> datetime:
    """The scheduled end, or the moment a moderator ended the room if that came first."""
    state = RoomState.objects.filter(occurrence=occurrence, status="ended").first()
    if state is not None and state.changed_at < occurrence.end:
        return state.changed_at
    return occurrence.end


def _person_key(*, user_id, email: str) -> tuple:
    return ("user", user_id) if user_id else ("email", (email or "").lower())


def meeting_attendance(classroom: Classroom, occurrence: Occurrence) -> MeetingSummary:
    records = {}
    for record in attendance_for(occurrence):
        attendee = record.attendee
        records[_person_key(user_id=attendee.user_id, email=attendee.email)] = record
        if attendee.user_id and attendee.email:
            records.setdefault(_person_key(user_id=None, email=attendee.email), record)
    end = effective_end(occurrence)
    late_after = timedelta(minutes=classroom.late_after_minutes)
    left_early = timedelta(minutes=classroom.left_early_minutes)
    rows = []
    for enrollment in selectors.students(classroom).filter(created_at__lte=occurrence.end):
        record = records.get(_person_key(user_id=enrollment.user_id, email=enrollment.email))
        if record is None and enrollment.user_id and enrollment.email:
            record = records.get(_person_key(user_id=None, email=enrollment.email))
        first_join = record.first_join if record else None
        last_leave = record.last_leave if record else None
        rows.append(
            AttendanceRow(
                enrollment=enrollment,
                occurrence=occurrence,
                status=classify(
                    first_join=first_join,
                    last_leave=last_leave,
                    start=occurrence.start,
                    end=end,
                    late_after=late_after,
                    left_early=left_early,
                ),
                first_join=first_join,
                last_leave=last_leave,
                minutes=round(record.minutes) if record else 0,
            )
        )
    return MeetingSummary(occurrence=occurrence, rows=rows)


def term_attendance(
    classroom: Classroom, *, now: datetime | None = None
) -> tuple[list[MeetingSummary], list[StudentRate]]:
    meetings = [
        meeting_attendance(classroom, occurrence)
        for occurrence in selectors.held_occurrences(classroom, now=now or timezone.now())
    ]
    rates = {enrollment.pk: StudentRate(enrollment) for enrollment in selectors.students(classroom)}
    for meeting in meetings:
        for row in meeting.rows:
            rates[row.enrollment.pk].counts[row.status] += 1
    return meetings, list(rates.values())


def _iso(moment: datetime | None, zone) -> str:
    return moment.astimezone(zone).isoformat(timespec="seconds") if moment else ""


def _table_row(row: AttendanceRow, zone) -> list:
    return [
        row.enrollment.name,
        row.enrollment.email,
        row.status,
        _iso(row.first_join, zone),
        _iso(row.last_leave, zone),
        row.minutes,
    ]


def meeting_table(classroom: Classroom, summary: MeetingSummary) -> tuple[list[str], list[list]]:
    """(header, rows) of one meeting's attendance, for ``config.exports`` (CSV or .xlsx)."""
    zone = zoneinfo.ZoneInfo(classroom.school.timezone)
    return list(CSV_COLUMNS), [_table_row(row, zone) for row in summary.rows]


def term_table(classroom: Classroom, meetings: list[MeetingSummary]) -> tuple[list[str], list[list]]:
    """One line per student per held meeting; ``meeting_start`` (after the fixed columns) says which."""
    zone = zoneinfo.ZoneInfo(classroom.school.timezone)
    rows = [
        [*_table_row(row, zone), _iso(meeting.occurrence.start, zone)]
        for meeting in meetings
        for row in meeting.rows
    ]
    return [*CSV_COLUMNS, "meeting_start"], rows


def own_attendance(enrollment: Enrollment, *, now: datetime | None = None) -> StudentRate:
    """One student's own record over the term (never anyone else's)."""
    rate = StudentRate(enrollment)
    for occurrence in selectors.held_occurrences(enrollment.classroom, now=now or timezone.now()):
        if enrollment.created_at > occurrence.end:
            continue
        summary = meeting_attendance(enrollment.classroom, occurrence)
        for row in summary.rows:
            if row.enrollment.pk == enrollment.pk:
                rate.counts[row.status] += 1
    return rate
