"""A hearing in calendars: its state in every invite and feed, the recipient's role and how to
prepare, in the court's language; the docket feed answers HEAD and revalidates with ETag."""

from datetime import timedelta

import pytest
from django.urls import reverse
from django.utils import timezone
from icalendar import Calendar

from hearings import services
from hearings.models import Role, Status
from notifications.render import render_message
from scheduling import ical
from scheduling.models import CalendarFeed
from scheduling.services import calendar_feed_for
from tests.hearings.conftest import bring_to, seat


def invite_of(hearing, role, method="REQUEST"):
    attendee = seat(hearing, role).attendee
    hearing.event.refresh_from_db()
    return Calendar.from_ical(ical.calendar_bytes(ical.invite_calendar(event=hearing.event, attendee=attendee,
                                                                       method=method)))


def test_an_adjourned_sitting_is_cancelled_in_invites_and_feeds_with_the_reason(
    hearing, clerk, judge, everyone_present, client
):
    sequence = hearing.event.sequence
    hearing = bring_to(hearing, Status.IN_SESSION, by=clerk)
    next_at = timezone.now() + timedelta(days=14)
    services.hearing_status_set(hearing=hearing, status=Status.ADJOURNED, by=clerk, reason="Saksi berhalangan",
                                next_at=next_at)
    hearing.event.refresh_from_db()
    assert hearing.event.sequence == sequence + 1  # every attendee gets the update
    (vevent,) = invite_of(hearing, Role.PRESIDING_JUDGE).walk("VEVENT")
    assert str(vevent["STATUS"]) == "CANCELLED"
    # In the court's language (Indonesian), the judge having chosen none.
    assert str(vevent["DESCRIPTION"]).startswith("Sidang ditunda: Saksi berhalangan. Sidang dilanjutkan pada")
    feed = calendar_feed_for(user=judge)
    (listed, *_) = [c for c in Calendar.from_ical(client.get(feed.path).content).walk("VEVENT")
                    if str(c["UID"]) == hearing.event.uid]
    assert str(listed["STATUS"]) == "CANCELLED" and "Saksi berhalangan" in str(listed["DESCRIPTION"])
    docket = Calendar.from_ical(client.get(reverse("hearings:docket_ics", args=[hearing.case.court.slug])).content)
    entry = next(c for c in docket.walk("VEVENT") if str(c["UID"]) == f"docket-{hearing.event.uid}")
    assert str(entry["STATUS"]) == "CANCELLED" and "Saksi berhalangan" in str(entry["DESCRIPTION"])


def test_a_postponed_hearing_moves_in_invites_with_the_reason(hearing, clerk):
    new_start = hearing.occurrence.start + timedelta(days=7)
    services.hearing_status_set(hearing=hearing, status=Status.POSTPONED, by=clerk, reason="Hakim sakit",
                                next_at=new_start)
    (vevent,) = invite_of(hearing, Role.PRESIDING_JUDGE).walk("VEVENT")
    assert vevent["DTSTART"].dt == new_start.replace(microsecond=0) and str(vevent["STATUS"]) == "CONFIRMED"
    assert "Hakim sakit" in str(vevent["DESCRIPTION"])


def test_a_concluded_hearing_says_so_in_feeds_without_mailing_everyone(hearing, clerk, judge, everyone_present,
                                                                      client):
    feed = calendar_feed_for(user=judge)
    before = client.get(feed.path)
    bring_to(hearing, Status.CONCLUDED, by=clerk)
    hearing.event.refresh_from_db()
    after = client.get(feed.path, HTTP_IF_NONE_MATCH=before["ETag"])
    assert after.status_code == 200 and "Sidang telah selesai." in after.content.decode()
    assert hearing.event.sequence == 0


def test_a_cancelled_hearing_cancels_with_the_reason(hearing, clerk):
    services.hearing_status_set(hearing=hearing, status=Status.CANCELLED, by=clerk, reason="Perkara dicabut")
    (vevent,) = invite_of(hearing, Role.PRESIDING_JUDGE, method="CANCEL").walk("VEVENT")
    assert str(vevent["STATUS"]) == "CANCELLED" and "Perkara dicabut" in str(vevent["DESCRIPTION"])


def test_invites_say_the_role_and_how_to_prepare_in_the_courts_language(hearing):
    judge = seat(hearing, Role.PRESIDING_JUDGE).attendee
    assert judge.language == "" and hearing.case.court.language == "id"
    rendered = render_message(kind="invite", event=hearing.event, attendee=judge, method="REQUEST")
    assert rendered.language == "id" and rendered.subject.startswith("Undangan:")
    for text in (rendered.text, rendered.html, Calendar.from_ical(rendered.ics).walk("VEVENT")[0]["DESCRIPTION"]):
        assert "Peran Anda dalam sidang ini: Hakim ketua" in str(text)
        assert "KTP" in str(text) and "kamera" in str(text)
    court = hearing.case.court
    court.language = "en"
    court.save()
    rendered = render_message(kind="invite", event=hearing.event, attendee=judge, method="REQUEST")
    assert "Your role in this hearing: Presiding judge." in rendered.text and "identity document" in rendered.text


def test_the_docket_feed_answers_head_and_revalidates(client, hearing, clerk):
    url = reverse("hearings:docket_ics", args=[hearing.case.court.slug])
    full = client.get(url)
    assert full["Content-Type"] == "text/calendar; charset=utf-8; method=PUBLISH"
    head = client.head(url)
    assert head.status_code == 200 and head.content == b"" and head["ETag"] == full["ETag"]
    assert client.get(url, HTTP_IF_NONE_MATCH=full["ETag"]).status_code == 304
    assert client.get(url, HTTP_IF_MODIFIED_SINCE=full["Last-Modified"]).status_code == 304
    services.hearing_status_set(hearing=hearing, status=Status.POSTPONED, by=clerk, reason="Hakim sakit",
                                next_at=hearing.occurrence.start + timedelta(days=7))
    changed = client.get(url, HTTP_IF_NONE_MATCH=full["ETag"])
    assert changed.status_code == 200 and changed["ETag"] != full["ETag"]
    assert client.post(url).status_code == 405


@pytest.mark.parametrize("accept", ["en", "id", "fr"])
def test_the_personal_feed_is_in_its_owners_language_whatever_the_client_asks(client, hearing, accept):
    judge = seat(hearing, Role.PRESIDING_JUDGE).attendee.user
    feed: CalendarFeed = calendar_feed_for(user=judge)
    response = client.get(feed.path, HTTP_ACCEPT_LANGUAGE=accept)
    body = response.content.decode()
    assert "Tautan pribadi Anda untuk bergabung" in body.replace("\r\n ", "")
    head = client.head(feed.path, HTTP_ACCEPT_LANGUAGE=accept)
    assert head.status_code == 200 and head.content == b"" and head["ETag"] == response["ETag"]


def test_court_staff_download_the_participants_as_xlsx(client, hearing, clerk):
    import io

    import openpyxl

    client.force_login(clerk)
    response = client.get(reverse("hearings:participants_xlsx", args=[hearing.pk]))
    assert response.status_code == 200
    rows = list(openpyxl.load_workbook(io.BytesIO(response.content)).active.iter_rows(values_only=True))
    assert rows[0][:4] == ("name", "email", "role", "role_label")
    assert ("presiding_judge", "Presiding judge") in {(row[2], row[3]) for row in rows[1:]}
    text = client.get(reverse("hearings:participants_csv", args=[hearing.pk])).content.decode("utf-8")
    assert text.startswith("\ufeffname,email,role,")
