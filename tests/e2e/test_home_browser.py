"""Finding one's way, in Chromium and in both languages (issue 17): the home page after login
(today's sessions with Enter, what needs attention), the profile page from the header (zone and
language), the public docket on a 390 px phone with its observer links, and the device check with
Chromium's fake camera and microphone. Every page checked with axe-core."""

from concurrent.futures import ThreadPoolExecutor
from datetime import timedelta

import pytest
from django.contrib.auth import get_user_model
from django.db import connections
from django.utils import timezone

from hearings import services as hearings
from hearings.models import CaseType
from notifications.models import Message
from scheduling.models import Profile
from tests.support.axe import axe, describe
from tests.support.screenshots import screenshot

pytestmark = [pytest.mark.e2e, pytest.mark.browser]
PASSWORD = "a-long-test-password"
WORDS = {
    "en": {"enter": "Enter", "bounced": "1 message about", "no_judge": "has no presiding judge with an account",
           "observe": "Observe", "ready": "Everything works: you are ready to join.", "schedule": "Schedule a hearing"},
    "id": {"enter": "Masuk", "bounced": "1 pesan tentang", "no_judge": "belum memiliki hakim ketua dengan akun",
           "observe": "Saksikan", "ready": "Semua berfungsi: Anda siap bergabung.", "schedule": "Jadwalkan sidang"},
}


@pytest.fixture
def pool():
    with ThreadPoolExecutor(1) as executor:
        yield lambda call, *args: executor.submit(call, *args).result()
        executor.submit(connections.close_all).result()


def no_violations(page):
    violations = axe(page)
    assert violations == [], describe(violations)


def build_court():
    users = get_user_model().objects
    clerk = users.create_user(username="panitera", password=PASSWORD, email="panitera@example.org",
                              first_name="Dewi", last_name="Panitera")
    judge = users.create_user(username="hakim", password=PASSWORD, email="hakim@example.org",
                              first_name="Rahmat", last_name="Hakim")
    court = hearings.court_create(name="PN Jakarta Pusat", slug="pn-jakpus", timezone_name="Asia/Jakarta")
    hearings.court_member_add(court=court, user=clerk, role="clerk")
    hearings.court_member_add(court=court, user=judge, role="judge")
    case = hearings.case_create(court=court, number="12/Pid.B/2026", case_type=CaseType.CRIMINAL,
                                parties="PU v. Joko", by=clerk)
    today = hearings.hearing_schedule(
        case=case, start=timezone.now() + timedelta(minutes=20), duration=timedelta(hours=1),
        courtroom="Ruang Cakra", agenda="Pembacaan dakwaan yang panjang sekali untuk layar ponsel", by=clerk,
        presiding_judge=hearings.person_for(judge),
    )
    # Scheduled before judges had accounts: a name alone presides.
    hearings.hearing_schedule(
        case=case, start=timezone.now() + timedelta(days=6), duration=timedelta(hours=1), courtroom="Ruang Sari",
        agenda="Tuntutan", by=clerk, presiding_judge=hearings.Person("Hakim Tanpa Akun", "tanpa@example.org"),
    )
    Message.objects.create(
        idempotency_key="bounced", channel=Message.Channel.EMAIL, kind=Message.Kind.INVITE, event=today.event,
        email="salah@example.invalid", subject="Invitation", status=Message.Status.FAILED,
        next_attempt_at=timezone.now(), last_error="550 no such user",
    )
    return str(today.pk)


def profile_of(username):
    profile = Profile.objects.get(user__username=username)
    return profile.timezone, profile.language


@pytest.mark.parametrize("language", ["en", "id"])
def test_a_clerk_finds_the_way_and_the_public_follows_on_a_phone(daphne_server, browser, pool, language, tmp_path):
    words = WORDS[language]
    pool(build_court)
    base = daphne_server.base_url
    context = browser.new_context()
    context.add_cookies([{"name": "django_language", "value": language, "url": base}])
    page = context.new_page()
    page.goto(base + "/accounts/login/?next=/")
    page.fill("input[name=username]", "panitera")
    page.fill("input[name=password]", PASSWORD)
    with page.expect_navigation():
        page.click("main button[type=submit]")

    # Home: today's hearing with its Enter button, and what needs attention.
    assert page.url == base + "/"
    sessions = page.locator("#sessions")
    assert "12/Pid.B/2026" in sessions.inner_text()
    assert sessions.locator(f"a.button:has-text('{words['enter']}')").first.get_attribute("href").startswith("/join/")
    attention = page.inner_text("#attention")
    assert words["bounced"] in attention and words["no_judge"] in attention
    no_violations(page)
    screenshot(page, f"clerk-home-{language}", tmp_path)
    # Hearings lead to scheduling one.
    page.click("nav a[href='/hearings/']")
    assert page.locator(f"a:has-text('{words['schedule']}')").count() >= 1
    no_violations(page)

    # The profile, from the name in the header: another zone and the other language.
    page.click("header a.who")
    no_violations(page)
    other = "id" if language == "en" else "en"
    page.select_option("main select[name=timezone]", "Asia/Makassar")
    page.select_option("main select[name=language]", other)
    with page.expect_navigation():
        page.click("main button[type=submit]")
    assert pool(profile_of, "panitera") == ("Asia/Makassar", other)
    assert page.get_attribute("html", "lang") == other, page.content()[:3000]
    assert "WITA" in page.inner_text("header .zone"), page.content()[:3000]

    # The public docket on a phone: nothing wider than the screen, and the hearing's observer page.
    phone = browser.new_context(viewport={"width": 390, "height": 844}, is_mobile=True, has_touch=True)
    phone.add_cookies([{"name": "django_language", "value": language, "url": base}])
    docket = phone.new_page()
    docket.goto(base + "/docket/pn-jakpus/")
    docket.wait_for_selector("#docket-live:not(:text-is(''))")
    width = docket.evaluate("() => document.documentElement.scrollWidth")
    assert width <= 390, width
    link = docket.locator(f"#docket a:has-text('{words['observe']}')")
    assert link.count() == 1
    no_violations(docket)
    screenshot(docket, f"docket-phone-{language}", tmp_path)
    with docket.expect_navigation():
        link.click()
    assert "/hearings/observe/" in docket.url
    assert docket.evaluate("() => document.documentElement.scrollWidth") <= 390
    # The way into a session offers the device check.
    assert docket.locator("a[href^='/check/']").count() == 1
    no_violations(docket)


@pytest.mark.parametrize("language", ["en", "id"])
def test_the_device_check_tests_camera_microphone_speakers_and_connection(daphne_server, browser, language):
    words = WORDS[language]
    base = daphne_server.base_url
    context = browser.new_context(permissions=["camera", "microphone"])
    context.add_cookies([{"name": "django_language", "value": language, "url": base}])
    page = context.new_page()
    page.goto(base + "/check/?next=/")
    no_violations(page)
    page.click("#check-start")
    for check in ("camera", "microphone", "connection"):
        page.wait_for_selector(f"[data-check={check}][data-state=ok]", timeout=20000)
    assert page.evaluate("() => document.getElementById('check-video').videoWidth") > 0
    page.click("#check-tone")
    page.click("#check-heard-yes")
    assert page.inner_text("#check-summary") == words["ready"]
    no_violations(page)
    # Speakers not heard: the page says what to fix.
    page.click("#check-tone")
    page.click("#check-heard-no")
    assert page.locator("[data-check=speakers] [data-fix]").is_visible()
    assert page.inner_text("#check-summary") != words["ready"]
