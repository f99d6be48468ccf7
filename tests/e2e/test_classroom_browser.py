"""A teacher in Chromium: creates a school and a class, imports a roster CSV with a bad row
(preview first, nothing saved), confirms, schedules the term and sees the meetings. Only staff
create schools (``classrooms.policies.may_found_school``): this teacher is staff too."""

from concurrent.futures import ThreadPoolExecutor
from datetime import date, timedelta

import pytest
from django.contrib.auth import get_user_model
from django.db import connections

from classrooms.models import Classroom

pytestmark = [pytest.mark.e2e, pytest.mark.browser]
PASSWORD = "a-long-test-password"


def make_teacher():
    get_user_model().objects.create_user(username="guru", password=PASSWORD, email="guru@example.org", is_staff=True)


def roster_of(name):
    classroom = Classroom.objects.get(name=name)
    return sorted(classroom.enrollments.values_list("email", flat=True))


def shown(day: date) -> str:
    return f"{day:%a} {day.day} {day:%b} {day.year} 07:30 WITA"


def test_a_teacher_sets_up_a_class_in_the_browser(daphne_server, browser, tmp_path):
    monday = date.today() + timedelta(days=14 - date.today().weekday())
    # Playwright's sync API runs an event loop in this thread: Django's ORM goes to another one.
    with ThreadPoolExecutor(1) as pool:
        try:
            walk_through(pool, daphne_server.base_url, browser, tmp_path, monday)
        finally:
            # That thread's connection must close, or PostgreSQL cannot drop the test database.
            pool.submit(connections.close_all).result()


def walk_through(pool, base, browser, tmp_path, monday):
    pool.submit(make_teacher).result()
    page = browser.new_context().new_page()
    page.goto(base + "/accounts/login/")
    page.fill("input[name=username]", "guru")
    page.fill("input[name=password]", PASSWORD)
    page.click("main button[type=submit]")
    page.goto(base + "/classrooms/")
    page.click("text=New school")
    page.fill("input[name=name]", "SD 5 Makassar")
    page.select_option("select[name=timezone]", "Asia/Makassar")
    page.click("main button[type=submit]")
    page.wait_for_selector("text=School created.")
    page.click("text=New class")
    page.fill("input[name=name]", "Kelas 6B")
    page.fill("input[name=subject]", "Matematika")
    page.fill("input[name=term_start]", monday.isoformat())
    page.fill("input[name=term_end]", (monday + timedelta(weeks=8)).isoformat())
    page.click("main button[type=submit]")
    page.wait_for_selector("text=Class created.")
    assert "WITA" in page.inner_text("main")

    page.click("text=Import a CSV file")
    csv_path = tmp_path / "roster.csv"
    csv_path.write_text("name;email;nim\nAni;ani@example.org;1\nBudi;budi@salah\nCitra;citra@example.org;3\n")
    page.set_input_files("input[type=file]", str(csv_path))
    page.click("main form[enctype] button[type=submit]")
    page.wait_for_selector(".preview")
    assert "“budi@salah” is not a valid e-mail address." in page.inner_text(".preview")
    assert pool.submit(roster_of, "Kelas 6B").result() == []
    page.click("text=Confirm the import")
    page.wait_for_selector("text=2 students imported and invited.")
    assert pool.submit(roster_of, "Kelas 6B").result() == ["ani@example.org", "citra@example.org"]

    page.check("input[name=weekdays][value='0']")
    page.check("input[name=weekdays][value='2']")
    page.fill("input[name=start_time]", "07:30")
    page.fill("input[name=end_time]", "09:00")
    page.click("form[action$='/schedule/'] button[type=submit]")
    page.wait_for_selector(".messages")
    assert "The term's meetings are scheduled" in page.inner_text(".messages")
    meetings = page.inner_text("#meetings")
    assert shown(monday) in meetings and shown(monday + timedelta(days=2)) in meetings
    assert "Fri" not in meetings
