"""On a phone (Debian's Chromium, a 360-pixel-wide touch screen): the feedback form of a sitting and
the court's public form fit the screen, are answered with taps, and record what was sent."""

import re
from datetime import timedelta

import pytest
from django.contrib.auth import get_user_model
from django.utils import timezone

from classrooms import services as classrooms
from feedback.models import SessionFeedback, Submission
from hearings import services as hearings
from tests.classrooms.conftest import interval, past_meeting
from tests.support.threads import in_thread

pytestmark = [pytest.mark.e2e, pytest.mark.browser]
PHONE = {"viewport": {"width": 360, "height": 740}, "is_mobile": True, "has_touch": True, "device_scale_factor": 2}


@pytest.fixture
def links(daphne_server):
    """Made before the browser starts: Playwright's loop makes this thread async for Django."""
    teacher = get_user_model().objects.create_user(username="guru", password="a-long-test-password")
    school = classrooms.school_create(name="SD 1", timezone="Asia/Jakarta", by=None, admins=[teacher])
    today = timezone.localdate()
    classroom = classrooms.classroom_create(school=school, by=teacher, name="VI-A",
                                            term_start=today - timedelta(days=10), term_end=today + timedelta(days=60))
    classrooms.enrollment_add(classroom=classroom, by=teacher, name="Ani", email="ani@example.org")
    held = past_meeting(classroom, teacher, start=timezone.now() - timedelta(days=1))
    seat = held.event.attendees.get(email="ani@example.org")
    interval(held, seat, held.start, held.end)
    hearings.court_create(name="PN Ponsel", slug="pn-ponsel")
    return {"feedback": f"/feedback/{seat.join_token}/", "court": "/courts/pn-ponsel/feedback/"}


def fits(page) -> bool:
    return page.evaluate("document.documentElement.scrollWidth <= window.innerWidth")


def test_feedback_forms_work_on_a_phone(daphne_server, links, browser):
    context = browser.new_context(**PHONE, locale="id-ID")
    page = context.new_page()
    page.goto(daphne_server.base_url + links["feedback"])
    assert fits(page)
    box = page.locator("label[for=id_rating_3]").bounding_box()
    assert box["height"] >= 40 and box["width"] >= 40  # a thumb's target
    page.locator("label[for=id_rating_3]").tap()
    page.locator("label[for=id_connection_5]").tap()
    page.fill("textarea[name=comment]", "Jelas sekali")
    page.locator("button[type=submit]").tap()
    page.wait_for_url(re.compile(r"/feedback/[^/]+/\?occurrence="))
    assert "Terima kasih" in page.content()
    answer = in_thread(lambda: SessionFeedback.objects.values_list("rating", "connection", "comment").get())
    assert answer == (4, 5, "Jelas sekali")

    page.goto(daphne_server.base_url + links["court"])
    assert fits(page)
    trap = page.locator("input[name=website]").bounding_box()  # the honeypot: off the screen, never seen
    assert trap is None or trap["x"] + trap["width"] <= 0
    page.select_option("select[name=kind]", "proposal")
    page.fill("textarea[name=text]", "Mohon ruang tunggu sidang diberi kursi tambahan.")
    page.locator("button[type=submit]").tap()
    page.wait_for_url(re.compile(r"/feedback/FB-\d{4}-\d{6}/\?token="))
    reference = in_thread(lambda: Submission.objects.get().reference)
    assert reference in page.content() and fits(page)
    context.close()
