"""No mail cannon: whom a person may invite, how many, how many reminders, and how many messages
an hour — enforced in the services, so that every page and API route gets the same answer."""

from datetime import timedelta

import pytest
from django.core.exceptions import PermissionDenied
from rest_framework.test import APIClient

from classrooms import services as classrooms
from notifications.models import Message
from scheduling import services
from scheduling.errors import SchedulingError
from scheduling.models import Attendee, Event
from scheduling.services import AttendeeSpec
from tests.scheduling import factories as f

pytestmark = pytest.mark.django_db


def signed_in(user) -> APIClient:
    client = APIClient()
    client.force_login(user)
    return client


def new_event(client, **extra):
    start = f.local("Asia/Jakarta", f.next_weekday(2), 9)
    return client.post(
        "/api/events/",
        {"title": "Kerja kelompok", "start": start.isoformat(), "duration_minutes": 60, "timezone": "Asia/Jakarta",
         **extra},
        format="json",
    )


# ---------------------------------------------------------------- whom

def test_a_student_cannot_invite_outside_addresses_and_nothing_is_sent():
    response = new_event(signed_in(f.user("murid")), attendees=[{"name": "Siapa saja", "email": "victim@example.net"}])

    assert response.status_code == 403
    assert "victim@example.net" in response.json()["detail"]
    assert not Event.objects.exists() and not Message.objects.exists()


def test_a_student_may_invite_people_they_already_share_an_event_with():
    teacher, student, classmate = f.user("guru", is_staff=True), f.user("murid"), f.user("teman")
    f.event(organizer=teacher, attendees=[AttendeeSpec(user=student), AttendeeSpec(user=classmate),
                                          AttendeeSpec(email="tamu@example.org")])

    response = new_event(signed_in(student), attendees=[
        {"email": classmate.email}, {"email": "TAMU@example.org"}, {"email": teacher.email}, {"email": student.email},
    ])

    assert response.status_code == 201, response.content


def test_the_rule_holds_in_the_service_for_later_invitations_too():
    student = f.user("murid")
    event = f.event(organizer=student)

    with pytest.raises(PermissionDenied):
        services.attendee_add(event=event, email="victim@example.net")
    with pytest.raises(PermissionDenied):
        services.event_create(
            organizer=student, title="Spam", start=f.local("UTC", f.next_weekday(3), 9), duration=timedelta(hours=1),
            timezone="UTC", attendees=[AttendeeSpec(email="victim@example.net")],
        )
    assert event.attendees.count() == 0 and Event.objects.count() == 1
    services.attendee_add(event=event, name="Tamu tanpa alamat")  # nobody is contacted: allowed


def test_teachers_clerks_and_staff_may_invite_anyone(court):
    teacher = f.user("guru")
    classrooms.school_create(name="SMA 9", timezone="Asia/Jakarta", by=None, admins=[teacher])
    for organiser in (teacher, court.clerk, f.user("admin", is_staff=True)):
        response = new_event(signed_in(organiser), title=f"Rapat {organiser}",
                             attendees=[{"email": f"orang-{organiser.pk}@example.net"}])
        assert response.status_code == 201, (organiser, response.content)


# ---------------------------------------------------------------- how many

@pytest.mark.parametrize(
    "offsets",
    [[0, 1, 2, 3, 4, 5, 6], [1], [7], [5, 10, 15, 30], list(range(10_000))],
)
def test_reminders_are_a_few_offsets_from_a_fixed_set(offsets):
    response = new_event(signed_in(f.user("guru", is_staff=True)), reminder_minutes=offsets)

    assert response.status_code == 400
    assert list(response.json()) == ["reminder_minutes"]
    assert not Event.objects.exists()


def test_allowed_reminders_are_kept():
    response = new_event(signed_in(f.user("guru", is_staff=True)), reminder_minutes=[10, 1440, 10080])

    assert response.status_code == 201 and response.json()["reminder_minutes"] == [10080, 1440, 10]


def test_attendees_per_event_depend_on_the_role(settings):
    settings.HADIR_MAX_ATTENDEES = 2
    settings.HADIR_MAX_ATTENDEES_ORGANISER = 4
    teacher, student = f.user("guru", is_staff=True), f.user("murid")
    classmates = [f.user(f"teman{index}") for index in range(5)]
    f.event(organizer=teacher, attendees=[AttendeeSpec(user=person) for person in [student, *classmates[:3]]],
            allow_conflicts=True)

    too_many = new_event(signed_in(student), attendees=[{"email": person.email} for person in classmates[:3]])
    assert too_many.status_code == 400 and "2" in too_many.json()["attendees"][0]
    assert new_event(signed_in(student), attendees=[{"email": p.email} for p in classmates[:2]]).status_code == 201

    event = f.event(organizer=teacher, title="Kelas", attendees=[AttendeeSpec(user=p) for p in classmates[:4]],
                    allow_conflicts=True)
    with pytest.raises(SchedulingError) as refused:
        services.attendee_add(event=event, user=classmates[4])
    assert "4" in refused.value.messages[0] and event.attendees.count() == 4


def test_messages_per_organiser_per_hour_are_limited_with_an_error_naming_the_limit(settings):
    settings.HADIR_MAX_MESSAGES_PER_HOUR = 5
    teacher, student = f.user("guru", is_staff=True), f.user("murid")
    classmates = [f.user(f"teman{index}") for index in range(3)]
    f.event(organizer=teacher, attendees=[AttendeeSpec(user=person) for person in [student, *classmates]])
    client = signed_in(student)

    first = new_event(client, attendees=[{"email": person.email} for person in classmates])
    assert first.status_code == 201
    sent = Message.objects.filter(event__organizer=student).count()
    assert sent >= 3

    second = new_event(client, title="Lagi", attendees=[{"email": person.email} for person in classmates])
    assert second.status_code == 400
    assert "5" in " ".join(second.json()["detail"])
    assert Message.objects.filter(event__organizer=student).count() == sent
    assert Event.objects.filter(organizer=student).count() == 1

    event = Event.objects.get(organizer=student)
    for _attempt in range(3):
        try:
            services.event_update(event=event, by=student, title=f"Judul {_attempt}")
        except SchedulingError as refused:
            assert "5" in refused.messages[0]
            break
    else:
        pytest.fail("changes that send updates were not limited")
    assert Attendee.objects.filter(event=event).count() == 3


def test_sending_links_again_counts_against_the_hourly_message_budget(settings):
    """A resend is one more invitation: without the check, rotating and resending a link in a loop
    sent mail without end."""
    settings.HADIR_MAX_MESSAGES_PER_HOUR = 4
    student = f.user("murid")
    classmates = [f.user(f"teman{index}") for index in range(3)]
    f.event(organizer=f.user("guru", is_staff=True), attendees=[AttendeeSpec(user=p) for p in [student, *classmates]])
    client = signed_in(student)
    assert new_event(client, attendees=[{"email": person.email} for person in classmates]).status_code == 201
    event = Event.objects.get(organizer=student)
    first, second, third = event.attendees.order_by("email")
    sent = Message.objects.filter(event__organizer=student).count()
    assert sent == 3

    assert client.post(f"/api/attendees/{first.pk}/link/resend/").status_code == 200
    refused = client.post(f"/api/attendees/{second.pk}/link/resend/")
    assert refused.status_code == 400 and "4" in " ".join(refused.json()["detail"])
    with pytest.raises(SchedulingError):
        services.attendee_invite_resend(attendee=third, by=student)
    assert Message.objects.filter(event__organizer=student).count() == sent + 1
