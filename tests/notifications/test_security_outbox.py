"""The outbox cannot be jammed: a message that cannot be built or sent fails alone, and the batch goes on.

The rows below are poisoned straight in the database, as rows written before names and addresses
were checked would be (the API and forms refuse control characters now): the delivery must hold
even then. A real SMTP server (aiosmtpd) receives what goes out.
"""

from datetime import timedelta

from django.core.mail.backends.smtp import EmailBackend
from django.utils import timezone

from notifications import delivery, tasks
from notifications.models import Message
from notifications.services import reminders_enqueue
from scheduling.models import Attendee
from tests.notifications import factories

INJECTION = "Evil\r\nBcc: evil@example.org"


def _poison(event, address: str, **fields) -> Message:
    """Write ``fields`` into the attendee and its pending e-mail row, bypassing every check."""
    attendee = event.attendees.get(email=address)
    Attendee.objects.filter(pk=attendee.pk).update(**fields)
    Message.objects.filter(attendee=attendee, channel="email").update(**fields)
    return Message.objects.get(attendee=attendee, channel="email")


def test_a_poisoned_message_fails_alone_and_the_reminder_behind_it_arrives(db, smtp_server):
    teacher = factories.user("teacher", email="teacher@example.test")
    invited = factories.meeting(
        teacher,
        title="Physics 10A",
        people=[
            {"name": "Named", "email": "named@example.test"},
            {"name": "Addressed", "email": "addressed@example.test"},
        ],
    )  # queued, not delivered yet: the batch below holds these first
    poisoned_name = _poison(invited, "named@example.test", name=INJECTION)
    poisoned_address = _poison(
        invited, "addressed@example.test", email="addressed@example.test\r\nBcc: evil@example.org"
    )
    soon = factories.meeting(
        teacher,
        title="Chemistry 10A",
        days=0.5,
        reminder_minutes=[24 * 60],
        people=[{"name": "Siti", "email": "siti@example.test"}],
    )
    Message.objects.filter(event=soon).delete()
    reminders_enqueue()
    reminder = Message.objects.get(event=soon, kind=Message.Kind.REMINDER, channel="email")

    tasks.tick()  # one batch: the two poisoned invitations first, the reminder behind them

    reminder.refresh_from_db()
    assert reminder.status == Message.Status.SENT
    received = {item.rcpt_tos[0]: item for item in smtp_server.wait_for(2)}
    assert sorted(received) == ["named@example.test", "siti@example.test"]
    assert received["siti@example.test"].message["Subject"] == "Reminder: Chemistry 10A"

    # The name is only decoration: its control characters are dropped, so the invitation still
    # reaches its one recipient and no header is injected.
    named = received["named@example.test"]
    assert named.rcpt_tos == ["named@example.test"]
    assert named.message["Bcc"] is None and "evil@example.org" not in named.message["To"].addresses[0].addr_spec
    assert "\r" not in str(named.message["To"]) and "\n" not in str(named.message["To"])
    poisoned_name.refresh_from_db()
    assert poisoned_name.status == Message.Status.SENT

    # The address cannot be repaired: failed at once (every retry would build the same bytes),
    # with a reason the organiser can read, and a warning in the organiser's inbox.
    poisoned_address.refresh_from_db()
    assert poisoned_address.status == Message.Status.FAILED
    assert poisoned_address.attempts == 1 and poisoned_address.lease_until is None
    assert "e-mail address is not valid" in poisoned_address.last_error
    warning = Message.objects.get(user=teacher, kind=Message.Kind.WARNING, channel="in_app")
    assert warning.subject.startswith("Could not deliver “Invitation: Physics 10A” to Addressed")
    assert warning.status == Message.Status.SENT
    assert all("evil@example.org" not in rcpt for item in smtp_server.received for rcpt in item.rcpt_tos)


def test_any_exception_for_one_message_is_counted_and_the_rest_go_out(db, settings, smtp_server, monkeypatch):
    settings.HADIR_NOTIFY_MAX_ATTEMPTS = 3
    teacher = factories.user("teacher", email="teacher@example.test")
    event = factories.meeting(
        teacher,
        people=[{"name": "Broken", "email": "broken@example.test"}, {"name": "Fine", "email": "fine@example.test"}],
    )
    broken = Message.objects.get(event=event, channel="email", email="broken@example.test")
    send_messages = EmailBackend.send_messages

    def explode_for_broken(self, messages):
        if any("broken@example.test" in to for email in messages for to in email.to):
            raise RuntimeError("something nobody expected")
        return send_messages(self, messages)

    monkeypatch.setattr(EmailBackend, "send_messages", explode_for_broken)
    ids = list(Message.objects.filter(event=event, channel="email").values_list("pk", flat=True))
    assert delivery.deliver(ids=ids) == 2
    assert [item.rcpt_tos for item in smtp_server.wait_for(1)] == [["fine@example.test"]]
    broken.refresh_from_db()
    # Not known to be permanent: counted, retried after its backoff, failed after its attempts.
    assert broken.status == Message.Status.PENDING and broken.attempts == 1
    assert broken.last_error == "RuntimeError: something nobody expected"
    for days in (1, 2):
        delivery.deliver(ids=[broken.pk], now=timezone.now() + timedelta(days=days))
    broken.refresh_from_db()
    assert broken.status == Message.Status.FAILED and broken.attempts == 3
    assert Message.objects.filter(user=teacher, kind=Message.Kind.WARNING).count() == 1
    assert len(smtp_server.received) == 1


def test_a_message_left_sending_by_a_dead_worker_fails_after_its_attempts(db, settings):
    """A message that kills its worker every time (so nothing can catch it) must not be claimed forever."""
    settings.HADIR_NOTIFY_MAX_ATTEMPTS = 3
    teacher = factories.user("teacher", email="teacher@example.test")
    event = factories.meeting(teacher, people=[{"name": "A", "email": "a@example.test"}])
    row = Message.objects.get(event=event, channel="email")
    later = timezone.now()
    lease = timedelta(seconds=settings.HADIR_NOTIFY_LEASE_SECONDS + 1)
    for attempt in (1, 2, 3):
        later += lease
        (claimed,) = delivery.claim(ids=[row.pk], now=later)  # ... and the worker dies here
        assert claimed.attempts == attempt
    later += lease
    delivery.deliver(now=later)  # what the tick does
    row.refresh_from_db()
    assert row.status == Message.Status.FAILED and row.attempts == 3 and row.lease_until is None
    assert "interrupted" in row.last_error
    warning = Message.objects.get(user=teacher, kind=Message.Kind.WARNING)
    assert "Could not deliver" in warning.subject and "interrupted" in warning.subject
    assert warning.status == Message.Status.SENT
    assert delivery.claim(ids=[row.pk], now=later + lease) == []
