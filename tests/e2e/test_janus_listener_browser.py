"""A listener watches through Janus (issue 20): in a large lecture the students only listen; a
student's page offers "Watch and listen" (no camera, no microphone asked for), receives the
teacher's video and audio through the SFU, and sends nothing."""

import pytest

from rooms import services as room_services
from tests.e2e.test_janus_browser import receiving_from
from tests.e2e.test_media_browser import TIMEOUT, enter, until
from tests.e2e.test_room_browser import open_link
from tests.e2e.test_rooms_audience import lecture_class
from tests.support.axe import axe, describe
from tests.support.threads import in_thread

pytestmark = [pytest.mark.e2e, pytest.mark.browser]


def test_a_listening_student_watches_and_hears_the_teacher_and_sends_nothing(daphne_factory, browser, janus):
    server = daphne_factory(**janus.settings())
    occurrence, teacher, students = in_thread(lambda: lecture_class(1))
    student = students[0]
    in_thread(lambda: teacher.user)
    in_thread(lambda: room_services.room_status_set(occurrence=occurrence, status="open", by=teacher))
    _teacher_context, _teacher_page = enter(browser, server, teacher)

    context = browser.new_context(viewport={"width": 1280, "height": 900})
    context.add_cookies([{"name": "django_language", "value": "id", "url": server.base_url}])
    page = context.new_page()
    page.add_init_script("window.hadirMediaTrace = []")
    open_link(page, server, student)
    page.wait_for_selector("#media-watch", state="visible", timeout=TIMEOUT)
    assert page.locator("#media-join").count() == 0 and page.locator("#media-toggle-mic").count() == 0
    assert page.locator("#media-watch").inner_text() == "Tonton dan dengarkan"
    page.click("#media-watch")
    until(page, receiving_from([str(teacher.pk)]), "the listener does not receive the teacher")
    # Nothing goes up: no camera or microphone was asked for, no publisher connection exists.
    assert page.evaluate("() => window.hadirMedia.joined()") is True
    sending = page.evaluate("""() => Promise.all(window.hadirMedia.connections().map((pc) => pc.getStats()))
        .then((reports) => reports.flatMap((r) => Array.from(r.values()))
        .filter((s) => s.type === 'outbound-rtp').length)""")
    assert sending == 0
    violations = axe(page, include="#media")
    assert not violations, describe(violations)
    context.close()
