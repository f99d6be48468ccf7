"""A kind with a notice period (a hearing's summons: 3 days) warns the organiser when invites go out late."""

from datetime import timedelta

import pytest
from django.urls import reverse

from notifications.models import Message, ShortNotice
from notifications.registry import register_notice_period, unregister_notice_period
from tests.notifications import factories


@pytest.fixture
def summons_kind():
    register_notice_period("summons-test", timedelta(days=3), label="summons")
    yield "summons-test"
    unregister_notice_period("summons-test")


def test_short_notice_is_recorded_and_the_organiser_warned(db, client, summons_kind):
    clerk = factories.user("clerk", email="clerk@example.test")
    people = [{"name": "Defendant", "email": "d@example.test"}]
    late = factories.meeting(clerk, title="Case 12", kind=summons_kind, days=1, people=people)
    in_time = factories.meeting(clerk, title="Case 13", kind=summons_kind, days=5, people=people)
    plain = factories.meeting(clerk, title="Staff meeting", kind="", days=1, people=people)

    (warning,) = ShortNotice.objects.all()
    assert warning.event == late and warning.required == timedelta(days=3)
    assert timedelta(hours=20) < warning.given < timedelta(days=1, hours=1)
    notice = Message.objects.get(user=clerk, kind=Message.Kind.WARNING)
    assert "Case 12" in notice.subject and "summons" in notice.subject
    assert notice.url == reverse("notifications:event_log", args=[late.pk])
    assert not ShortNotice.objects.filter(event__in=[in_time, plain]).exists()

    client.force_login(clerk)
    assert "Short notice" in client.get(notice.url).content.decode()
