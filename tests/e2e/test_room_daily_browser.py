"""Issue 17, the live room in Chromium: what a teacher, a clerk, parties and observers run into.

Interpreters admitted on purpose; irreversible status changes and removals asked first in the page,
with undo; the lobby that cannot be missed (banner, title, tone, notification, "Admit all"); a class
that opens by itself; times in the room's zone; errors next to the control; an observer's page;
no dead ends; axe-core finds no violation; a phone's 390×844 viewport."""

from datetime import datetime, timedelta
from zoneinfo import ZoneInfo

import pytest
from django.contrib.auth import get_user_model
from django.utils import timezone

from classrooms import services as classrooms
from hearings.models import Hearing, Role
from rooms.models import RoomState
from tests.config.test_security_csp_browser import PRODUCTION, demo
from tests.rooms.factories import make_room
from tests.support.axe import axe, describe
from tests.support.threads import in_thread

pytestmark = [pytest.mark.e2e, pytest.mark.browser]
PASSWORD = "a-long-test-password"
PHONE = {"width": 390, "height": 844}
# Records desktop notifications: headless Chromium has nowhere to show them.
NOTIFICATIONS = """window.__notified = [];
window.Notification = class { constructor(title, options) { window.__notified.push(title); }
  static get permission() { return "granted"; } static requestPermission() { return Promise.resolve("granted"); } };"""


def sign_in(page, base, username, password, then):
    page.goto(base + "/accounts/login/?next=" + then)
    page.fill("input[name=username]", username)
    page.fill("input[name=password]", password)
    page.click("main button[type=submit]")
    page.wait_for_url("**" + then)


def no_violations(page, what):
    found = axe(page)
    assert not found, f"{what}:\n{describe(found)}"


def in_lobby(page):
    page.wait_for_selector("#lobby:not([hidden])", timeout=20_000)


def inside(page):
    page.wait_for_selector("#inside:not([hidden])", timeout=20_000)


# ------------------------------------------------------------------------------------------------
# A hearing: the interpreter, removal and its undo, the observer, adjourning from a UTC browser.


def test_a_clerk_admits_interpreters_on_purpose_and_adjourns_in_the_courts_zone(daphne_server, browser):
    base = daphne_server.base_url
    data = in_thread(demo)["hearing"]
    room_path = f"/rooms/{data['occurrence_id']}/"
    by_role = {p["role"]: p for p in data["parties"]}
    witness_name, interpreter_name = by_role[Role.WITNESS]["name"], by_role[Role.INTERPRETER]["name"]

    # The clerk's browser runs in UTC; the court is in WIB.
    clerk = browser.new_context(timezone_id="UTC").new_page()
    sign_in(clerk, base, data["clerk"]["username"], data["clerk"]["password"], room_path)
    inside(clerk)
    witness = browser.new_context().new_page()
    witness.goto(base + by_role[Role.WITNESS]["join_url"])
    interpreter = browser.new_context().new_page()
    interpreter.goto(base + by_role[Role.INTERPRETER]["join_url"])
    in_lobby(witness)
    in_lobby(interpreter)

    # The lobby cannot be missed, and the clerk sees who interprets for whom.
    clerk.wait_for_selector("#lobby-banner:not([hidden])")
    assert clerk.title().startswith("(2) ")
    assert clerk.is_hidden("#lobby-admit-all")  # a hearing's lobby is never emptied at once
    row = clerk.locator(f'#waiting li:has-text("{interpreter_name}")')
    row.locator(".companion", has_text=f"interprets for {witness_name}").wait_for()
    no_violations(clerk, "the clerk's room with people waiting")

    # "Admit with interpreter" admits both, on purpose.
    clerk.click(f'#waiting li:has-text("{witness_name}") button.admit-both')
    inside(witness)
    inside(interpreter)

    # Removing asks first, in the page; the witness is flagged without their interpreter.
    clerk.click(f'[aria-label="Remove {interpreter_name} from the room"]')
    clerk.fill(".confirm-inline input", "Berganti penerjemah")
    clerk.click(".confirm-inline button.deny-confirm")
    interpreter.wait_for_selector("#closed:not([hidden])", timeout=20_000)
    assert "Berganti penerjemah" in interpreter.inner_text("#closed-text")
    flagged = clerk.locator(f'#participants li:has-text("{witness_name}") .without')
    flagged.wait_for(timeout=20_000)
    assert interpreter_name in flagged.inner_text()
    # The undo: let back in; the interpreter tries again and enters.
    clerk.click(f'[aria-label="Let {interpreter_name} back in"]')
    interpreter.click("#try-again")
    inside(interpreter)
    flagged.wait_for(state="detached", timeout=20_000)

    # An observer gets an observer's page: no chat box, no hand, listed apart from the parties.
    observer = browser.new_context().new_page()
    observer.goto(base + data["observer_url"])
    observer.fill("input[name=name]", "Warga Pengamat")
    observer.click("main button[type=submit]")
    in_lobby(observer)
    clerk.click('[aria-label="Admit Warga Pengamat"]')
    inside(observer)
    # No chat box nor hand shown (they are in the page, hidden, for when the clerk lets the observer speak).
    assert not observer.is_visible("#chat-form") and not observer.is_visible("#hand")
    assert observer.is_visible("#listen-only")
    # A hearing's observer is audience (issue 19): counted, never listed.
    clerk.wait_for_function("document.getElementById('audience-count').textContent.startsWith('1 ')",
                            timeout=20_000)
    assert "Warga Pengamat" not in clerk.inner_text("#participants") + clerk.inner_text("#listeners")
    no_violations(observer, "the observer's room")
    no_violations(witness, "a party's room")

    # The judge signs in; the clerk starts the session.
    judge = browser.new_context().new_page()
    sign_in(judge, base, data["judge"]["username"], data["judge"]["password"], room_path)
    inside(judge)
    clerk.select_option("#status-select", "in_session")
    assert clerk.is_hidden("#status-field-next")
    clerk.click("#status-submit")
    clerk.wait_for_function("document.getElementById('status-banner').dataset.status === 'in_session'",
                            timeout=20_000)

    # Adjourning: the next sitting's field only for it, an error next to the control, then a
    # confirmation that says what happens, and 09:00 typed in a UTC browser is 09:00 WIB.
    clerk.select_option("#status-select", "adjourned")
    assert clerk.is_visible("#status-field-next")
    clerk.fill("#status-reason-input", "Mendengar saksi ahli")
    clerk.fill("#status-next", "2020-01-06T09:00")
    clerk.click("#status-submit")
    clerk.click("#status-confirm-yes")
    error = clerk.locator("#status-error")
    error.wait_for(timeout=20_000)
    assert "future" in error.inner_text() and clerk.is_visible("#status-select")
    assert error.evaluate("node => node.getBoundingClientRect().top < window.innerHeight")
    next_day = (timezone.now() + timedelta(days=7)).astimezone(ZoneInfo("Asia/Jakarta")).date()
    clerk.fill("#status-next", f"{next_day.isoformat()}T09:00")
    clerk.click("#status-submit")
    confirm = clerk.locator("#status-confirm-text")
    assert "closes for everyone" in confirm.inner_text()
    clerk.click("#status-confirm-yes")

    # No dead ends: the room says so, hides chat and hand, and offers the next step.
    for page in (witness, observer):
        page.wait_for_selector("#closed:not([hidden]) #next-steps:not([hidden])", timeout=20_000)
        assert page.is_hidden("#inside") and page.is_visible("#home-link")
    clerk.wait_for_selector("#closed:not([hidden])", timeout=20_000)
    assert clerk.locator("#next-steps a", has_text="record").count() == 1
    no_violations(witness, "the ended room")

    def stored():
        hearing = Hearing.objects.get(pk=data["id"])
        return hearing.next_at, RoomState.objects.get(occurrence_id=data["occurrence_id"]).next_at

    expected = datetime(next_day.year, next_day.month, next_day.day, 9, tzinfo=ZoneInfo("Asia/Jakarta"))
    assert in_thread(stored) == (expected, expected)
    for page in (clerk, witness, interpreter, observer, judge):
        page.context.close()


# ------------------------------------------------------------------------------------------------
# A class: its lobby, "Admit all", the status control, a class that opens by itself; chat times.


def make_class(*, students_wait: bool, starts_in: timedelta, zone: str = "Asia/Jakarta", students=2) -> dict:
    users = get_user_model().objects
    stamp = f"{timezone.now().timestamp():.0f}{students_wait:d}"
    teacher = users.create_user(f"guru{stamp}", password=PASSWORD, first_name="Sari", last_name="Guru")
    school = classrooms.school_create(name=f"SMP {stamp}", timezone=zone, by=None, admins=[teacher])
    today = timezone.localdate()
    classroom = classrooms.classroom_create(
        school=school, by=teacher, name="Kelas 7A", term_start=today - timedelta(days=1),
        term_end=today + timedelta(days=30), students_wait=students_wait,
    )
    for number in range(students):
        classrooms.enrollment_add(classroom=classroom, by=teacher, name=f"Murid {number + 1}",
                                  email=f"murid{number + 1}-{stamp}@example.org", notify=False)
    start = timezone.now() + starts_in
    event = classrooms.meeting_add(classroom=classroom, by=teacher, start=start, end=start + timedelta(hours=1),
                                   allow_conflicts=True)
    occurrence = event.occurrences.get()
    seats = event.attendees.order_by("name")
    return {
        "teacher": teacher.username, "room": f"/rooms/{occurrence.pk}/",
        "students": [a.join_path for a in seats.filter(role="student")],
    }


@pytest.mark.parametrize("language", ["en", "id"])
def test_a_teacher_cannot_miss_the_lobby_and_ends_the_class_only_on_purpose(daphne_server, browser, language):
    base = daphne_server.base_url
    made = in_thread(make_class, students_wait=True, starts_in=timedelta(minutes=5))
    cookie = [{"name": "django_language", "value": language, "url": base}]
    words = {
        "en": {"one": "1 person is waiting", "two": "2 people are waiting", "final": "closes for everyone",
               "ended": "over", "attendance": "attendance"},
        "id": {"one": "1 orang menunggu", "two": "2 orang menunggu", "final": "ditutup untuk semua",
               "ended": "selesai", "attendance": "kehadiran"},
    }[language]

    context = browser.new_context()
    context.add_cookies(cookie)
    context.add_init_script(NOTIFICATIONS)
    teacher = context.new_page()
    sign_in(teacher, base, made["teacher"], PASSWORD, made["room"])
    inside(teacher)
    title = teacher.title()
    students = []
    for number, path in enumerate(made["students"]):
        student_context = browser.new_context()
        student_context.add_cookies(cookie)
        student = student_context.new_page()
        student.goto(base + path)
        in_lobby(student)
        students.append(student)
        teacher.locator("#lobby-banner-text", has_text=words["one" if number == 0 else "two"]).wait_for(
            timeout=20_000)
    assert teacher.title() == f"(2) {title}"
    alerts = teacher.evaluate("window.hadirRoom.alerts")
    assert alerts["tones"] >= 2 and alerts["notifications"] >= 2
    assert teacher.evaluate("window.__notified.length") >= 2
    # Admit/Deny name the person.
    assert teacher.locator('#waiting button[aria-label*="Murid 1"]').count() == 2
    no_violations(teacher, "the teacher's room with people waiting")
    no_violations(students[0], "the waiting student's page")

    # By keyboard: "Review" takes the focus to the lobby, Tab reaches the first "Admit", Enter admits.
    teacher.focus("#lobby-review")
    teacher.keyboard.press("Enter")
    assert teacher.evaluate("document.activeElement.id") == "waiting-title"
    teacher.keyboard.press("Tab")
    assert teacher.evaluate("document.activeElement.getAttribute('aria-label')").endswith(
        {"en": "Admit Murid 1", "id": "Izinkan Murid 1 masuk"}[language])
    teacher.keyboard.press("Enter")
    inside(students[0])
    teacher.locator("#lobby-banner-text", has_text=words["one"]).wait_for(timeout=20_000)
    teacher.click("#lobby-admit-all")  # the rest at once
    for student in students:
        inside(student)
    teacher.wait_for_selector("#lobby-banner", state="hidden", timeout=20_000)
    assert teacher.title() == title

    # The status control: nothing chosen for the teacher, no "Next sitting" in a class.
    assert teacher.eval_on_selector("#status-select", "s => s.value") == ""
    for value in teacher.eval_on_selector_all("#status-select option", "os => os.map(o => o.value)"):
        if value:
            teacher.select_option("#status-select", value)
            assert teacher.is_hidden("#status-field-next")
    teacher.select_option("#status-select", "")
    teacher.click("#status-submit")  # nothing chosen: said next to the control
    assert teacher.is_visible("#status-error")
    for status in ("open", "live"):  # not final: no question asked
        teacher.select_option("#status-select", status)
        teacher.click("#status-submit")
        teacher.wait_for_function(f"document.getElementById('status-banner').dataset.status === '{status}'",
                                  timeout=20_000)
    assert teacher.eval_on_selector_all("#status-select option", "os => os.map(o => o.value)") == ["", "ended"]
    assert teacher.eval_on_selector("#status-select", "s => s.value") == ""  # "Ended" is not chosen for you
    teacher.select_option("#status-select", "ended")
    teacher.click("#status-submit")
    assert words["final"] in teacher.inner_text("#status-confirm-text")
    teacher.click("#status-confirm-no")  # changed its mind: nothing happens
    assert teacher.is_hidden("#status-confirm")
    assert students[0].is_visible("#inside")
    teacher.click("#status-submit")
    teacher.click("#status-confirm-yes")

    for student in students:
        student.wait_for_selector("#closed:not([hidden])", timeout=20_000)
        assert words["ended"] in student.inner_text("#closed-text").lower()
        assert student.is_visible("#home-link") and student.is_hidden("#chat-form")
    teacher.wait_for_selector("#next-steps:not([hidden])", timeout=20_000)
    assert words["attendance"] in teacher.inner_text("#next-steps").lower()
    context.close()
    for student in students:
        student.context.close()


def test_a_class_opens_by_itself_at_its_start_and_chat_times_follow_the_rooms_zone(daphne_server, browser):
    base = daphne_server.base_url
    made = in_thread(make_class, students_wait=False, starts_in=timedelta(seconds=20), zone="Asia/Makassar",
                     students=1)
    # A student's device in UTC, and one in Jakarta: the room shows WITA to both.
    page = browser.new_context(timezone_id="UTC").new_page()
    page.goto(base + made["students"][0])
    in_lobby(page)
    # The page comes back at the start, and the room has opened by itself.
    page.wait_for_selector("#inside:not([hidden])", timeout=60_000)
    assert page.inner_text("#status-banner") == "Open"

    teacher = browser.new_context(timezone_id="Asia/Jakarta").new_page()
    sign_in(teacher, base, made["teacher"], PASSWORD, made["room"])
    inside(teacher)
    page.fill("#chat-text", "Selamat pagi")
    page.click("#chat-form button")
    for viewer in (page, teacher):
        line = viewer.locator("#chat-log li time")
        line.wait_for(timeout=20_000)
        at = datetime.fromisoformat(line.get_attribute("datetime"))
        assert line.inner_text() == at.astimezone(ZoneInfo("Asia/Makassar")).strftime("%H:%M") + " WITA"
    page.context.close()
    teacher.context.close()


# ------------------------------------------------------------------------------------------------
# The waiting page and the phone.


@pytest.mark.parametrize("language", ["en", "id"])
def test_the_waiting_page_says_who_and_when_in_words_and_fits_a_phone(daphne_server, browser, language):
    base = daphne_server.base_url
    room = in_thread(make_room, starts_in=timedelta(days=1, hours=2), in_progress=False)
    context = browser.new_context(viewport=PHONE, is_mobile=True, has_touch=True)
    context.add_cookies([{"name": "django_language", "value": language, "url": base}])
    page = context.new_page()
    page.goto(base + room.people[0].join_path)
    text = page.inner_text(".room-countdown")
    opens = (room.occurrence.start - timedelta(minutes=15)).astimezone(ZoneInfo("Asia/Jakarta"))
    day_word = {"en": "tomorrow", "id": "besok"}[language]
    today = timezone.now().astimezone(ZoneInfo("Asia/Jakarta")).date()
    if opens.date() == today + timedelta(days=1):
        assert day_word in text
    assert "WIB" in page.inner_text("#countdown-value")
    assert room.people[0].name in text and room.occurrence.event.title in text
    assert page.evaluate("document.scrollingElement.scrollWidth") <= PHONE["width"]
    no_violations(page, "the waiting page")
    context.close()


def test_the_join_flow_and_the_room_fit_a_phone(daphne_server, browser):
    base = daphne_server.base_url
    room = in_thread(make_room)
    context = browser.new_context(viewport=PHONE, is_mobile=True, has_touch=True)
    page = context.new_page()
    page.goto(base + room.people[0].join_path)
    inside(page)
    page.fill("#chat-text", "Halo dari ponsel")
    page.click("#chat-form button")
    page.locator("#chat-log li", has_text="Halo dari ponsel").wait_for(timeout=20_000)
    assert page.evaluate("document.scrollingElement.scrollWidth") <= PHONE["width"]
    for selector in ("#chat-text", "#hand", "#participants"):
        box = page.locator(selector).bounding_box()
        assert box and box["x"] >= 0 and box["x"] + box["width"] <= PHONE["width"], selector
    no_violations(page, "a participant's room on a phone")
    context.close()


def test_axe_runs_under_the_production_policy_and_finds_what_is_wrong(daphne_factory, browser):
    """The check itself can fail: a nameless button on the waiting page is reported, under the
    production Content-Security-Policy (axe is injected through the DevTools protocol)."""
    server = daphne_factory(**PRODUCTION)
    room = in_thread(make_room, starts_in=timedelta(hours=3), in_progress=False)
    context = browser.new_context()
    page = context.new_page()
    response = page.goto(server.base_url + room.people[0].join_path)
    assert "script-src 'self'" in response.headers["content-security-policy"]
    assert axe(page) == []
    page.evaluate("document.querySelector('main').appendChild(document.createElement('button'))")
    assert [violation["id"] for violation in axe(page)] == ["button-name"]
    context.close()
