"""Cases, seats and their bad input; conflicts; adjournment and postponement with their invitations."""

from datetime import timedelta

import icalendar
import pytest
from django.utils import timezone

from hearings import observers, services
from hearings.errors import HearingError, HearingForbidden
from hearings.models import ALLOWED_ROLES, Case, CaseType, Hearing, HearingParticipant, Role, Status
from notifications.models import Message
from scheduling.errors import Conflict
from scheduling.ical import invite_calendar
from tests.hearings.conftest import bring_to, make_user, seat


def test_case_number_is_unique_per_court(court, clerk, case):
    with pytest.raises(HearingError, match="already used") as refused:
        services.case_create(court=court, number=" 1/pid.b/2026 ", case_type=CaseType.CIVIL, parties="A v. B", by=clerk)
    assert "number" in refused.value.message_dict
    assert Case.objects.count() == 1
    other = services.court_create(name="PN Lain", slug="pn-lain")
    services.court_member_add(court=other, user=clerk, role="clerk")
    services.case_create(court=other, number="1/Pid.B/2026", case_type=CaseType.CIVIL, parties="A v. B", by=clerk)
    assert Case.objects.count() == 2


def test_only_clerks_register_cases_and_schedule(court, judge, case):
    with pytest.raises(HearingForbidden):
        services.case_create(court=court, number="2/Pdt", case_type=CaseType.CIVIL, parties="A v. B", by=judge)
    with pytest.raises(HearingForbidden):
        services.hearing_schedule(case=case, start=timezone.now() + timedelta(days=5), duration=timedelta(hours=1),
                                  courtroom="R1", agenda="x", by=judge, presiding_judge=services.person_for(judge))


ALL_ROLES = [r for r in Role.values if r not in (Role.PRESIDING_JUDGE, Role.CLERK)]


@pytest.mark.parametrize("case_type", CaseType.values)
@pytest.mark.parametrize("role", ALL_ROLES)
def test_roles_allowed_by_case_type(court, clerk, schedule, case_type, role):
    case = services.case_create(court=court, number=f"9/{case_type}", case_type=case_type, parties="A v. B", by=clerk)
    hearing = schedule(case=case)
    party_role = Role.DEFENDANT
    party = services.participant_add(hearing=hearing, role=party_role, by=clerk, person=services.Person("Pihak"))
    links = {Role.COUNSEL: {"represents": party}, Role.INTERPRETER: {"interprets_for": party}}.get(role, {})
    before = HearingParticipant.objects.count()
    if role in ALLOWED_ROLES[case_type]:
        seat = services.participant_add(hearing=hearing, role=role, by=clerk, person=services.Person("Orang"), **links)
        assert seat.role == role and seat.attendee.role == role
    else:
        with pytest.raises(HearingError) as refused:
            services.participant_add(hearing=hearing, role=role, by=clerk, person=services.Person("Orang"), **links)
        assert "role" in refused.value.message_dict
        assert HearingParticipant.objects.count() == before


def test_counsel_must_represent_a_party(hearing, clerk):
    before = hearing.event.attendees.count()
    with pytest.raises(HearingError, match="Counsel must be linked") as refused:
        services.participant_add(hearing=hearing, role=Role.COUNSEL, by=clerk, person=services.Person("Advokat"))
    assert "represents" in refused.value.message_dict
    judge_seat = hearing.participants.get(role=Role.PRESIDING_JUDGE)
    with pytest.raises(HearingError, match="only represent a party"):
        services.participant_add(hearing=hearing, role=Role.COUNSEL, by=clerk, person=services.Person("Advokat"),
                                 represents=judge_seat)
    assert hearing.event.attendees.count() == before


def test_interpreter_must_interpret_for_someone(hearing, clerk):
    with pytest.raises(HearingError, match="interpreter must be linked"):
        services.participant_add(hearing=hearing, role=Role.INTERPRETER, by=clerk, person=services.Person("Juru"))


def test_second_presiding_judge_refused(hearing, clerk):
    with pytest.raises(HearingError, match="already has"):
        services.participant_add(hearing=hearing, role=Role.PRESIDING_JUDGE, by=clerk,
                                 person=services.Person("Hakim Lain", "lain@example.org"))


def test_conflicts_for_judges_clerk_and_counsel(schedule, clerk, judge, case):
    first = schedule()
    start = first.occurrence.start + timedelta(minutes=30)
    # The same judge and clerk, another courtroom, overlapping: refused, naming the clash.
    with pytest.raises(Conflict) as clash:
        schedule(start=start, courtroom="Ruang Lain")
    assert first.event.title in " ".join(clash.value.messages)
    assert Hearing.objects.count() == 1
    # Counsel busy in the first hearing.
    defendant = services.participant_add(hearing=first, role=Role.DEFENDANT, by=clerk, person=services.Person("D"))
    services.participant_add(hearing=first, role=Role.COUNSEL, by=clerk, represents=defendant,
                             person=services.Person("Advokat", "advokat@example.org"))
    other_clerk = make_user("clerk2")
    services.court_member_add(court=case.court, user=other_clerk, role="clerk")
    other_judge = make_user("judge2")
    services.court_member_add(court=case.court, user=other_judge, role="judge")
    second = services.hearing_schedule(
        case=case, start=start, duration=timedelta(hours=1), courtroom="Ruang Lain", agenda="x", by=other_clerk,
        presiding_judge=services.person_for(other_judge),
    )
    party = services.participant_add(hearing=second, role=Role.DEFENDANT, by=other_clerk, person=services.Person("E"))
    with pytest.raises(Conflict):
        services.participant_add(hearing=second, role=Role.COUNSEL, by=other_clerk, represents=party,
                                 person=services.Person("Advokat", "advokat@example.org"))
    # Parties are not conflict-checked: a witness may be summoned to two hearings.
    witness = services.Person("D", "d@example.org")
    services.participant_add(hearing=second, role=Role.WITNESS, by=other_clerk, person=witness)
    services.participant_add(hearing=first, role=Role.WITNESS, by=clerk, person=witness)
    # The courtroom too.
    with pytest.raises(Conflict):
        services.hearing_schedule(
            case=case, start=start, duration=timedelta(hours=1), courtroom=first.courtroom, agenda="x",
            by=other_clerk, presiding_judge=services.Person("Hakim Tiga", "tiga@example.org"),
        )


def _invites(event, kind=Message.Kind.INVITE):
    return Message.objects.filter(event=event, kind=kind, channel=Message.Channel.EMAIL)


def test_adjournment_creates_the_next_hearing_with_the_same_people_and_invites(hearing, clerk, everyone_present):
    defendant = services.participant_add(hearing=hearing, role=Role.DEFENDANT, by=clerk,
                                         person=services.Person("Joko", "joko@example.org"))
    services.participant_add(hearing=hearing, role=Role.COUNSEL, by=clerk, represents=defendant,
                             person=services.Person("Maria", "maria@example.org"))
    services.participant_add(hearing=hearing, role=Role.INTERPRETER, by=clerk, interprets_for=defendant,
                             person=services.Person("Fransiska", "fransiska@example.org"))
    hearing = bring_to(hearing, Status.IN_SESSION, by=clerk)
    next_at = timezone.now() + timedelta(days=10)
    hearing = services.hearing_status_set(hearing=hearing, status=Status.ADJOURNED, by=clerk,
                                          reason="Pemeriksaan saksi", next_at=next_at)
    assert (hearing.status, hearing.status_reason, hearing.next_at) == (Status.ADJOURNED, "Pemeriksaan saksi", next_at)
    following = hearing.next_hearing
    assert following.case == hearing.case and following.previous == hearing
    assert following.occurrence.start == next_at
    assert following.status == Status.SCHEDULED and following.agenda == "Pemeriksaan saksi"
    assert following.courtroom == hearing.courtroom and following.event.kind == "hearing"
    old = {(p.role, p.attendee.name, p.attendee.email) for p in hearing.participants.select_related("attendee")}
    new = {(p.role, p.attendee.name, p.attendee.email) for p in following.participants.select_related("attendee")}
    assert new == old
    counsel = following.participants.get(role=Role.COUNSEL)
    interpreter = following.participants.get(role=Role.INTERPRETER)
    assert counsel.represents.hearing == following and counsel.represents.attendee.name == "Joko"
    assert interpreter.interprets_for == counsel.represents
    invited = {m.email for m in _invites(following.event)}
    assert invited == {p.attendee.email for p in following.participants.select_related("attendee")}
    assert all(m.method == "REQUEST" for m in _invites(following.event))


def test_postponement_moves_the_same_hearing_and_updates_invites(hearing, clerk):
    services.participant_add(hearing=hearing, role=Role.DEFENDANT, by=clerk,
                             person=services.Person("Joko", "joko@example.org"))
    event = hearing.event
    sequence = event.sequence
    first_start = hearing.occurrence.start
    new_start = first_start + timedelta(days=7)
    hearing = services.hearing_status_set(hearing=hearing, status=Status.POSTPONED, by=clerk,
                                          reason="Hakim sakit", next_at=new_start)
    event.refresh_from_db()
    assert Hearing.objects.count() == 1
    assert hearing.occurrence.start == new_start and hearing.postponed_from == first_start
    assert (hearing.status, hearing.status_reason, hearing.next_at) == (Status.POSTPONED, "Hakim sakit", new_start)
    assert event.sequence > sequence
    updates = list(_invites(event, Message.Kind.UPDATE))
    assert {m.email for m in updates} == {a.email for a in event.attendees.all()}
    assert all(m.sequence == event.sequence and m.method == "REQUEST" for m in updates)
    attendee = event.attendees.get(email="joko@example.org")
    vevent = invite_calendar(event=event, attendee=attendee).walk("VEVENT")[0]
    assert vevent["SEQUENCE"] == event.sequence
    assert vevent.decoded("DTSTART") == new_start
    assert vevent["UID"] == event.uid
    parsed = icalendar.Calendar.from_ical(invite_calendar(event=event, attendee=attendee).to_ical())
    assert parsed.walk("VEVENT")[0]["SEQUENCE"] == event.sequence


def test_postponed_hearing_sits_again_on_its_new_date(hearing, clerk, everyone_present):
    hearing = services.hearing_status_set(hearing=hearing, status=Status.POSTPONED, by=clerk, reason="x",
                                          next_at=hearing.occurrence.start + timedelta(days=1))
    hearing = services.hearing_status_set(hearing=hearing, status=Status.OPEN, by=clerk)
    hearing = services.hearing_status_set(hearing=hearing, status=Status.IN_SESSION, by=clerk)
    assert hearing.status == Status.IN_SESSION


def test_cancellation_cancels_the_event_and_sends_cancellations(hearing, clerk):
    hearing = services.hearing_status_set(hearing=hearing, status=Status.CANCELLED, by=clerk, reason="Dicabut")
    hearing.event.refresh_from_db()
    assert hearing.event.status == "cancelled" and hearing.status_reason == "Dicabut"
    assert _invites(hearing.event, Message.Kind.CANCEL).count() == hearing.event.attendees.count()


def test_only_the_bench_and_the_clerk_change_the_status(hearing, clerk, judge, court):
    services.hearing_status_set(hearing=hearing, status=Status.OPEN, by=judge)
    defendant_user = make_user("terdakwa")
    services.participant_add(hearing=hearing, role=Role.DEFENDANT, by=clerk,
                             person=services.Person("Terdakwa", user=defendant_user))
    other_clerk = make_user("clerk2")
    services.court_member_add(court=court, user=other_clerk, role="clerk")
    for outsider in (defendant_user, other_clerk):
        with pytest.raises(HearingForbidden):
            services.hearing_status_set(hearing=hearing, status=Status.CANCELLED, by=outsider, reason="x")
    hearing.refresh_from_db()
    assert hearing.status == Status.OPEN


def test_observers(hearing, schedule, clerk):
    hearing.observer_capacity = 1
    hearing.save()
    browser = {"session_key": "sesi-1", "client_address": "192.0.2.1"}
    attendee = observers.observer_join(hearing=hearing, name=" Warga ", **browser)
    assert attendee.role == Role.OBSERVER and attendee.name == "Warga"
    assert not Message.objects.filter(attendee=attendee).exists()
    assert observers.observer_join(hearing=hearing, name="Lagi", **browser) == attendee  # the same place
    another = {"session_key": "sesi-2", "client_address": "192.0.2.2"}
    with pytest.raises(HearingError, match="taken"):
        observers.observer_join(hearing=hearing, name="Warga Dua", **another)
    with pytest.raises(HearingError, match="name"):
        observers.observer_join(hearing=hearing, name="  ", **another)
    closed = schedule(is_public=False)
    with pytest.raises(HearingForbidden):
        observers.observer_join(hearing=closed, name="Warga", **another)
    with pytest.raises(HearingError, match="closed hearing"):
        services.participant_add(hearing=closed, role=Role.OBSERVER, by=clerk, person=services.Person("W"))
    assert not closed.participants.filter(role=Role.OBSERVER).exists()


def test_a_summons_with_less_than_three_days_notice_warns_the_clerk(schedule):
    from notifications.models import ShortNotice

    soon = schedule(start=timezone.now() + timedelta(days=1))
    assert ShortNotice.objects.filter(event=soon.event).exists()
    later = schedule(start=timezone.now() + timedelta(days=4))
    assert not ShortNotice.objects.filter(event=later.event).exists()


def test_a_court_can_always_use_its_own_external_video_service(hearing, court):
    from rooms.selectors import media_setup

    clerk = seat(hearing, Role.CLERK).attendee  # signed in: a moderator
    assert media_setup(occurrence=hearing.occurrence, attendee=clerk, moderator=True)["mode"] == "mesh"

    court.always_external_video = True
    court.video_url_template = "https://video.pengadilan.example/{room}"
    court.save()
    setup = media_setup(occurrence=hearing.occurrence, attendee=clerk, moderator=True)
    assert setup["mode"] == "link"
    assert setup["link"].startswith("https://video.pengadilan.example/hadir-")


@pytest.mark.parametrize("always_external", [False, True])
def test_a_closed_hearing_never_uses_an_external_video_service(schedule, court, settings, always_external):
    """Issue 20: without Janus a closed hearing has no video above the mesh size, and says so."""
    from rooms.selectors import media_setup

    settings.JANUS_URL, settings.HADIR_MESH_MAX_PARTICIPANTS = [], 1
    court.always_external_video = always_external
    court.video_url_template = "https://video.pengadilan.example/{room}"
    court.save()
    closed = schedule(is_public=False)
    clerk = seat(closed, Role.CLERK).attendee
    setup = media_setup(occurrence=closed.occurrence, attendee=clerk, moderator=True)
    assert setup["mode"] == "none" and setup["link"] == ""
    public = schedule()
    assert media_setup(occurrence=public.occurrence, attendee=seat(public, Role.CLERK).attendee,
                       moderator=True)["mode"] == "link"
