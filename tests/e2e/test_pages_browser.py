"""The pages as a teacher and a clerk use them, in Chromium, in both languages (issue 17):
irreversible actions ask first in the page and say what will happen (the count comes from the
server); a removed student is let back in; a failed form keeps what was typed, shows its error
next to the field and a focused summary in view; every page checked with axe-core."""

from concurrent.futures import ThreadPoolExecutor
from datetime import timedelta

import pytest
from django.contrib.auth import get_user_model
from django.db import connections
from django.utils import timezone
from playwright.sync_api import expect

from classrooms import services as classes
from classrooms.models import Enrollment
from hearings import services as hearings
from hearings.models import CaseType, Hearing, Status
from scheduling.models import Attendee, Occurrence
from tests.support.axe import axe, describe
from tests.support.screenshots import screenshot

pytestmark = [pytest.mark.e2e, pytest.mark.browser]
PASSWORD = "a-long-test-password"
WORDS = {
    "en": {"cancel": "3 students will be e-mailed", "remove": "Remove Ani from the roster?",
           "back": "Let Ani back in", "summary": "Please correct what is marked below",
           "hearing": "participants will be e-mailed that it is cancelled"},
    "id": {"cancel": "3 siswa akan menerima e-mail", "remove": "Keluarkan Ani dari daftar siswa?",
           "back": "Masukkan Ani kembali", "summary": "Mohon perbaiki yang ditandai di bawah",
           "hearing": "peserta akan menerima e-mail bahwa sidang dibatalkan"},
}


@pytest.fixture
def pool():
    """Playwright's sync API runs an event loop in this thread: Django's ORM goes to another one."""
    with ThreadPoolExecutor(1) as executor:
        yield lambda call, *args: executor.submit(call, *args).result()
        # That thread's connection must close, or PostgreSQL cannot drop the test database.
        executor.submit(connections.close_all).result()


def signed_in(browser, base, username, language, **context):
    ctx = browser.new_context(**context)
    ctx.add_cookies([{"name": "django_language", "value": language, "url": base}])
    page = ctx.new_page()
    page.on("dialog", lambda dialog: pytest.fail(f"a browser dialog was opened: {dialog.message}"))
    page.goto(base + "/accounts/login/")
    page.fill("input[name=username]", username)
    page.fill("input[name=password]", PASSWORD)
    page.click("main button[type=submit]")
    page.wait_for_load_state()
    return page


def no_violations(page):
    violations = axe(page)
    assert violations == [], describe(violations)


BORDER_CONTRAST = """() => {
  const rgb = (text) => (text.match(/[\\d.]+/g) || []).map(Number);
  const lum = ([r, g, b]) => [r, g, b]
    .map((v) => { v /= 255; return v <= 0.03928 ? v / 12.92 : ((v + 0.055) / 1.055) ** 2.4; })
    .reduce((sum, v, i) => sum + v * [0.2126, 0.7152, 0.0722][i], 0);
  const behind = (node) => {
    for (let n = node.parentElement; n; n = n.parentElement) {
      const c = rgb(getComputedStyle(n).backgroundColor);
      if (c.length === 3 || c[3] > 0) { return c; }
    }
    return [255, 255, 255];
  };
  const controls = "main input:not([type=hidden]):not([type=checkbox]):not([type=radio]), main select, "
    + "main textarea, main button.secondary";
  return [...document.querySelectorAll(controls)].filter((node) => node.offsetParent !== null).map((node) => {
    const [a, b] = [lum(rgb(getComputedStyle(node).borderTopColor)), lum(behind(node))];
    return { control: node.name || node.id || node.textContent.trim(),
             ratio: (Math.max(a, b) + 0.05) / (Math.min(a, b) + 0.05) };
  }).filter((item) => item.ratio < 3);
}"""


def control_borders_stand_out(page):
    """WCAG 1.4.11: a form control's border has at least 3:1 contrast with what is behind it."""
    faint = page.evaluate(BORDER_CONTRAST)
    assert faint == [], faint


def summary_in_view_and_focused(page):
    box = page.locator("#error-summary").bounding_box()
    viewport = page.viewport_size
    assert box is not None and 0 <= box["y"] < viewport["height"], box
    assert page.evaluate("() => document.activeElement.id") == "error-summary"


def build_class():
    teacher = get_user_model().objects.create_user(username="guru", password=PASSWORD, email="guru@example.org",
                                                   first_name="Sari", last_name="Guru")
    school = classes.school_create(name="SMP 3", timezone="Asia/Jakarta", by=None, admins=[teacher])
    today = timezone.localdate()
    classroom = classes.classroom_create(school=school, by=teacher, name="VIII-A", subject="IPA",
                                         term_start=today - timedelta(days=7), term_end=today + timedelta(days=60))
    for name in ("Ani", "Budi", "Citra"):
        classes.enrollment_add(classroom=classroom, by=teacher, name=name, email=f"{name.lower()}@example.org")
    start = (timezone.now() + timedelta(days=2)).replace(minute=0, second=0, microsecond=0)
    event = classes.meeting_add(classroom=classroom, by=teacher, start=start, end=start + timedelta(hours=1))
    later = start + timedelta(days=1)
    classes.meeting_add(classroom=classroom, by=teacher, start=later, end=later + timedelta(hours=1))
    return classroom.pk, event.occurrences.get().pk


def occurrence_status(occurrence_id):
    return Occurrence.objects.get(pk=occurrence_id).status


def ani_is_back(classroom_id):
    enrolled = Enrollment.objects.filter(classroom_id=classroom_id, email="ani@example.org").exists()
    invited = Attendee.objects.filter(email="ani@example.org", removed_at__isnull=True,
                                      event__status="confirmed").exists()
    return enrolled, invited


@pytest.mark.parametrize("language", ["en", "id"])
def test_a_teacher_is_asked_first_can_undo_and_keeps_a_failed_form(daphne_server, browser, pool, language,
                                                                    tmp_path):
    words = WORDS[language]
    classroom_id, occurrence_id = pool(build_class)
    base = daphne_server.base_url
    page = signed_in(browser, base, "guru", language)
    page.goto(f"{base}/classrooms/{classroom_id}/")
    no_violations(page)
    control_borders_stand_out(page)
    screenshot(page, f"teacher-class-{language}", tmp_path)

    # Cancelling a meeting: the page asks, says whom it e-mails, and going back changes nothing.
    page.click("#meetings form[data-confirm] button")
    dialog = page.locator("dialog.confirm[open]")
    assert words["cancel"] in dialog.inner_text()
    no_violations(page)
    dialog.locator("button.secondary").click()
    expect(page.locator("dialog.confirm")).to_have_count(0, timeout=10_000)  # removed once closed
    assert pool(occurrence_status, occurrence_id) == Occurrence.Status.SCHEDULED
    page.click("#meetings form[data-confirm] button")
    with page.expect_navigation():
        page.locator("dialog.confirm[open] button.danger").click()
    assert pool(occurrence_status, occurrence_id) == Occurrence.Status.CANCELLED

    # Removing a student asks too, and the page offers to let them back in (a real re-enrolment).
    page.click("#roster tr:has-text('Ani') form[data-confirm] button")
    assert words["remove"] in page.locator("dialog.confirm[open]").inner_text()
    with page.expect_navigation():
        page.locator("dialog.confirm[open] button.danger").click()
    assert pool(ani_is_back, classroom_id) == (False, False)
    no_violations(page)
    with page.expect_navigation():
        page.click(f"#undo button:has-text('{words['back']}')")
    assert pool(ani_is_back, classroom_id) == (True, True)

    # A term schedule that cannot be made keeps the chosen days and times; the error is in view.
    page.check("input[name=weekdays][value='0']")
    page.check("input[name=weekdays][value='2']")
    page.fill("input[name=start_time]", "09:00")
    page.fill("input[name=end_time]", "08:00")
    with page.expect_navigation():
        page.click("form[action$='/schedule/'] button[type=submit]")
    summary_in_view_and_focused(page)
    assert words["summary"] in page.inner_text("#error-summary")
    assert page.is_checked("input[name=weekdays][value='0']") and page.is_checked("input[name=weekdays][value='2']")
    assert not page.is_checked("input[name=weekdays][value='1']")
    assert page.input_value("input[name=start_time]") == "09:00"
    assert page.locator("#schedule-term .errorlist").count() >= 1
    no_violations(page)


def build_hearing():
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
    hearing = hearings.hearing_schedule(
        case=case, start=timezone.now() + timedelta(days=4), duration=timedelta(hours=1), courtroom="Ruang Cakra",
        agenda="Pembacaan dakwaan", by=clerk, presiding_judge=hearings.person_for(judge),
    )
    joko = users.create_user(username="joko", password=PASSWORD, email="joko@example.org", first_name="Joko")
    hearings.participant_add(hearing=hearing, role="defendant", by=clerk, person=hearings.person_for(joko))
    hearings.participant_add(hearing=hearing, role="prosecutor", by=clerk,
                             person=hearings.Person("Jaksa Ani", "ani@example.org"))
    return hearing.pk


def hearing_status(hearing_id):
    return Hearing.objects.get(pk=hearing_id).status


@pytest.mark.parametrize("language", ["en", "id"])
def test_a_clerk_sees_errors_where_the_eye_is_and_is_asked_before_cancelling(daphne_server, browser, pool,
                                                                                language, tmp_path):
    words = WORDS[language]
    hearing_id = pool(build_hearing)
    base = daphne_server.base_url
    page = signed_in(browser, base, "panitera", language)
    page.goto(f"{base}/hearings/{hearing_id}/")
    no_violations(page)
    control_borders_stand_out(page)
    screenshot(page, f"clerk-hearing-{language}", tmp_path)

    # The defendant's home: the hearing with its Enter button.
    party = signed_in(browser, base, "joko", language)
    assert party.locator("#sessions a.button").count() == 1
    # Menus show what the role uses: a party has hearings, no classes and no court cases.
    assert party.locator("nav a[href='/hearings/']").count() == 1
    assert party.locator("nav a[href='/classrooms/'], nav a[href='/hearings/cases/']").count() == 0
    no_violations(party)
    screenshot(party, f"participant-home-{language}", tmp_path)

    # A participant without a name: the form comes back as typed, the summary in view and focused.
    page.select_option("#add-participant select[name=role]", "witness")
    page.fill("#add-participant input[name=email]", "saksi@example.org")
    with page.expect_navigation():
        page.click("#add-participant button[type=submit]")
    summary_in_view_and_focused(page)
    assert page.input_value("#add-participant input[name=email]") == "saksi@example.org"
    assert page.input_value("#add-participant select[name=role]") == "witness"
    no_violations(page)

    # Cancelling asks first and names how many people are e-mailed (the judge and two parties).
    page.select_option("select[name=status]", "cancelled")
    page.fill("input[name=reason]", "Terdakwa sakit")
    page.click("form[action$='/status/'] button[type=submit]")
    dialog = page.locator("dialog.confirm[open]")
    assert f"3 {words['hearing']}" in dialog.inner_text()
    with page.expect_navigation():
        dialog.locator("button.danger").click()
    assert pool(hearing_status, hearing_id) == Status.CANCELLED
