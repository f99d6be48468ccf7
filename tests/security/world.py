"""One world for the security matrices, built through the services a user's actions go through.

A school with a class (an upcoming and a past meeting) and a school of another teacher; a court
with a public and a closed hearing and a court of another clerk; a teacher's own event (no domain)
that a student attends. Each role is one person or one browser session:

- ``anonymous``: nobody signed in, no session;
- ``link_only``: followed the join link of the closed hearing's defendant, who has no account;
- ``observer``: took an observer's place in the public hearing through its observer link;
- ``student``: signed in, enrolled in the class;
- ``teacher``: signed in, teaches the class (and administers its school), organises its meetings;
- ``other_teacher``: signed in, teaches a class of another school;
- ``clerk``: signed in, clerk of the court, organiser of both hearings;
- ``other_clerk``: signed in, clerk of another court;
- ``party``: signed in, the defendant of the public hearing (with their own join link);
- ``staff``: a Django superuser, member of nothing.
"""

from __future__ import annotations

import tempfile
from dataclasses import dataclass
from datetime import timedelta
from pathlib import Path

from django.contrib.auth import get_user_model
from django.urls import reverse
from django.utils import timezone

from classrooms import services as classrooms
from classrooms.models import Classroom, Enrollment, Holiday, School
from feedback import services as feedback
from feedback.models import Submission
from feedback.registry import organisation_kind
from hearings import services as hearings
from hearings.models import CaseType, CourtMembership, Hearing, Role, Status
from media.models import Recording
from notifications.models import Message
from scheduling import services as scheduling
from scheduling.models import Attendee, Event, Occurrence
from tests.classrooms.conftest import clock_at, interval, past_meeting

PASSWORD = "a-long-security-password"

SIGNED_OUT = ("anonymous", "link_only", "observer")
SIGNED_IN = ("student", "teacher", "other_teacher", "clerk", "other_clerk", "party", "staff")
ROLES = SIGNED_OUT + SIGNED_IN


def _user(username: str, **extra):
    return get_user_model().objects.create_user(
        username=username, password=PASSWORD, email=f"{username}@example.org", **extra
    )


@dataclass
class World:
    users: dict
    school: School
    classroom: Classroom
    classroom2: Classroom  # another class of the teacher's school, without a term schedule
    other_classroom: Classroom
    guests: list[Enrollment]  # two students without an account, on the class's roster
    holidays: list[Holiday]
    upcoming: Occurrence  # a class meeting in three days
    later: Occurrence  # a class meeting in six days
    held: Occurrence  # a class meeting yesterday
    public: Hearing
    closed: Hearing
    closed_party_seat: Attendee  # the closed hearing's defendant (no account): ``link_only`` followed their link
    witness_seat: Attendee  # the public hearing's witness (no account)
    expert_seat: Attendee  # the public hearing's expert (no account)
    plain: Event  # the teacher's own weekly event, no domain; the student and four guests are invited
    plain_guest: Attendee
    link_guests: list[Attendee]  # two more guests, whose links are rotated and withdrawn
    withdrawn: Attendee  # a guest whose link the teacher withdrew
    message: Message  # an invitation of the plain event that failed
    court_submission: Submission  # a correction the public sent to the court
    school_submission: Submission  # a view a parent sent to the school

    @property
    def court(self):
        return self.public.case.court

    @property
    def guest(self) -> Enrollment:
        return self.guests[0]

    @property
    def holiday(self) -> Holiday:
        return self.holidays[0]

    # Read afresh on every use: rows rotate links and reset codes as they go.

    @property
    def student_seat(self) -> Attendee:
        return self.upcoming.event.attendees.get(user=self.users["student"])

    @property
    def teacher_seat(self) -> Attendee:
        return self.upcoming.event.attendees.get(user=self.users["teacher"])

    @property
    def guest_seat(self) -> Attendee:
        return self.upcoming.event.attendees.get(email="tamu@example.org")

    @property
    def guest2_seat(self) -> Attendee:
        return self.later.event.attendees.get(email="tamu2@example.org")

    @property
    def clerk_seat(self) -> Attendee:
        return self.public.event.attendees.get(user=self.users["clerk"])

    @property
    def student_plain_seat(self) -> Attendee:
        return self.plain.attendees.get(user=self.users["student"])

    @property
    def plain_guest_link(self) -> str:
        return Attendee.objects.get(pk=self.plain_guest.pk).join_token

    @property
    def plain_sittings(self) -> list[Occurrence]:
        return list(self.plain.occurrences.order_by("start"))

    @property
    def teacher_feed(self) -> str:
        return scheduling.calendar_feed_for(user=self.users["teacher"]).path

    @property
    def enrolment_code(self) -> str:
        return Classroom.objects.get(pk=self.classroom.pk).enrolment_code

    @property
    def student_held_link(self) -> str:
        """The student's join link: they attended yesterday's meeting, so its feedback form is theirs."""
        return self.held.event.attendees.get(user=self.users["student"]).join_token

    @property
    def court_submission_follow(self) -> str:
        s = self.court_submission
        return f"/courts/{self.court.slug}/feedback/{s.reference}/?token={s.token}"

    @property
    def school_submission_follow(self) -> str:
        s = self.school_submission
        return f"/schools/{self.school.slug}/feedback/{s.reference}/?token={s.token}"

    @property
    def observer_link(self) -> str:
        return reverse("hearings:observe", args=[self.public.observer_token])

    @property
    def closed_observer_link(self) -> str:
        return reverse("hearings:observe", args=[self.closed.observer_token])


def build_world() -> World:
    now = timezone.now()
    users = {
        "teacher": _user("teacher", first_name="Sari", last_name="Guru"),
        "student": _user("student", first_name="Budi", last_name="Murid"),
        "other_teacher": _user("otherteacher"),
        "clerk": _user("clerk", first_name="Sari", last_name="Panitera"),
        "judge": _user("judge", first_name="Rahmat", last_name="Hakim"),
        "other_clerk": _user("otherclerk"),
        "party": _user("party", first_name="Joko", last_name="Terbuka"),
        "staff": get_user_model().objects.create_superuser("staff", "staff@example.org", PASSWORD),
    }
    teacher = users["teacher"]

    # The class: a student with an account, two guests without, two upcoming meetings and a past one.
    # Schools are founded by the service's staff, who name their administrators.
    school = classrooms.school_create(name="SMA 1 Bogor", timezone="Asia/Jakarta", by=users["staff"], admins=[teacher])
    today = timezone.localdate()
    classroom = classrooms.classroom_create(
        school=school, by=teacher, name="XI IPA 1", subject="Fisika",
        term_start=today - timedelta(days=30), term_end=today + timedelta(days=60),
    )
    with clock_at(now - timedelta(days=30)):
        classrooms.enrollment_add(classroom=classroom, by=teacher, user=users["student"])
        guests = [
            classrooms.enrollment_add(classroom=classroom, by=teacher, name=name, email=f"{name.lower()}@example.org")
            for name in ("Tamu", "Tamu2")
        ]
    holidays = [
        classrooms.holiday_add(school=school, day=classroom.term_end - timedelta(days=days), name="Libur", by=teacher)
        for days in (0, 1)
    ]
    upcoming, later = (
        classrooms.meeting_add(
            classroom=classroom, by=teacher, start=now + timedelta(days=days), end=now + timedelta(days=days, hours=1),
            allow_conflicts=True,
        ).occurrences.get()
        for days in (3, 6)
    )
    held = past_meeting(classroom, teacher, start=now - timedelta(days=1))
    interval(held, held.event.attendees.get(user=users["student"]), now - timedelta(days=1),
             now - timedelta(days=1) + timedelta(hours=1))
    classroom2 = classrooms.classroom_create(
        school=school, by=teacher, name="XI IPA 2", term_start=today, term_end=today + timedelta(days=60),
    )
    other_school = classrooms.school_create(
        name="SMA 2", timezone="Asia/Makassar", by=users["staff"], admins=[users["other_teacher"]],
    )
    other_classroom = classrooms.classroom_create(
        school=other_school, by=users["other_teacher"], name="X-2",
        term_start=today - timedelta(days=30), term_end=today + timedelta(days=60),
    )

    # The court: a public hearing (a party with an account; a witness, an expert without) and a closed one.
    court = hearings.court_create(name="Pengadilan Negeri Contoh", slug="pn-contoh")
    hearings.court_member_add(court=court, user=users["clerk"], role=CourtMembership.Role.CLERK)
    hearings.court_member_add(court=court, user=users["judge"], role=CourtMembership.Role.JUDGE)
    other_court = hearings.court_create(name="PN Lain", slug="pn-lain")
    hearings.court_member_add(court=other_court, user=users["other_clerk"], role=CourtMembership.Role.CLERK)

    def hearing(number, parties, *, is_public, days):
        case = hearings.case_create(court=court, number=number, case_type=CaseType.CRIMINAL, parties=parties,
                                    by=users["clerk"])
        return hearings.hearing_schedule(
            case=case, start=now + timedelta(days=days), duration=timedelta(hours=1), courtroom=f"Ruang {number}",
            agenda="Pembacaan dakwaan", by=users["clerk"], presiding_judge=hearings.person_for(users["judge"]),
            is_public=is_public,
        )

    public = hearing("1/Pid.B/2026", "Penuntut Umum v. Joko Terbuka", is_public=True, days=4)
    closed = hearing("7/Pid.B/2026", "Penuntut Umum v. Diam Sembunyiwan", is_public=False, days=4.2)
    hearings.participant_add(hearing=public, role=Role.DEFENDANT, by=users["clerk"],
                             person=hearings.Person("Joko Terbuka", user=users["party"]))
    witness_seat = hearings.participant_add(
        hearing=public, role=Role.WITNESS, by=users["clerk"], person=hearings.Person("Saksi Satu", "saksi@example.org"),
    ).attendee
    expert_seat = hearings.participant_add(
        hearing=public, role=Role.EXPERT, by=users["clerk"], person=hearings.Person("Ahli Satu", "ahli@example.org"),
    ).attendee
    closed_party_seat = hearings.participant_add(
        hearing=closed, role=Role.DEFENDANT, by=users["clerk"],
        person=hearings.Person("Diam Sembunyiwan", "diam@example.org"),
    ).attendee

    # A finished recording of the public hearing (issue 20): its file for the court's staff only.
    folder = Path(tempfile.mkdtemp(prefix="hadir-matrix-recording-"))
    (folder / "recording.mp3").write_bytes(b"ID3" + b"\0" * 32)
    Recording.objects.create(occurrence=public.occurrence, status=Recording.Status.READY, folder=str(folder),
                             file=str(folder / "recording.mp3"), started_at=now, stopped_at=now, converted_at=now)

    # The teacher's own event (no domain): three weekly sittings, the student and four guests invited.
    plain = scheduling.event_create(
        organizer=teacher, title="Rapat wali murid", duration=timedelta(hours=1), timezone="Asia/Jakarta",
        start=(now + timedelta(days=5)).replace(minute=0, second=0, microsecond=0), rrule="FREQ=WEEKLY;COUNT=3",
        allow_conflicts=True, attendees=[
            scheduling.AttendeeSpec(name="Budi Murid", user=users["student"]),
            scheduling.AttendeeSpec(name="Orang Tua", email="ortu@example.org"),
            scheduling.AttendeeSpec(name="Kakek", email="kakek@example.org"),
            scheduling.AttendeeSpec(name="Nenek", email="nenek@example.org"),
            scheduling.AttendeeSpec(name="Mantan", email="mantan@example.org"),
        ],
    )
    plain_guest = plain.attendees.get(email="ortu@example.org")
    link_guests = [plain.attendees.get(email=f"{name}@example.org") for name in ("kakek", "nenek")]
    withdrawn = scheduling.attendee_token_revoke(attendee=plain.attendees.get(email="mantan@example.org"), by=teacher)
    message = Message.objects.filter(event=plain, attendee=plain_guest).order_by("pk").first()
    assert message is not None, "inviting the plain event's guests queued no message"
    # As if the guest's mail server had refused it for good: the organiser may send it again.
    Message.objects.filter(pk=message.pk).update(status=Message.Status.FAILED, last_error="550 no such user")
    assert public.status == Status.SCHEDULED
    court_submission = feedback.submission_create(
        organisation_kind=organisation_kind("court"), organisation=court, kind="correction",
        text="Jadwal sidang di papan pengumuman salah.", contact="warga@example.org",
    )
    school_submission = feedback.submission_create(
        organisation_kind=organisation_kind("school"), organisation=school, kind="view",
        text="Kelas daring sangat membantu anak kami.",
    )
    return World(
        users=users, school=school, classroom=classroom, classroom2=classroom2, other_classroom=other_classroom,
        guests=guests, holidays=holidays, upcoming=upcoming, later=later, held=held, public=public, closed=closed,
        closed_party_seat=closed_party_seat, witness_seat=witness_seat, expert_seat=expert_seat, plain=plain,
        plain_guest=plain_guest, link_guests=link_guests, withdrawn=withdrawn, message=message,
        court_submission=court_submission, school_submission=school_submission,
    )
