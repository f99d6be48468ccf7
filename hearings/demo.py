"""Demo court for ``seed_demo``: a public and a closed hearing, both with their lobby open now.

Idempotent: the court, staff and cases are found again; a hearing still running is reused, and
only when none is left a new one is scheduled (through the same services as the clerk's pages,
allowing the clash with a demo hearing from an earlier run that is just ending).
"""

from datetime import timedelta
from functools import partial

from django.contrib.auth import get_user_model
from django.urls import reverse
from django.utils import timezone

from feedback.demo import published_examples
from hearings import services
from hearings.models import Case, CaseType, Court, CourtMembership, Hearing, HearingParticipant, Role, Status

COURT_SLUG = "pn-jakarta-pusat"
PASSWORD = "hadir-demo-2026"
STAFF = {
    "panitera.sari": ("Sari", "Wulandari", CourtMembership.Role.CLERK),
    "panitera.agus": ("Agus", "Pratama", CourtMembership.Role.CLERK),
    "hakim.rahmat": ("Rahmat", "Hidayat", CourtMembership.Role.JUDGE),
    "hakim.dewi": ("Dewi", "Lestari", CourtMembership.Role.JUDGE),
}
PUBLIC_CASE = ("123/Pid.B/2026/PN Jkt.Pst", CaseType.CRIMINAL, "Penuntut Umum v. Joko Susilo")
CLOSED_CASE = ("45/Pdt.G/2026/PN Jkt.Pst", CaseType.CIVIL, "Rina Marlina v. Hendra Gunawan")


def _user(username: str):
    first, last, _role = STAFF[username]
    user, _created = get_user_model().objects.get_or_create(
        username=username, defaults={"first_name": first, "last_name": last, "email": f"{username}@example.org"},
    )
    user.set_password(PASSWORD)
    user.save(update_fields=["password"])
    return user


def _court():
    court = Court.objects.filter(slug=COURT_SLUG).first() or services.court_create(
        name="Pengadilan Negeri Jakarta Pusat", slug=COURT_SLUG, timezone_name="Asia/Jakarta",
        closed_display=Court.ClosedDisplay.LISTED, allow_recording=True,  # the record button shows with Janus
    )
    users = {username: _user(username) for username in STAFF}
    for username, (_first, _last, role) in STAFF.items():
        services.court_member_add(court=court, user=users[username], role=role)
    return court, users


def _case(court, clerk, spec) -> Case:
    number, case_type, parties = spec
    return Case.objects.filter(court=court, number=number).first() or services.case_create(
        court=court, number=number, case_type=case_type, parties=parties, by=clerk,
    )


def _running(case: Case) -> Hearing | None:
    """A hearing of the case that can still be (or already is) open now."""
    now = timezone.now()
    return (
        case.hearings.select_related("occurrence")
        .filter(occurrence__start__lte=now + timedelta(minutes=10), occurrence__end__gt=now + timedelta(minutes=15))
        .filter(status__in=[Status.SCHEDULED, Status.OPEN, Status.IN_SESSION, Status.RECESS])
        .order_by("-occurrence__start")
        .first()
    )


def _public_hearing(case, clerk, judge) -> Hearing:
    hearing = services.hearing_schedule(
        case=case, start=timezone.now() + timedelta(minutes=1), duration=timedelta(hours=2),
        courtroom="Ruang Sidang Kusuma Atmadja", agenda="Pemeriksaan saksi", by=clerk,
        presiding_judge=services.person_for(judge), is_public=True, observer_capacity=30, allow_conflicts=True,
    )
    add = partial(services.participant_add, allow_conflicts=True)
    add(hearing=hearing, role=Role.PROSECUTOR, by=clerk,
        person=services.Person("Bambang Sutrisno", "jaksa.bambang@example.org"))
    defendant = add(hearing=hearing, role=Role.DEFENDANT, by=clerk,
                    person=services.Person("Joko Susilo", "joko.susilo@example.org"))
    add(hearing=hearing, role=Role.COUNSEL, by=clerk, represents=defendant,
        person=services.Person("Maria Simanjuntak", "maria.advokat@example.org"))
    witness = add(hearing=hearing, role=Role.WITNESS, by=clerk,
                  person=services.Person("Li Wei", "li.wei@example.org", language="en"))
    add(hearing=hearing, role=Role.INTERPRETER, by=clerk, interprets_for=witness,
        person=services.Person("Fransiska Tan", "fransiska.tan@example.org"))
    return hearing


def _closed_hearing(case, clerk, judge) -> Hearing:
    hearing = services.hearing_schedule(
        case=case, start=timezone.now() + timedelta(minutes=1), duration=timedelta(hours=2),
        courtroom="Ruang Sidang Oemar Seno Adji", agenda="Mediasi", by=clerk,
        presiding_judge=services.person_for(judge), is_public=False, allow_conflicts=True,
    )
    add = partial(services.participant_add, allow_conflicts=True)
    plaintiff = add(hearing=hearing, role=Role.PLAINTIFF, by=clerk,
                    person=services.Person("Rina Marlina", "rina.marlina@example.org"))
    add(hearing=hearing, role=Role.DEFENDANT, by=clerk,
        person=services.Person("Hendra Gunawan", "hendra.gunawan@example.org"))
    add(hearing=hearing, role=Role.COUNSEL, by=clerk, represents=plaintiff,
        person=services.Person("Yohanes Siregar", "yohanes.advokat@example.org"))
    return hearing


def _open(hearing: Hearing, clerk) -> Hearing:
    if hearing.status in (Status.SCHEDULED, Status.POSTPONED):
        hearing = services.hearing_status_set(hearing=hearing, status=Status.OPEN, by=clerk)
    return hearing


def _seat(hearing: Hearing, role: str) -> HearingParticipant:
    return hearing.participants.select_related("attendee").get(role=role, attendee__removed_at__isnull=True)


def _parties(hearing: Hearing) -> list[dict]:
    seats = hearing.participants.select_related("attendee").exclude(
        role__in=[Role.PRESIDING_JUDGE, Role.CLERK, Role.OBSERVER]
    ).filter(attendee__removed_at__isnull=True)
    return [{"name": p.attendee.name, "role": p.role, "join_url": p.attendee.join_path,
             "feedback_url": reverse("feedback:session", args=[p.attendee.join_token])} for p in seats]


def _describe(hearing: Hearing, clerk_username: str) -> dict:
    clerk_seat, judge_seat = _seat(hearing, Role.CLERK), _seat(hearing, Role.PRESIDING_JUDGE)
    data = {
        "id": str(hearing.pk),
        "occurrence_id": str(hearing.occurrence_id),
        "court_slug": hearing.case.court.slug,
        "case_number": hearing.case.number,
        "public": hearing.is_public,
        "status": hearing.status,
        "docket_url": reverse("hearings:docket", args=[hearing.case.court.slug]),
        "clerk": {"username": clerk_username, "password": PASSWORD, "join_url": clerk_seat.attendee.join_path},
        "judge": {"username": judge_seat.attendee.user.username if judge_seat.attendee.user else "",
                  "password": PASSWORD, "join_url": judge_seat.attendee.join_path},
        "parties": _parties(hearing),
    }
    if hearing.is_public:
        data["observer_url"] = reverse("hearings:observe", args=[hearing.observer_token])
    return data


PUBLIC_ITEMS = [
    ("correction", "Papan jadwal di lobi menulis ruang sidang yang salah untuk perkara pidana hari Senin.",
     "Terima kasih. Papan jadwal kini diisi dari jadwal sidang daring, jadi ruangnya selalu sama."),
    ("proposal", "Mohon jadwal sidang diumumkan sehari sebelumnya agar saksi bisa bersiap.",
     "Jadwal sidang kini terbit di docket publik dan kalender (iCalendar) begitu didaftarkan."),
]


def seed() -> dict:
    court, users = _court()
    published_examples(kind_key="court", organisation=court, by=users["panitera.sari"], examples=PUBLIC_ITEMS)
    public_case = _case(court, users["panitera.sari"], PUBLIC_CASE)
    closed_case = _case(court, users["panitera.agus"], CLOSED_CASE)
    public = _running(public_case) or _public_hearing(public_case, users["panitera.sari"], users["hakim.rahmat"])
    closed = _running(closed_case) or _closed_hearing(closed_case, users["panitera.agus"], users["hakim.dewi"])
    public = _open(public, users["panitera.sari"])
    closed = _open(closed, users["panitera.agus"])
    return {
        "hearing": _describe(public, "panitera.sari"),
        "closed_hearing": _describe(closed, "panitera.agus"),
        "court_feedback_url": reverse("feedback:court_submit", args=[court.slug]),
        "statistics_url": reverse("hearings:statistics", args=[court.slug]),
    }
