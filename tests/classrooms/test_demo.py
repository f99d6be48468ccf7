from classrooms import demo
from classrooms.models import Classroom, Enrollment
from rooms.selectors import room_status
from scheduling.models import Attendee, Event, Occurrence


def counts():
    return (
        Classroom.objects.count(),
        Enrollment.objects.count(),
        Event.objects.count(),
        Occurrence.objects.count(),
        Attendee.objects.count(),
    )


def test_seed_is_idempotent_and_has_a_live_meeting_and_a_term(db, client):
    first = demo.seed()
    before = counts()
    second = demo.seed()
    assert second == first
    assert counts() == before

    part = first["classroom"]
    classroom = Classroom.objects.get(pk=part["id"])
    meeting = Occurrence.objects.get(pk=part["meeting_occurrence_id"])
    assert meeting.event.class_event.classroom == classroom and meeting.event.kind == "class"
    assert room_status(meeting).status == "live"
    term = classroom.class_events.get(is_term_schedule=True).event
    assert "FREQ=WEEKLY" in term.rrule and term.exdates and term.occurrences.count() >= 20
    assert len(part["students"]) >= 5
    for person in [part["teacher"], *part["students"]]:
        assert person["join_url"].startswith("/join/") and person["feed_url"].endswith(".ics")
    assert {"username", "password"} <= set(part["teacher"])
    assert client.login(username=part["teacher"]["username"], password=part["teacher"]["password"])
    response = client.get(part["students"][0]["feed_url"])
    assert response.status_code == 200 and b"BEGIN:VCALENDAR" in response.content
    # An ended meeting with answers: each student's feedback link opens its form; the class page shows them.
    for student in part["students"]:
        form = client.get(student["feedback_url"])
        assert form.status_code == 200 and not form.context["problem"], student
    assert b"Penjelasannya jelas" in client.get(f"/classrooms/{classroom.pk}/").content
    assert client.get(part["school_feedback_url"]).status_code == 200
