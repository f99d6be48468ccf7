"""Answers from calendar apps: iTIP REPLY e-mails, shaped as Gmail, Outlook and Apple Calendar send
them (``replies/README.md``), change the invited attendee's answer exactly as the RSVP page does;
forged, stale and unknown ones change nothing and are logged."""

import email.policy
import io
import logging
import os
import smtplib
import subprocess
import sys
import time
import zoneinfo
from datetime import UTC, timedelta
from email.charset import QP, Charset
from email.mime.application import MIMEApplication
from email.mime.multipart import MIMEMultipart
from email.mime.text import MIMEText
from email.utils import format_datetime
from pathlib import Path

import pytest
from django.core.management import call_command
from django.utils import timezone

from notifications.inbound import message_ingest
from notifications.models import Message
from scheduling import replies, services
from scheduling.models import Attendee, SittingAnswer
from tests.notifications import factories
from tests.support import daphne as daphne_support

SAMPLES = Path(__file__).parent / "replies"
CLIENTS = ("gmail", "outlook", "apple")


def _calendar(client: str, *, event, attendee, partstat: str, occurrence=None, sequence=None,
              attendee_email: str = "", comment: str = "") -> str:
    local = zoneinfo.ZoneInfo(event.timezone)
    sitting = occurrence or event.occurrences.order_by("start").first()
    fields = {
        "UID": event.uid,
        "SEQUENCE": str(event.sequence if sequence is None else sequence),
        "ORGANIZER": replies.reply_address(attendee),
        "ATTENDEE": attendee_email or attendee.email,
        "CN": attendee.name,
        "PARTSTAT": partstat,
        "COMMENT": comment,
        "STAMP": timezone.now().astimezone(UTC).strftime("%Y%m%dT%H%M%SZ"),
        "START_UTC": sitting.start.astimezone(UTC).strftime("%Y%m%dT%H%M%SZ"),
        "END_UTC": sitting.end.astimezone(UTC).strftime("%Y%m%dT%H%M%SZ"),
        "START_LOCAL": sitting.start.astimezone(local).strftime("%Y%m%dT%H%M%S"),
        "END_LOCAL": sitting.end.astimezone(local).strftime("%Y%m%dT%H%M%S"),
        "RECURRENCE_ID_UTC": "",
        "RECURRENCE_ID_WINDOWS": "",
        "RECURRENCE_ID_IANA": "",
    }
    if occurrence is not None:
        rid = occurrence.recurrence_id
        fields["RECURRENCE_ID_UTC"] = f"RECURRENCE-ID:{rid.astimezone(UTC):%Y%m%dT%H%M%SZ}\n"
        windows = "SE Asia Standard Time"
        fields["RECURRENCE_ID_WINDOWS"] = f"RECURRENCE-ID;TZID={windows}:{rid.astimezone(local):%Y%m%dT%H%M%S}\n"
        fields["RECURRENCE_ID_IANA"] = f"RECURRENCE-ID;TZID=Asia/Jakarta:{rid.astimezone(local):%Y%m%dT%H%M%S}\n"
    text = (SAMPLES / f"{client}.ics").read_text()
    for name, value in fields.items():
        text = text.replace("{" + name + "}", value)
    lines = [line for line in text.splitlines() if line and (comment or not line.startswith("COMMENT"))]
    return "\r\n".join(lines) + "\r\n"


def reply_email(client: str, *, attendee, calendar: str, to: str = "") -> bytes:
    """The e-mail as each client shapes it (``replies/README.md``)."""
    to = to or replies.reply_address(attendee)
    sender = f"{attendee.name} <{attendee.email}>"
    word = {"ACCEPTED": "Accepted", "DECLINED": "Declined", "TENTATIVE": "Tentative"}
    subject = "Reply: Matematika"
    for answer, label in word.items():
        if f"PARTSTAT={answer}" in calendar:
            subject = f"{label}: Matematika"
    if client == "gmail":
        message = MIMEMultipart("mixed")
        alternative = MIMEMultipart("alternative")
        alternative.attach(MIMEText(f"{attendee.name} has accepted this invitation.", "plain", "utf-8"))
        alternative.attach(MIMEText(f"<p>{attendee.name} has accepted this invitation.</p>", "html", "utf-8"))
        part = MIMEText(calendar, "calendar", "utf-8")
        part.replace_header("Content-Type", 'text/calendar; charset="UTF-8"; method=REPLY')
        alternative.attach(part)
        message.attach(alternative)
        attachment = MIMEApplication(calendar.encode(), "ics", name="invite.ics")
        attachment.add_header("Content-Disposition", "attachment", filename="invite.ics")
        message.attach(attachment)
    elif client == "outlook":
        message = MIMEMultipart("alternative")
        message.attach(MIMEText("", "plain", "utf-8"))
        part = MIMEApplication(calendar.encode(), "octet-stream")  # base64
        part.replace_header("Content-Type", 'text/calendar; charset="utf-8"; method=REPLY')
        message.attach(part)
        message["Thread-Topic"] = "Matematika"
    else:
        message = MIMEMultipart("alternative")
        message.attach(MIMEText(f"{attendee.name} has declined.", "plain", "utf-8"))
        quoted = Charset("utf-8")
        quoted.body_encoding = QP
        part = MIMEText(calendar, "calendar", quoted)
        part.set_param("method", "REPLY")
        part.set_param("name", "iCal-20261207.ics")
        message.attach(part)
    message["From"] = sender
    message["To"] = to
    message["Subject"] = subject
    message["Date"] = format_datetime(timezone.now())
    message["Message-ID"] = f"<{client}-{time.monotonic_ns()}@example.org>"
    return message.as_bytes(policy=email.policy.SMTP)  # CRLF, as on the wire


@pytest.fixture
def series(db):
    teacher = factories.user("guru", email="guru@example.org")
    teacher.first_name, teacher.last_name = "Ibu", "Guru"
    teacher.save()
    return factories.meeting(
        teacher, title="Matematika", kind="", rrule="FREQ=WEEKLY;COUNT=4",
        people=[{"name": "Siti", "email": "siti@example.org"}, {"name": "Budi", "email": "budi@example.org"}],
    )


def siti(event) -> Attendee:
    return event.attendees.get(email="siti@example.org")


def notices(event) -> list[str]:
    return list(
        Message.objects.filter(event=event, user=event.organizer, kind=Message.Kind.NOTICE)
        .values_list("subject", flat=True)
    )


@pytest.mark.parametrize("client", CLIENTS)
@pytest.mark.parametrize("answer", ["ACCEPTED", "TENTATIVE", "DECLINED"])
def test_a_reply_to_the_series_records_the_answer_and_tells_the_organiser(series, client, answer):
    attendee = siti(series)
    calendar = _calendar(client, event=series, attendee=attendee, partstat=answer, comment="Saya hadir")
    outcome = message_ingest(raw=reply_email(client, attendee=attendee, calendar=calendar))
    assert [result.applied for result in outcome.results] == [True]  # Gmail's attachment is the same copy
    attendee.refresh_from_db()
    assert attendee.rsvp == answer
    assert attendee.rsvp_comment == ("Saya hadir" if client == "outlook" else "")
    assert siti(series).event.attendees.get(email="budi@example.org").rsvp == "NEEDS-ACTION"
    (notice,) = notices(series)
    assert notice.startswith(f"Siti answered “{Attendee.Rsvp(answer).label}” to “Matematika”")


@pytest.mark.parametrize("client", CLIENTS)
def test_a_reply_for_one_sitting_changes_that_sittings_answer_only(series, client):
    attendee = siti(series)
    services.attendee_rsvp(attendee=attendee, rsvp="ACCEPTED")
    third = series.occurrences.order_by("start")[2]
    calendar = _calendar(client, event=series, attendee=attendee, partstat="DECLINED", occurrence=third)
    outcome = message_ingest(raw=reply_email(client, attendee=attendee, calendar=calendar))
    assert [(r.applied, r.occurrence_id) for r in outcome.results] == [(True, str(third.pk))]
    attendee.refresh_from_db()
    assert attendee.rsvp == "ACCEPTED"
    assert list(SittingAnswer.objects.values_list("occurrence_id", "rsvp")) == [(third.pk, "DECLINED")]
    if client == "gmail":
        (notice,) = [text for text in notices(series) if "on " in text]
        assert notice.startswith("Siti answered “Declined” to “Matematika” on ")
    # An answer to the whole series afterwards replaces the sitting's own.
    services.attendee_rsvp(attendee=attendee, rsvp="TENTATIVE")
    assert not SittingAnswer.objects.exists()


def _unchanged(series, caplog, raw, reason):
    with caplog.at_level(logging.WARNING, logger="scheduling.replies"):
        outcome = message_ingest(raw=raw)
    assert outcome.applied == 0
    assert reason in caplog.text
    assert siti(series).rsvp == "NEEDS-ACTION" and not SittingAnswer.objects.exists()
    assert notices(series) == []


def test_a_reply_naming_another_attendee_changes_nothing(series, caplog):
    attendee = siti(series)
    forged = _calendar("gmail", event=series, attendee=attendee, partstat="DECLINED", attendee_email="budi@example.org")
    _unchanged(series, caplog, reply_email("gmail", attendee=attendee, calendar=forged), "ATTENDEE is not the invited")
    assert series.attendees.get(email="budi@example.org").rsvp == "NEEDS-ACTION"


def test_a_reply_to_an_address_hadir_did_not_make_changes_nothing(series, caplog):
    attendee = siti(series)
    calendar = _calendar("apple", event=series, attendee=attendee, partstat="ACCEPTED")
    guessed = replies.reply_address(attendee)[:-20] + "aaaaaaaaaa@localhost"
    _unchanged(series, caplog, reply_email("apple", attendee=attendee, calendar=calendar, to=guessed), "no invited")


def test_a_reply_to_an_earlier_version_of_the_invitation_changes_nothing(series, caplog):
    attendee = siti(series)
    calendar = _calendar("outlook", event=series, attendee=attendee, partstat="ACCEPTED")
    services.event_update(event=series, by=series.organizer, title="Matematika lanjut")  # SEQUENCE 1
    _unchanged(series, caplog, reply_email("outlook", attendee=attendee, calendar=calendar), "stale")


def test_a_reply_for_another_event_or_a_sitting_it_does_not_have_changes_nothing(series, caplog):
    attendee = siti(series)
    calendar = _calendar("gmail", event=series, attendee=attendee, partstat="ACCEPTED").replace(series.uid, "other@x")
    _unchanged(series, caplog, reply_email("gmail", attendee=attendee, calendar=calendar), "unknown UID")
    last = series.occurrences.order_by("start").last()
    services.occurrence_cancel(occurrence=last, by=series.organizer)
    series.refresh_from_db()
    calendar = _calendar("apple", event=series, attendee=siti(series), partstat="ACCEPTED", occurrence=last)
    _unchanged(series, caplog, reply_email("apple", attendee=siti(series), calendar=calendar), "no scheduled sitting")


def test_a_reply_after_the_link_was_replaced_changes_nothing(series, caplog):
    attendee = siti(series)
    raw = reply_email("gmail", attendee=attendee, calendar=_calendar("gmail", event=series, attendee=attendee,
                                                                      partstat="ACCEPTED"))
    services.attendee_token_rotate(attendee=attendee, by=series.organizer)
    _unchanged(series, caplog, raw, "no invited")


def test_mail_ingest_reads_files_and_stdin(series, tmp_path, monkeypatch):
    attendee = siti(series)
    path = tmp_path / "reply.eml"
    path.write_bytes(reply_email("outlook", attendee=attendee, calendar=_calendar(
        "outlook", event=series, attendee=attendee, partstat="TENTATIVE")))
    out = io.StringIO()
    call_command("mail_ingest", str(path), stdout=out)
    assert "TENTATIVE recorded" in out.getvalue() and "1 applied, 0 refused" in out.getvalue()
    assert siti(series).rsvp == "TENTATIVE"
    raw = reply_email("apple", attendee=attendee, calendar=_calendar("apple", event=series, attendee=attendee,
                                                                      partstat="DECLINED"))
    monkeypatch.setattr(sys, "stdin", io.TextIOWrapper(io.BytesIO(raw)))
    out = io.StringIO()
    call_command("mail_ingest", "-", stdout=out)
    assert siti(series).rsvp == "DECLINED"
    out = io.StringIO()
    call_command("mail_ingest", str(path), stdout=out)  # the old reply again: nothing to change
    assert siti(series).rsvp == "DECLINED" or "refused" in out.getvalue()


def _listener(port: int, *options: str) -> subprocess.Popen:
    env = {**os.environ, "DJANGO_SETTINGS_MODULE": "tests.settings", "DEBUG": "1",
           "DATABASE_URL": daphne_support.test_database_url(), "PYTHONUNBUFFERED": "1"}
    process = subprocess.Popen(
        [sys.executable, "manage.py", "mail_listen", "--port", str(port), *options], cwd=daphne_support.ROOT, env=env,
        stdout=subprocess.PIPE, stderr=subprocess.STDOUT,
    )
    for _ in range(50):  # aiosmtpd logs a line or two first
        line = process.stdout.readline()
        if b"listening for calendar replies" in line or not line:
            break
    assert b"listening for calendar replies" in line, line
    return process


def test_a_reply_through_mail_listen_over_smtp_shows_in_the_api_and_on_the_organisers_page(
    transactional_db, client
):
    teacher = factories.user("guru", email="guru@example.org")
    event = factories.meeting(
        teacher, title="Matematika", kind="", people=[{"name": "Siti", "email": "siti@example.org"}]
    )
    attendee = siti(event)
    port = daphne_support.free_port()
    process = _listener(port)
    try:
        with smtplib.SMTP("127.0.0.1", port, timeout=30) as smtp:
            refused = smtp.sendmail("siti@example.org", ["someone@elsewhere.example"], b"Subject: x\r\n\r\nx")
    except smtplib.SMTPRecipientsRefused as exc:
        refused = exc.recipients
    try:
        assert "someone@elsewhere.example" in refused  # no relay
        raw = reply_email("gmail", attendee=attendee, calendar=_calendar(
            "gmail", event=event, attendee=attendee, partstat="ACCEPTED"))
        with smtplib.SMTP("127.0.0.1", port, timeout=30) as smtp:
            assert smtp.sendmail("siti@example.org", [replies.reply_address(attendee)], raw) == {}
    finally:
        process.terminate()
        process.wait(timeout=10)
    client.force_login(teacher)
    seen = client.get(f"/api/events/{event.pk}/").json()
    assert [person["rsvp"] for person in seen["attendees"]] == ["ACCEPTED"]
    page = client.get(f"/schedule/events/{event.pk}/people/").content.decode()
    assert "Accepted" in page
    assert notices(event) and notices(event)[0].startswith("Siti answered “Accepted”")
    assert timezone.now() - timedelta(minutes=5) < siti(event).updated_at


def test_mail_listen_speaks_lmtp_for_a_mail_server_that_delivers_that_way(transactional_db):
    teacher = factories.user("guru", email="guru@example.org")
    event = factories.meeting(
        teacher, title="Matematika", kind="", people=[{"name": "Siti", "email": "siti@example.org"}]
    )
    attendee = siti(event)
    port = daphne_support.free_port()
    process = _listener(port, "--lmtp")
    try:
        raw = reply_email("outlook", attendee=attendee, calendar=_calendar(
            "outlook", event=event, attendee=attendee, partstat="DECLINED"))
        with smtplib.LMTP("127.0.0.1", port, timeout=30) as lmtp:
            assert lmtp.sendmail("siti@example.org", [replies.reply_address(attendee)], raw) == {}
    finally:
        process.terminate()
        process.wait(timeout=10)
    assert siti(event).rsvp == "DECLINED"
