"""The admin an operator expects (issue 14): the outbox with its filters and the audit logs, read-only,
and no personal link shown."""

import pytest
from django.test import Client
from django.utils import timezone

from notifications.models import Message
from tests.notifications import factories

pytestmark = pytest.mark.django_db


@pytest.fixture
def operator(django_user_model):
    user = django_user_model.objects.create_superuser("operator", "op@example.test", "pw-operator-123")
    client = Client()
    client.force_login(user)
    return client


def test_the_outbox_filters_and_stays_read_only(operator):
    teacher = factories.user("teacher", email="teacher@example.test")
    event = factories.meeting(teacher, people=[{"name": "Sari", "email": "sari@example.test"}], title="Fisika")
    invite = Message.objects.filter(event=event, channel="email").first()
    Message.objects.filter(pk=invite.pk).update(status="failed", last_error="550 no such user",
                                                body_text=f"join: {event.attendees.first().join_path}")
    Message.objects.create(idempotency_key="other", channel="email", kind="notice", subject="Other",
                           email="x@example.test", next_attempt_at=timezone.now())
    listing = "/admin/notifications/message/"
    failed = operator.get(listing, {"status__exact": "failed"}).content.decode()
    assert "sari@example.test" in failed and "x@example.test" not in failed
    pending = operator.get(listing, {"status__exact": "pending"}).content.decode()
    assert "x@example.test" in pending and "sari@example.test" not in pending
    by_event = operator.get(listing, {"event__id__exact": str(event.pk)}).content.decode()
    assert "sari@example.test" in by_event and "x@example.test" not in by_event

    page = operator.get(f"{listing}{invite.pk}/change/")
    assert page.status_code == 200 and "550 no such user" in page.content.decode()
    assert "/join/" not in page.content.decode()
    assert operator.post(f"{listing}{invite.pk}/change/", {"status": "sent"}).status_code == 403
    assert operator.get(f"{listing}add/").status_code == 403
    assert operator.post(f"{listing}{invite.pk}/delete/", {"post": "yes"}).status_code == 403
    assert Message.objects.get(pk=invite.pk).status == "failed"


def test_the_audit_logs_are_listed_read_only(operator):
    for listing in ("/admin/rooms/auditentry/", "/admin/rooms/attendanceinterval/", "/admin/hearings/hearing/"):
        assert operator.get(listing).status_code == 200
    assert operator.get("/admin/rooms/auditentry/add/").status_code == 403
