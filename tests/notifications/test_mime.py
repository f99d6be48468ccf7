"""Invitations reach a real SMTP server as valid iTIP e-mail, in the recipient's language."""

import icalendar

from notifications.mime import message_id_for
from notifications.models import Message
from tests.notifications import factories


def _parts(message):
    alternative = next(part for part in message.iter_parts() if part.get_content_type() == "multipart/alternative")
    return list(alternative.iter_parts())


def test_invite_is_multipart_with_calendar_part_and_ics_attachment(
    db, smtp_server, sync_tasks, django_capture_on_commit_callbacks
):
    teacher = factories.user("teacher", email="teacher@example.test")
    with django_capture_on_commit_callbacks(execute=True):
        event = factories.meeting(
            teacher,
            rrule="FREQ=WEEKLY;COUNT=4",
            people=[
                {
                    "name": "Rahma, Siti",
                    "email": "siti@example.test",
                    "language": "id",
                    "timezone": "Asia/Makassar",
                },
                {"name": "Ann Lee", "email": "ann@example.test", "language": "en"},
            ],
        )
    received = {item.rcpt_tos[0]: item for item in smtp_server.wait_for(2)}
    assert sorted(received) == ["ann@example.test", "siti@example.test"]

    siti = received["siti@example.test"].message
    assert siti.get_content_type() == "multipart/mixed"
    assert siti["To"].addresses[0].display_name == "Rahma, Siti"
    plain, html, calendar_part = _parts(siti)
    # Read as a mail client reads it (email.parser with policy=default): the parameters, not a prefix.
    assert calendar_part["Content-Type"].params == {"method": "REQUEST", "charset": "utf-8"}
    assert calendar_part.get_content_charset() == "utf-8"
    assert not calendar_part["Content-Type"].defects
    assert [plain.get_content_type(), html.get_content_type(), calendar_part.get_content_type()] == [
        "text/plain",
        "text/html",
        "text/calendar",
    ]
    calendar = icalendar.Calendar.from_ical(calendar_part.get_content())
    assert calendar_part.get_param("method") == calendar["METHOD"] == "REQUEST"
    (vevent,) = calendar.walk("VEVENT")
    assert str(vevent["UID"]) == event.uid
    assert int(vevent["SEQUENCE"]) == 0
    assert "RRULE" in vevent
    assert [str(a) for a in [vevent["ATTENDEE"]]] == ["mailto:siti@example.test"]
    assert calendar.walk("VTIMEZONE")

    (attachment,) = list(siti.iter_attachments())
    assert attachment.get_filename() == "invite.ics"
    assert icalendar.Calendar.from_ical(attachment.get_content())["METHOD"] == "REQUEST"

    row = Message.objects.get(channel="email", email="siti@example.test")
    assert siti["Message-ID"] == message_id_for(row.idempotency_key)
    assert row.status == Message.Status.SENT and row.sent_at is not None and row.attempts == 1

    text = plain.get_content()
    attendee = event.attendees.get(email="siti@example.test")
    assert siti["Subject"].startswith("Undangan:")
    assert "mengundang Anda" in text
    assert f"http://127.0.0.1:8000/join/{attendee.join_token}/" in text
    assert f"/rsvp/{attendee.join_token}/?answer=ACCEPTED" in text
    assert f"/rsvp/{attendee.join_token}/?answer=DECLINED" in text
    assert "WIB (Asia/Jakarta)" in text and "WITA (Asia/Makassar)" in text
    assert f"/join/{attendee.join_token}/" in html.get_content()

    ann = received["ann@example.test"].message
    assert ann["Subject"].startswith("Invitation:")
    ann_text = _parts(ann)[0].get_content()
    assert "invites you" in ann_text
    assert "WITA" not in ann_text  # same zone as the event: shown once


def test_language_falls_back_to_profile_then_site(db, smtp_server, sync_tasks, django_capture_on_commit_callbacks):
    teacher = factories.user("teacher", email="teacher@example.test")
    student = factories.user("budi", email="budi@example.test", language="id")
    with django_capture_on_commit_callbacks(execute=True):
        factories.meeting(teacher, people=[{"user": student}, {"name": "Eve", "email": "eve@example.test"}])
    received = {item.rcpt_tos[0]: item.message for item in smtp_server.wait_for(2)}
    assert received["budi@example.test"]["Subject"].startswith("Undangan:")
    assert received["eve@example.test"]["Subject"].startswith("Invitation:")


def test_accept_link_in_the_email_records_the_answer_and_tells_the_organiser(
    db, client, smtp_server, sync_tasks, django_capture_on_commit_callbacks
):
    import re

    teacher = factories.user("teacher", email="teacher@example.test")
    with django_capture_on_commit_callbacks(execute=True):
        event = factories.meeting(teacher, people=[{"name": "Ann", "email": "ann@example.test"}])
    (received,) = smtp_server.wait_for(1)
    text = received.message.get_body(("plain",)).get_content()
    accept = re.search(r"http://127\.0\.0\.1:8000(/rsvp/\S+answer=ACCEPTED)", text).group(1)
    path, query = accept.split("?")
    assert client.get(accept).status_code == 200  # no login needed
    with django_capture_on_commit_callbacks(execute=True):
        client.post(path, {"answer": query.split("=")[1]})
    assert event.attendees.get().rsvp == "ACCEPTED"
    notice = Message.objects.get(user=teacher, channel="in_app")
    assert "Ann" in notice.subject and notice.status == Message.Status.SENT
