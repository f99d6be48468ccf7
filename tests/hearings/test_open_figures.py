"""The court's open statistics (from the status logs), a case's public timeline, and the docket's
progress. Closed hearings are counted and never identified."""

import csv
import io
import re
import statistics
import zoneinfo
from datetime import datetime, time, timedelta

import pytest
from django.test import Client
from django.utils import timezone

from hearings import selectors, services
from hearings.models import Court, Status, StatusLogEntry
from tests.classrooms.conftest import clock_at

ZONE = zoneinfo.ZoneInfo("Asia/Jakarta")


def at(day, hour, minute=0):
    return datetime.combine(day, time(hour, minute), tzinfo=ZONE)


def step(hearing, status, *, by, when, **extra):
    with clock_at(when):
        return services.hearing_status_set(hearing=hearing, status=status, by=by, **extra)


@pytest.fixture
def week(schedule, clerk, case, court, everyone_present):
    """Two days ten days ahead: a public hearing that started 12 minutes late and concluded, a closed
    one 3 minutes late and adjourned, one postponed, one cancelled and one not yet started."""
    day1 = timezone.localdate() + timedelta(days=10)
    day2 = day1 + timedelta(days=1)
    later = at(day1 + timedelta(days=30), 9)
    closed_case = services.case_create(court=court, number="7/Pid.Sus/2026", case_type="criminal",
                                       parties="PU v. Rahasia Tertutupsari", by=clerk)
    a = schedule(start=at(day1, 9))
    b = schedule(start=at(day1, 11), is_public=False, case=closed_case)
    c = schedule(start=at(day2, 9))
    d = schedule(start=at(day2, 13))
    schedule(start=at(day2, 14))
    for hearing, start, delay, end, outcome in ((a, at(day1, 9), 12, 60, Status.CONCLUDED),
                                                (b, at(day1, 11), 3, 33, Status.ADJOURNED)):
        step(hearing, Status.OPEN, by=clerk, when=start - timedelta(minutes=5))
        step(hearing, Status.IN_SESSION, by=clerk, when=start + timedelta(minutes=delay))
        step(hearing, outcome, by=clerk, when=start + timedelta(minutes=end), reason="Saksi", next_at=later)
    step(c, Status.POSTPONED, by=clerk, when=at(day2, 8), reason="Hakim sakit", next_at=later + timedelta(days=2))
    step(d, Status.CANCELLED, by=clerk, when=at(day2, 8), reason="Dicabut")
    return day1, day2, closed_case


def expected_from_the_logs(court, day1, day2) -> dict:
    """The figures, worked out here from the status log entries themselves."""
    entries = StatusLogEntry.objects.filter(hearing__case__court=court).select_related("hearing__occurrence")
    starts, ends, outcomes = {}, {}, {}
    for entry in entries.order_by("at"):
        if entry.status == "in_session":
            starts.setdefault(entry.hearing_id, (entry.at, entry.hearing.occurrence.start))
        if entry.status in ("concluded", "adjourned"):
            ends.setdefault(entry.hearing_id, entry.at)
        outcomes.setdefault(entry.status, set()).add(entry.hearing_id)
    delays = [max(0, (began - planned).total_seconds() / 60) for began, planned in starts.values()]
    durations = [(ends[h] - starts[h][0]).total_seconds() / 60 for h in ends]
    return {
        "held": len(starts), "delays": delays, "median": statistics.median(delays),
        "on_time": sum(1 for d in delays if d <= 5) / len(delays), "duration": sum(durations) / len(durations),
        "outcomes": {name: len(outcomes.get(name, ()))
                     for name in ("concluded", "adjourned", "postponed", "cancelled")},
    }


def test_the_json_gives_the_figures_of_the_status_logs(court, week):
    day1, day2, closed_case = week
    response = Client().get(f"/courts/{court.slug}/statistics.json?from={day1}&to={day2}")
    assert response.status_code == 200
    body = response.json()
    want = expected_from_the_logs(court, day1, day2)
    assert body["court"] == court.slug and body["from"] == day1.isoformat() and body["to"] == day2.isoformat()
    assert body["hearings"] == {"scheduled": 5, "held": want["held"], **want["outcomes"]}
    assert want["held"] == 2 and sorted(want["delays"]) == [3, 12]
    assert body["median_start_delay_minutes"] == pytest.approx(want["median"])
    assert body["on_time_rate"] == pytest.approx(want["on_time"], abs=0.001)
    assert body["average_duration_minutes"] == pytest.approx(want["duration"])
    assert body["observers"] == 0 and body["feedback"] == {"count": 0, "average_rating": None}
    assert body["by_day"] == [
        {"date": day1.isoformat(), "scheduled": 2, "held": 2, "median_start_delay_minutes": 7.5},
        {"date": day2.isoformat(), "scheduled": 3, "held": 0, "median_start_delay_minutes": None},
    ]
    # Counted, never identified.
    assert closed_case.number not in response.content.decode() and "Rahasia" not in response.content.decode()


def test_csv_and_page_give_the_same_figures_in_both_languages(court, week):
    day1, day2, closed_case = week
    rows = list(csv.reader(io.StringIO(
        Client().get(f"/courts/{court.slug}/statistics.csv?from={day1}&to={day2}").content.decode())))
    assert rows[0] == ["date", "scheduled", "held", "median_start_delay_minutes"]
    assert rows[1] == [day1.isoformat(), "2", "2", "7.5"]
    for language in ("en", "id"):
        page = Client(HTTP_ACCEPT_LANGUAGE=language).get(f"/courts/{court.slug}/statistics/?from={day1}&to={day2}")
        body = page.content.decode()
        assert page.status_code == 200 and "<svg" in body and closed_case.number not in body
        for svg in re.findall(r"<svg.*?</svg>", body, flags=re.S):
            # Coordinates written with a dot in every language: no "7,5" in an SVG attribute.
            assert not re.search(r'="[0-9]+,[0-9]+"', svg), svg
    assert "Statistik terbuka" in Client(HTTP_ACCEPT_LANGUAGE="id").get(f"/courts/{court.slug}/statistics/") \
        .content.decode()


@pytest.mark.parametrize("query", ["from=2026-13-01", "from=2026-02-10&to=2026-02-01", "from=2020-01-01&to=2026-01-01",
                                   "to=0001-01-01", "from=x"])
def test_a_bad_range_is_a_400(court, query):
    assert Client().get(f"/courts/{court.slug}/statistics.json?{query}").status_code == 400
    assert Client().get(f"/courts/{court.slug}/statistics.csv?{query}").status_code == 400
    assert Client().get(f"/courts/no-court/statistics.json?{query}").status_code == 404


def test_a_public_case_timeline_oldest_first(court, week, case):
    response = Client().get(f"/docket/{court.slug}/case.json", {"number": case.number})
    assert response.status_code == 200
    body = response.json()
    assert body["case_number"] == case.number and body["closed"] is False
    assert [h["status"] for h in body["hearings"]] == ["concluded", "postponed", "cancelled", "scheduled"]
    postponed = body["hearings"][1]
    assert postponed["reason"] == "Hakim sakit" and postponed["next_at"]
    assert [h["date"] for h in body["hearings"]] == sorted(h["date"] for h in body["hearings"])
    page = Client().get(f"/docket/{court.slug}/case/", {"number": case.number})
    assert page.status_code == 200 and b"Hakim sakit" in page.content


def test_a_closed_case_shows_number_and_dates_or_nothing(court, week):
    _day1, _day2, closed_case = week
    listed = Client().get(f"/docket/{court.slug}/case.json", {"number": closed_case.number}).json()
    assert listed["closed"] is True and listed["case_type"] == ""
    assert all(set(h) == {"date", "start"} for h in listed["hearings"])
    page = Client().get(f"/docket/{court.slug}/case/", {"number": closed_case.number}).content.decode()
    assert "Saksi" not in page and "Rahasia" not in page and "Pembacaan dakwaan" not in page
    Court.objects.filter(pk=court.pk).update(closed_display=Court.ClosedDisplay.OMIT)
    assert Client().get(f"/docket/{court.slug}/case.json", {"number": closed_case.number}).status_code == 404
    hidden = Client().get(f"/docket/{court.slug}/case/", {"number": closed_case.number})
    unknown = Client().get(f"/docket/{court.slug}/case/", {"number": "99/Pid.B/1999"})
    assert hidden.status_code == unknown.status_code == 404
    assert b"No public case with this number" in unknown.content


def test_the_docket_progress_counts_closed_hearings_without_naming_them(court, week, monkeypatch):
    day1, _day2, _closed_case = week
    monkeypatch.setattr(selectors, "court_day", lambda court, now=None: day1)
    progress = selectors.docket_today(court=court)["progress"]
    assert progress == {"held": 2, "to_come": 0, "in_session": [], "median_delay_minutes": 7.5}
