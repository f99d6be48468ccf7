"""A public hearing watched by an audience (issue 19): 50 observers' sockets, let in by the clerk, are
counted on the bench's pages ("50 listening", "50 mendengarkan"), never listed."""

import asyncio
import json
import threading
from datetime import timedelta

import pytest
from django.contrib.auth import get_user_model
from django.utils import timezone

from hearings import services
from hearings.models import CaseType, Role
from tests.rooms.factories import session_cookie_for
from tests.support.client import connect, receive_until
from tests.support.threads import in_thread

pytestmark = [pytest.mark.e2e, pytest.mark.browser]

AUDIENCE = 50
PASSWORD = "a-long-test-password"


def public_hearing():
    users = get_user_model().objects
    clerk = users.create_user(username="panitera-aud", password=PASSWORD, email="panitera-aud@example.org")
    judge = users.create_user(username="hakim-aud", password=PASSWORD, email="hakim-aud@example.org")
    court = services.court_create(name="PN Penonton", slug="pn-penonton")
    services.court_member_add(court=court, user=clerk, role="clerk")
    services.court_member_add(court=court, user=judge, role="judge")
    case = services.case_create(court=court, number="7/Pid.B/2026/PN Penonton", case_type=CaseType.CRIMINAL,
                                parties="Penuntut Umum v. Umum", by=clerk)
    hearing = services.hearing_schedule(
        case=case, start=timezone.now() + timedelta(minutes=2), duration=timedelta(hours=1), courtroom="Ruang 1",
        agenda="Pembacaan putusan", by=clerk, presiding_judge=services.person_for(judge),
        observer_capacity=AUDIENCE + 10, is_public=True,
    )
    observers = [
        services.participant_add(hearing=hearing, role=Role.OBSERVER, by=clerk,
                                 person=services.Person(f"Warga {index:02d}", f"warga{index}@example.org")).attendee
        for index in range(AUDIENCE)
    ]
    seats = {p.role: p.attendee for p in hearing.participants.select_related("attendee")}
    return {
        "room": str(hearing.occurrence_id), "clerk": session_cookie_for(seats[Role.CLERK]),
        "observers": [session_cookie_for(observer) for observer in observers],
        "ids": [str(observer.pk) for observer in observers], "judge": seats[Role.PRESIDING_JUDGE],
    }


def open_audience(server, world, release: threading.Event, ready: threading.Event):
    """The clerk's socket lets the 50 observers in; their sockets stay open until ``release``."""

    async def run():
        path = f"/ws/rooms/{world['room']}/"
        clerk = await connect(server.ws_url, path, cookie=world["clerk"])
        await receive_until(clerk, "presence.state", timeout=20)
        observers = await asyncio.gather(*(connect(server.ws_url, path, cookie=c) for c in world["observers"]))
        for ws in observers:
            await receive_until(ws, "lobby.waiting", timeout=20)
        for attendee_id in world["ids"]:
            await asyncio.sleep(0.06)  # inside the socket's rate limit
            await clerk.send(json.dumps({"type": "lobby.admit", "participant": attendee_id}))
        for ws in observers:
            state = await receive_until(ws, "presence.state", timeout=30)
            assert not any(p["role"] == Role.OBSERVER for p in state["participants"])
        ready.set()
        while not release.is_set():
            await asyncio.sleep(0.2)
        for ws in (clerk, *observers):
            await ws.close()

    asyncio.run(run())


def sign_in_and_open(page, server, attendee):
    page.goto(server.base_url + attendee.join_path)
    page.fill("input[name=username]", attendee.user.username)
    page.fill("input[name=password]", PASSWORD)
    page.click("form:has(input[name=password]) button[type=submit]")
    page.wait_for_url("**/rooms/**")


def test_the_bench_sees_the_audience_counted_in_both_languages(daphne_factory, browser):
    server = daphne_factory()
    world = in_thread(public_hearing)
    world["judge"] = in_thread(lambda: type(world["judge"]).objects.select_related("user").get(pk=world["judge"].pk))
    release, ready = threading.Event(), threading.Event()
    audience = threading.Thread(target=open_audience, args=(server, world, release, ready), daemon=True)
    audience.start()
    try:
        assert ready.wait(90), "the observers were not let in"
        english, indonesian = browser.new_context(), browser.new_context()
        indonesian.add_cookies([{"name": "django_language", "value": "id", "url": server.base_url}])
        judge_en, judge_id = english.new_page(), indonesian.new_page()
        sign_in_and_open(judge_en, server, world["judge"])
        sign_in_and_open(judge_id, server, world["judge"])
        for page, text in ((judge_en, f"{AUDIENCE} listening"), (judge_id, f"{AUDIENCE} mendengarkan")):
            page.wait_for_function(
                f"document.getElementById('audience-count').textContent === {json.dumps(text)}", timeout=20000
            )
            assert page.is_visible("#audience-count")
            assert "Warga" not in page.inner_text("#participants") + page.inner_text("#waiting")
        english.close()
        indonesian.close()
    finally:
        release.set()
        audience.join(30)
