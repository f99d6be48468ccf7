"""The public docket in Debian's Chromium: no login, and the status changes as the clerk works."""

import http.cookiejar
import re
import urllib.parse
import urllib.request
from datetime import timedelta

import pytest
from django.contrib.auth import get_user_model
from django.utils import timezone

from hearings import services
from hearings.models import CaseType, Role

pytestmark = [pytest.mark.e2e, pytest.mark.browser]
PASSWORD = "a-long-test-password"


class Clerk:
    def __init__(self, base_url: str):
        self.base_url = base_url
        self.opener = urllib.request.build_opener(urllib.request.HTTPCookieProcessor(http.cookiejar.CookieJar()))

    def _token(self, path: str) -> str:
        with self.opener.open(f"{self.base_url}{path}", timeout=10) as response:
            return re.search(r'name="csrfmiddlewaretoken" value="([^"]+)"', response.read().decode()).group(1)

    def post(self, path: str, form_page: str, data: dict) -> str:
        body = urllib.parse.urlencode({**data, "csrfmiddlewaretoken": self._token(form_page)}).encode()
        request = urllib.request.Request(f"{self.base_url}{path}", data=body,
                                         headers={"Referer": f"{self.base_url}{form_page}"})
        with self.opener.open(request, timeout=10) as response:
            return response.url


@pytest.fixture
def hearing(daphne_server):
    """Made before the browser starts: Playwright's loop makes this thread async for Django."""
    clerk = get_user_model().objects.create_user(username="panitera", password=PASSWORD)
    court = services.court_create(name="PN Peramban", slug="pn-peramban")
    services.court_member_add(court=court, user=clerk, role="clerk")
    case = services.case_create(court=court, number="5/Pid.B/2026", case_type=CaseType.CRIMINAL,
                                parties="PU v. Rahasia Tidak", by=clerk)
    hearing = services.hearing_schedule(
        case=case, start=timezone.now() + timedelta(minutes=5), duration=timedelta(hours=1), courtroom="Ruang 3",
        agenda="Tuntutan", by=clerk, presiding_judge=services.Person("Hakim", "hakim@example.org"),
    )
    services.participant_add(hearing=hearing, role=Role.DEFENDANT, by=clerk, person=services.Person("Rahasia Tidak"))
    return hearing


def test_docket_follows_the_hearing_live(daphne_server, hearing, browser):

    page = browser.new_page()
    page.goto(f"{daphne_server.base_url}/docket/pn-peramban/")
    row = page.locator(f'tr[data-hearing="{hearing.pk}"]')
    assert "Scheduled" in row.inner_text()
    page.wait_for_function("document.getElementById('docket-live').textContent === 'live'", timeout=10000)

    staff = Clerk(daphne_server.base_url)
    staff.post("/accounts/login/", "/accounts/login/", {"username": "panitera", "password": PASSWORD})
    hearing_page = f"/hearings/{hearing.pk}/"
    later = (timezone.now() + timedelta(days=8)).astimezone(timezone.get_fixed_timezone(7 * 60))
    staff.post(f"{hearing_page}status/", hearing_page, {
        "status": "postponed", "reason": "Hakim sakit", "next_at": later.strftime("%Y-%m-%dT%H:%M"),
    })
    page.wait_for_function(
        f"document.querySelector('tr[data-hearing=\"{hearing.pk}\"] td.status').dataset.status === 'postponed'",
        timeout=10000,
    )
    text = row.inner_text()
    assert "Postponed" in text and "Hakim sakit" in text and later.strftime("%Y-%m-%d %H:%M") in text
    assert "Rahasia Tidak" not in page.content()
    page.close()
