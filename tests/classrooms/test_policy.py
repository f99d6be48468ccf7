from datetime import time

import pytest

from classrooms import services
from classrooms.policies import ClassroomRoomPolicy
from rooms.errors import Forbidden, Invalid
from rooms.policies import policy_for
from rooms.services import room_status_set
from scheduling import services as scheduling


@pytest.fixture
def event(classroom, people):
    event = services.meetings_schedule(
        classroom=classroom,
        by=people["teacher"],
        weekdays=[0, 1, 2, 3, 4],
        start_time=time(7, 30),
        end_time=time(9, 0),
    )
    scheduling.attendee_add(event=event, name="Tamu", email="tamu@example.org", notify=False)
    return event


def by_role(event):
    return {attendee.role: attendee for attendee in event.attendees.all()}


def test_class_events_use_the_class_policy(event):
    assert isinstance(policy_for(event), ClassroomRoomPolicy)


def test_who_moderates_and_who_waits(event):
    policy = policy_for(event)
    people = by_role(event)
    assert policy.is_moderator(people["teacher"]) and policy.is_moderator(people["assistant"])
    assert not policy.is_moderator(people["student"]) and not policy.is_moderator(people["participant"])
    for status in ("open", "live"):
        assert policy.enters_directly(people["student"], status=status)
        assert not policy.enters_directly(people["participant"], status=status)
    # Before the teacher opens the room, students wait too.
    assert not policy.enters_directly(people["student"], status="scheduled")
    assert policy.enters_directly(people["teacher"], status="scheduled")
    assert policy.role_label(people["teacher"]) == "Teacher"


def test_statuses_go_scheduled_open_live_ended(event):
    occurrence = event.occurrences.order_by("start").first()
    people = by_role(event)
    with pytest.raises(Invalid):
        room_status_set(occurrence=occurrence, status="live", by=people["teacher"])
    with pytest.raises(Forbidden):
        room_status_set(occurrence=occurrence, status="open", by=people["student"])
    for status in ("open", "live", "ended"):
        assert room_status_set(occurrence=occurrence, status=status, by=people["assistant"]).status == status
    with pytest.raises(Invalid):
        room_status_set(occurrence=occurrence, status="open", by=people["teacher"])


def test_going_live_sends_students_with_accounts_an_in_app_notice(event, people):
    from notifications.models import Message

    occurrence = event.occurrences.order_by("start").first()
    teacher = by_role(event)["teacher"]
    room_status_set(occurrence=occurrence, status="open", by=teacher)
    assert not Message.objects.filter(user=people["student"], channel="in_app", kind=Message.Kind.NOTICE).exists()
    room_status_set(occurrence=occurrence, status="live", by=teacher)
    notices = Message.objects.filter(channel="in_app", kind=Message.Kind.NOTICE, event=event)
    assert {notice.user for notice in notices} == {people["student"]}
    student = event.attendees.get(user=people["student"])
    assert notices.get().url == student.join_path and "has started" in notices.get().subject


def test_a_school_can_always_use_its_own_external_video_service(event, school):
    from rooms.selectors import media_setup

    occurrence = event.occurrences.first()
    teacher = by_role(event)["teacher"]  # signed in: a moderator
    assert media_setup(occurrence=occurrence, attendee=teacher, moderator=True)["mode"] == "mesh"  # 4, under the mesh

    school.always_external_video = True
    school.video_url_template = "https://video.sekolah.example/{room}"
    school.save()
    setup = media_setup(occurrence=occurrence, attendee=teacher, moderator=True)
    assert setup["mode"] == "link"
    assert setup["link"].startswith("https://video.sekolah.example/hadir-")
    assert str(occurrence.pk) not in setup["link"]


def test_a_class_room_opens_by_itself_at_the_start_unless_students_wait(event, classroom):
    from datetime import timedelta

    from rooms.selectors import room_status
    from rooms.services import room_open_when_due

    occurrence = event.occurrences.order_by("start").first()
    room_open_when_due(occurrence=occurrence, now=occurrence.start - timedelta(minutes=1))
    assert room_status(occurrence).status == "scheduled"  # not yet
    classroom.students_wait = True
    classroom.save()
    room_open_when_due(occurrence=occurrence, now=occurrence.start + timedelta(minutes=1))
    assert room_status(occurrence).status == "scheduled"  # the teacher opens it
    classroom.students_wait = False
    classroom.save()
    room_open_when_due(occurrence=occurrence, now=occurrence.end)
    assert room_status(occurrence).status == "scheduled"  # over: left alone
    room_open_when_due(occurrence=occurrence, now=occurrence.start + timedelta(minutes=1))
    assert room_status(occurrence).status == "open"
    room_open_when_due(occurrence=occurrence, now=occurrence.start + timedelta(minutes=2))  # once
    assert room_status(occurrence).status == "open"


def test_the_class_room_offers_no_next_sitting_and_the_teacher_the_attendance(event):
    policy = policy_for(event)
    assert all(policy.fields(status) == () for status in policy.statuses)
    occurrence = event.occurrences.order_by("start").first()
    people = by_role(event)
    steps = policy.next_steps(occurrence, people["teacher"], moderator=True)
    assert [url for _label, url in steps] == [f"/classrooms/{event.class_event.classroom_id}/meetings/{occurrence.pk}/"]
    assert policy.next_steps(occurrence, people["student"], moderator=False) == []


def test_the_every_minute_task_opens_a_class_that_nobody_has_entered_yet(event):
    from datetime import timedelta

    from django_q.models import Schedule

    from rooms.selectors import room_status
    from rooms.services import rooms_open_due

    assert Schedule.objects.filter(func="rooms.tasks.open_due", minutes=1).exists()
    first, second = event.occurrences.order_by("start")[:2]
    assert rooms_open_due(now=first.start - timedelta(minutes=1)) == 0
    assert rooms_open_due(now=first.start + timedelta(minutes=1)) == 1
    assert room_status(first).status == "open" and room_status(second).status == "scheduled"
    assert rooms_open_due(now=first.start + timedelta(minutes=2)) == 0


def test_without_janus_a_school_that_named_no_external_service_has_no_video_above_the_mesh(event, school, settings):
    """Issue 20: larger rooms show an external link only where the school opted in."""
    from rooms.selectors import media_setup

    settings.JANUS_URL, settings.HADIR_MESH_MAX_PARTICIPANTS = [], 1
    occurrence = event.occurrences.first()
    teacher = by_role(event)["teacher"]
    assert media_setup(occurrence=occurrence, attendee=teacher, moderator=True)["mode"] == "none"
    school.video_url_template = "https://video.sekolah.example/{room}"
    school.save()
    assert media_setup(occurrence=occurrence, attendee=teacher, moderator=True)["mode"] == "link"


def test_students_of_a_large_lecture_listen_and_teachers_never(event, classroom, people, django_assert_num_queries):
    policy = policy_for(event)
    seats = by_role(event)
    assert not any(policy.is_audience(seat) for seat in seats.values())
    assert policy.may_send(seats["student"], "chat")
    services.classroom_update(classroom=classroom, by=people["teacher"], lecture_audience=True)
    seats = by_role(event)
    assert policy.is_audience(seats["student"]) and not policy.may_send(seats["student"], "chat")
    for role in ("teacher", "assistant", "participant"):  # a guest invited by hand is no student
        assert not policy.is_audience(seats[role]) and policy.may_send(seats[role], "chat")
    # At the door, one query answers for the whole batch (``prepare``), none per seat.
    occurrence = event.occurrences.select_related("event").first()
    policy.prepare(occurrences=[occurrence], attendees=list(seats.values()))
    for seat in seats.values():
        seat.event = occurrence.event
    with django_assert_num_queries(0):
        assert [policy.is_audience(seat) for seat in seats.values()].count(True) == 1


def test_the_lecture_setting_is_in_the_class_form(client, classroom, people):
    client.force_login(people["teacher"])
    client.cookies["django_language"] = "id"
    page = client.get(f"/classrooms/{classroom.pk}/edit/").content.decode()
    assert 'name="lecture_audience"' in page and "Siswa mendengarkan (kuliah besar)" in page
    form = {"name": classroom.name, "subject": classroom.subject, "term_start": classroom.term_start.isoformat(),
            "term_end": classroom.term_end.isoformat(), "size_limit": 30, "late_after_minutes": 10,
            "left_early_minutes": 10, "lecture_audience": "on"}
    assert client.post(f"/classrooms/{classroom.pk}/edit/", form).status_code == 302
    classroom.refresh_from_db()
    assert classroom.lecture_audience and not classroom.students_wait


def test_a_lecture_students_room_page_says_they_listen_and_keeps_the_chat_for_later(client, event, classroom, people):
    from datetime import timedelta

    from django.utils import timezone

    from scheduling.models import Occurrence

    services.classroom_update(classroom=classroom, by=people["teacher"], lecture_audience=True)
    occurrence = event.occurrences.order_by("start").first()
    Occurrence.objects.filter(pk=occurrence.pk).update(start=timezone.now() - timedelta(minutes=5),
                                                        end=timezone.now() + timedelta(minutes=55))
    student = by_role(event)["student"]
    client.cookies["django_language"] = "id"
    assert client.get(student.join_path).status_code == 302
    page = client.get(f"/rooms/{occurrence.pk}/").content.decode()
    assert 'data-audience="1"' in page and 'id="chat-form" class="chat-form" hidden' in page
    assert "Anda mendengarkan" in page and 'id="audience-panel"' not in page  # the panel is the teacher's
    teacher = client.__class__()
    teacher.force_login(people["teacher"])
    page = teacher.get(f"/rooms/{occurrence.pk}/").content.decode()
    assert 'id="audience-panel"' in page and "data-audience" not in page
