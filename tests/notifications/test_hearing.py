"""Postponing a hearing: one update per party at the SMTP server, and a short-notice warning.

The hearings app registers a 3-day notice period for its kind (a valid summons); notifications
only consults the registry.
"""

from datetime import timedelta

import icalendar

from notifications.models import Message, ShortNotice
from tests.notifications import factories


def _calendar(item):
    part = next(part for part in item.message.walk() if part.get_content_type() == "text/calendar")
    return icalendar.Calendar.from_ical(part.get_content())


def test_postponing_a_hearing_sends_one_update_each_and_warns_the_clerk(
    db, smtp_server, sync_tasks, django_capture_on_commit_callbacks
):
    from hearings import services as hearings
    from hearings.models import CaseType, CourtMembership, Role, Status

    clerk = factories.user("clerk", email="clerk@example.org")
    judge = factories.user("judge", email="judge@example.org")
    court = hearings.court_create(name="PN Contoh", slug="pn-contoh")
    hearings.court_member_add(court=court, user=clerk, role=CourtMembership.Role.CLERK)
    hearings.court_member_add(court=court, user=judge, role=CourtMembership.Role.JUDGE)
    case = hearings.case_create(
        court=court, number="7/Pid.B/2026", case_type=CaseType.CRIMINAL, parties="PU v. Joko", by=clerk
    )
    with django_capture_on_commit_callbacks(execute=True):
        hearing = hearings.hearing_schedule(
            case=case,
            start=factories.later(days=5),
            duration=timedelta(hours=1),
            courtroom="Ruang 1",
            agenda="Pembacaan dakwaan",
            by=clerk,
            presiding_judge=hearings.person_for(judge),
        )
        hearings.participant_add(
            hearing=hearing, role=Role.DEFENDANT, by=clerk, person=hearings.Person("Joko", "joko@example.org")
        )
    people = ["clerk@example.org", "joko@example.org", "judge@example.org"]
    invites = smtp_server.wait_for(3)
    assert sorted(item.rcpt_tos[0] for item in invites) == people
    assert {(str(_calendar(i)["METHOD"]), int(_calendar(i).walk("VEVENT")[0]["SEQUENCE"])) for i in invites} == {
        ("REQUEST", 0)
    }
    assert not ShortNotice.objects.exists()

    new_start = factories.later(days=1)  # under the 3 days a summons needs
    with django_capture_on_commit_callbacks(execute=True):
        hearings.hearing_status_set(
            hearing=hearing, status=Status.POSTPONED, by=clerk, reason="Hakim sakit", next_at=new_start
        )
    event = hearing.event
    event.refresh_from_db()
    updates = smtp_server.wait_for(6)[3:]
    assert sorted(item.rcpt_tos[0] for item in updates) == people
    for item in updates:
        calendar = _calendar(item)
        (vevent,) = calendar.walk("VEVENT")
        assert str(calendar["METHOD"]) == "REQUEST" and "RECURRENCE-ID" not in vevent
        assert int(vevent["SEQUENCE"]) == event.sequence > 0
        assert vevent["DTSTART"].dt == new_start
    assert len(smtp_server.received) == 6

    (warning,) = ShortNotice.objects.all()
    assert warning.event == event and warning.starts_at == new_start
    assert Message.objects.filter(user=clerk, kind=Message.Kind.WARNING).count() == 1
