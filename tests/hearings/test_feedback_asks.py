"""A hearing's feedback: parties, witnesses and observers who were there are asked after it
concludes, by e-mail only when they have an address (a public observer has none); the bench and
the clerk are not asked. Court staff read the answers; a party does not."""

from datetime import timedelta

from django.test import Client
from django.utils import timezone

from feedback import services as feedback
from hearings import observers, services
from hearings.models import Role, Status
from notifications.models import Message
from rooms.models import AttendanceInterval
from tests.hearings.conftest import bring_to, make_user


def test_a_concluded_hearing_asks_those_present_with_an_address(schedule, clerk, everyone_present):
    hearing = schedule(start=timezone.now() + timedelta(minutes=2))
    witness = services.participant_add(hearing=hearing, role=Role.WITNESS, by=clerk,
                                       person=services.Person("Saksi Satu", "saksi@example.org")).attendee
    services.participant_add(hearing=hearing, role=Role.DEFENDANT, by=clerk,
                             person=services.Person("Pihak", user=make_user("pihak")))
    absent = services.participant_add(hearing=hearing, role=Role.EXPERT, by=clerk,
                                      person=services.Person("Ahli Absen", "ahli@example.org")).attendee
    hearing = bring_to(hearing, Status.OPEN, by=clerk)
    observer = observers.observer_join(hearing=hearing, name="Warga", session_key="s1", client_address="192.0.2.7")
    now = timezone.now()
    for seat in [witness, observer, *hearing.event.attendees.filter(hearing_role__role__in=[Role.CLERK,
                                                                                          Role.PRESIDING_JUDGE])]:
        AttendanceInterval.objects.create(occurrence=hearing.occurrence, attendee=seat, instance="t", joined_at=now,
                                          last_seen_at=now)
    hearing = services.hearing_status_set(hearing=hearing, status=Status.IN_SESSION, by=clerk)
    assert not Message.objects.filter(kind=Message.Kind.FEEDBACK).exists()
    services.hearing_status_set(hearing=hearing, status=Status.CONCLUDED, by=clerk)
    asked = Message.objects.filter(kind=Message.Kind.FEEDBACK)
    assert list(asked.values_list("attendee_id", flat=True)) == [witness.pk]
    assert absent.pk not in asked.values_list("attendee_id", flat=True)

    feedback.feedback_record(attendee=witness, occurrence=hearing.occurrence, rating=2, comment="Suara hakim pelan")
    feedback.feedback_record(attendee=observer, occurrence=hearing.occurrence, rating=4, anonymous=True)
    staff = Client()
    staff.login(username="clerk", password="pw-clerk")
    body = staff.get(f"/api/events/{hearing.event_id}/feedback/").json()
    assert body["count"] == 2 and body["average_rating"] == 3.0
    assert body["comments"] == [{"occurrence_id": str(hearing.occurrence_id), "rating": 2,
                                 "text": "Suara hakim pelan", "name": "Saksi Satu"}]
    assert b"Suara hakim pelan" in staff.get(f"/hearings/{hearing.pk}/").content
    party = Client()
    party.login(username="pihak", password="pw-pihak")
    assert party.get(f"/api/events/{hearing.event_id}/feedback/").status_code == 403
    assert b"Suara hakim pelan" not in party.get(f"/hearings/{hearing.pk}/").content
