"""Chromium under the production Content-Security-Policy (a Daphne with DEBUG off): the room, the
class dashboard, the countdown, the schedule and the API docs work, and the browser reports no
violation; the camera is usable in the room and refused elsewhere."""

import io
import json
from datetime import timedelta

import pytest
from django.conf import settings
from django.core.management import call_command

from tests.rooms.factories import make_room
from tests.support.threads import in_thread

pytestmark = [pytest.mark.e2e, pytest.mark.browser]

# The test's own key: the links the test makes must verify on the server (scheduling.tokens).
PRODUCTION = {"DEBUG": "0", "SECRET_KEY": settings.SECRET_KEY, "SECURE_COOKIES": "0"}
# Registered before any page script runs (through the DevTools protocol, which the policy does not govern).
REPORTER = """window.__violations = [];
document.addEventListener("securitypolicyviolation", function (e) {
  window.__violations.push(e.violatedDirective + " " + e.blockedURI + " " + e.sourceFile + ":" + e.lineNumber);
});"""
CAMERA = """navigator.mediaDevices.getUserMedia({video: true}).then(
  function (stream) { stream.getTracks().forEach(function (t) { t.stop(); }); return "allowed"; },
  function (error) { return error.name; })"""


def demo() -> dict:
    out = io.StringIO()
    call_command("seed_demo", "--json", stdout=out)
    return json.loads(out.getvalue())


class Watched:
    """A page whose CSP violations (events and console lines) are collected."""

    def __init__(self, context):
        self.page = context.new_page()
        self.console = []
        self.page.on("console", lambda line: self.console.append(line.text) if line.type == "error" else None)
        self.page.add_init_script(REPORTER)

    def violations(self) -> list[str]:
        reported = self.page.evaluate("window.__violations || []")
        logged, self.console = [line for line in self.console if "Content Security Policy" in line], []
        return reported + logged


def test_pages_work_under_the_policy_with_no_violation(daphne_factory, browser):
    server = daphne_factory(**PRODUCTION)
    data = in_thread(demo)
    later = in_thread(lambda: make_room(starts_in=timedelta(hours=3), in_progress=False))
    base = server.base_url
    seen = {}

    # The room: its scripts connect the socket and show the participants; the camera is allowed.
    student = Watched(browser.new_context())
    response = student.page.goto(base + data["classroom"]["students"][0]["join_url"])
    assert "script-src 'self'" in response.headers["content-security-policy"]
    assert "camera=(self)" in response.headers["permissions-policy"]
    student.page.wait_for_selector("#inside:not([hidden]) #participants li", timeout=20_000)
    assert student.page.evaluate(CAMERA) == "allowed"
    seen["room"] = student.violations()

    # The waiting page before a room opens: when, in words; its script counts the last hour down.
    waiting = Watched(browser.new_context())
    waiting.page.goto(base + later.people[0].join_path)
    waiting.page.locator("#countdown-value", has_text="The room opens").wait_for(timeout=10_000)
    waiting.page.wait_for_load_state("networkidle")
    seen["countdown"] = waiting.violations()

    # The teacher: the class dashboard refreshes its counts from the API every 15 s (the clock is
    # run forward), the schedule's copy buttons work, the language menu switches by itself.
    context = browser.new_context(permissions=["clipboard-read", "clipboard-write"])
    teacher = Watched(context)
    teacher.page.clock.install()
    teacher.page.goto(base + "/accounts/login/")
    teacher.page.fill("input[name=username]", data["classroom"]["teacher"]["username"])
    teacher.page.fill("input[name=password]", data["classroom"]["teacher"]["password"])
    teacher.page.click("main button[type=submit]")
    teacher.page.goto(base + "/classrooms/")
    with teacher.page.expect_response("**/api/classrooms/dashboard/") as refreshed:
        teacher.page.clock.run_for(16_000)
    assert refreshed.value.status == 200
    seen["dashboard"] = teacher.violations()

    teacher.page.goto(base + "/schedule/")
    copy = teacher.page.locator("button[data-copy]").first
    copy.click()
    teacher.page.locator("button[data-copy]", has_text="Copied").wait_for(timeout=10_000)
    assert teacher.page.evaluate(CAMERA) == "NotAllowedError"
    with teacher.page.expect_navigation():
        teacher.page.select_option("form.lang select", "id")
    assert teacher.page.get_attribute("html", "lang") == "id"
    seen["schedule"] = teacher.violations()

    # The API docs: Swagger UI from our own static files.
    teacher.page.goto(base + "/api/docs/")
    teacher.page.wait_for_selector(".swagger-ui .opblock", timeout=20_000)
    seen["api docs"] = teacher.violations()

    assert seen == {page: [] for page in seen}
