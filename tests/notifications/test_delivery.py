"""Delivery: refusals, people without an address, SMTP down then up, retries, and no duplicates."""

from datetime import timedelta

from django.urls import reverse
from django.utils import timezone

from notifications import delivery, tasks
from notifications.models import Message
from scheduling import signals
from tests.notifications import factories


def test_refused_address_fails_with_reason_while_the_rest_go_out(
    db, smtp_server, sync_tasks, django_capture_on_commit_callbacks
):
    smtp_server.handler.refuse["bad@example.test"] = "550 5.1.1 <bad@example.test>: Recipient address rejected"
    teacher = factories.user("teacher", email="teacher@example.test")
    no_mail = factories.user("budi")  # an account without an e-mail address
    with django_capture_on_commit_callbacks(execute=True):
        event = factories.meeting(
            teacher,
            people=[
                {"name": "Good", "email": "good@example.test"},
                {"name": "Bad", "email": "bad@example.test"},
                {"user": no_mail},
                {"name": "Tono"},  # by name only
            ],
        )
    assert [item.rcpt_tos for item in smtp_server.wait_for(1)] == [["good@example.test"]]

    bad = Message.objects.get(event=event, channel="email", email="bad@example.test")
    assert bad.status == Message.Status.FAILED
    assert bad.last_error.startswith("550") and "Recipient address rejected" in bad.last_error
    assert Message.objects.get(event=event, channel="email", email="good@example.test").status == "sent"

    budi_email = Message.objects.get(event=event, channel="email", attendee__user=no_mail)
    assert budi_email.status == Message.Status.FAILED and "No e-mail address" in budi_email.last_error
    budi_notice = Message.objects.get(event=event, channel="in_app", user=no_mail)
    assert budi_notice.status == Message.Status.SENT and budi_notice.kind == Message.Kind.INVITE
    assert Message.objects.get(event=event, channel="email", name="Tono").status == Message.Status.FAILED

    warnings = sorted(Message.objects.filter(user=teacher, kind=Message.Kind.WARNING).values_list("subject", flat=True))
    assert len(warnings) == 2
    assert warnings[0].startswith("Could not deliver") and "Bad" in warnings[0] and "550" in warnings[0]
    assert warnings[1] == "No e-mail address for Tono, budi: they were not e-mailed about “Physics 10A”."


def test_organiser_sees_failures_and_only_the_organiser_may_retry(
    db, client, smtp_server, sync_tasks, django_capture_on_commit_callbacks
):
    smtp_server.handler.refuse["bad@example.test"] = "550 5.1.1 mailbox unavailable"
    teacher = factories.user("teacher", email="teacher@example.test")
    other = factories.user("other", email="other@example.test")
    with django_capture_on_commit_callbacks(execute=True):
        event = factories.meeting(teacher, people=[{"name": "Bad", "email": "bad@example.test"}, {"name": "Tono"}])
    failed = Message.objects.get(event=event, email="bad@example.test")
    page = reverse("notifications:event_log", args=[event.pk])
    retry = reverse("notifications:retry", args=[failed.pk])

    assert client.get(page).status_code == 302  # anonymous: to the login page
    client.force_login(other)
    assert client.get(page).status_code == 404
    assert client.post(retry).status_code == 404
    failed.refresh_from_db()
    assert failed.status == Message.Status.FAILED and failed.attempts == 1

    client.force_login(teacher)
    body = client.get(page).content.decode()
    assert "550 5.1.1 mailbox unavailable" in body
    assert "No e-mail address: this person could not be e-mailed." in body
    assert body.count("Retry") >= 2

    smtp_server.handler.refuse.clear()
    with django_capture_on_commit_callbacks(execute=True):
        response = client.post(retry, follow=True)
    assert "will be sent again" in response.content.decode()
    failed.refresh_from_db()
    assert failed.status == Message.Status.SENT
    assert [item.rcpt_tos for item in smtp_server.received] == [["bad@example.test"]]

    # Retrying what is not failed (or has still no address) changes nothing and says why.
    response = client.post(retry, follow=True)
    assert "Only a failed message can be retried." in response.content.decode()
    tono = Message.objects.get(event=event, name="Tono", channel="email")
    response = client.post(reverse("notifications:retry", args=[tono.pk]), follow=True)
    assert "still no e-mail address" in response.content.decode()
    tono.refresh_from_db()
    assert tono.status == Message.Status.FAILED
    assert len(smtp_server.received) == 1


def test_smtp_down_messages_wait_then_go_out(db, smtp_server, sync_tasks, django_capture_on_commit_callbacks):
    smtp_server.stop()
    teacher = factories.user("teacher", email="teacher@example.test")
    people = [{"name": f"S{i}", "email": f"s{i}@example.test"} for i in range(5)]
    with django_capture_on_commit_callbacks(execute=True):
        event = factories.meeting(teacher, people=people)
    rows = Message.objects.filter(event=event, channel="email")
    assert {(row.status, row.attempts) for row in rows} == {(Message.Status.PENDING, 1)}
    assert all(row.last_error and row.next_attempt_at > timezone.now() for row in rows)

    tasks.tick()  # not due yet: nothing is attempted
    assert set(rows.values_list("attempts", flat=True)) == {1}

    smtp_server.start()
    assert delivery.deliver(now=timezone.now() + delivery.backoff(1) + timedelta(seconds=1)) == 5
    received = smtp_server.wait_for(5)
    assert sorted(item.rcpt_tos[0] for item in received) == sorted(p["email"] for p in people)
    assert set(rows.values_list("status", flat=True)) == {Message.Status.SENT}
    assert delivery.deliver(now=timezone.now() + timedelta(days=1)) == 0
    assert len(smtp_server.received) == 5


def test_backoff_doubles_and_gives_up_after_the_limit(
    db, settings, smtp_server, sync_tasks, django_capture_on_commit_callbacks
):
    settings.HADIR_NOTIFY_MAX_ATTEMPTS = 3
    smtp_server.stop()
    teacher = factories.user("teacher", email="teacher@example.test")
    with django_capture_on_commit_callbacks(execute=True):
        event = factories.meeting(teacher, people=[{"name": "A", "email": "a@example.test"}])
    row = Message.objects.get(event=event, channel="email")
    waits = []
    for _ in range(2):
        waits.append(row.next_attempt_at - timezone.now())
        delivery.deliver(now=row.next_attempt_at + timedelta(seconds=1))
        row.refresh_from_db()
    assert waits[0] < timedelta(minutes=1) + timedelta(seconds=5)
    assert row.status == Message.Status.FAILED and row.attempts == 3
    assert delivery.backoff(1) == timedelta(minutes=1) and delivery.backoff(2) == timedelta(minutes=2)
    assert delivery.backoff(20) == timedelta(hours=1)


def test_one_change_announced_twice_is_one_message(db, smtp_server, sync_tasks, django_capture_on_commit_callbacks):
    teacher = factories.user("teacher", email="teacher@example.test")
    with django_capture_on_commit_callbacks(execute=True):
        event = factories.meeting(teacher, people=[{"name": "A", "email": "a@example.test"}])
        signals.event_created.send(sender=type(event), event=event)
        signals.attendee_added.send(sender=type(event), attendee=event.attendees.get())
    assert Message.objects.filter(event=event, channel="email").count() == 1
    smtp_server.wait_for(1)
    assert len(smtp_server.received) == 1


def test_a_request_overtaken_by_a_cancellation_is_not_sent(
    db, smtp_server, sync_tasks, django_capture_on_commit_callbacks
):
    from scheduling import services

    teacher = factories.user("teacher", email="teacher@example.test")
    event = factories.meeting(teacher, people=[{"name": "A", "email": "a@example.test"}])  # queued, not sent
    with django_capture_on_commit_callbacks(execute=True):
        services.event_cancel(event=event, by=teacher)
    tasks.tick()
    (received,) = smtp_server.wait_for(1)
    (calendar_part,) = [part for part in received.message.walk() if part.get_content_type() == "text/calendar"]
    assert calendar_part.get_param("method") == "CANCEL"
    assert "Content-Type: text/calendar; method=CANCEL" in received.message.as_string()
    invite = Message.objects.get(event=event, channel="email", kind=Message.Kind.INVITE)
    assert invite.status == Message.Status.SUPERSEDED and "later change" in invite.last_error


def test_reminder_rendered_when_sent(db, smtp_server, sync_tasks, django_capture_on_commit_callbacks):
    from notifications.services import reminders_enqueue

    teacher = factories.user("teacher", email="teacher@example.test")
    event = factories.meeting(
        teacher,
        days=0.5,
        reminder_minutes=[24 * 60],
        people=[{"name": "A", "email": "a@example.test", "language": "id"}],
    )
    Message.objects.all().delete()
    with django_capture_on_commit_callbacks(execute=True):
        reminders_enqueue()
    (received,) = smtp_server.wait_for(1)
    assert received.message["Subject"].startswith("Pengingat:")
    assert "1440 menit" in received.message.get_body(("plain",)).get_content()
    assert not any(part.get_content_type() == "text/calendar" for part in received.message.walk())
    assert Message.objects.get(event=event, channel="email").status == Message.Status.SENT
