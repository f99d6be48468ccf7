"""The audience where people look (issue 19), in Chromium against a real Daphne:

- a public hearing in session with 320 listeners connected by raw websockets: the public docket and the
  hearing's observer page show the number, in English and in Bahasa Indonesia; a closed hearing in
  session at the same time shows none;
- the clerk's audience panel (pages, search by name, join time in the court's zone, "Let speak" and
  "Back to listening") and a listener's page, whose chat box appears without a reload when the clerk
  lets them speak; both pages pass axe.
"""

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
from tests.support.axe import axe, describe
from tests.support.client import connect, receive_until
from tests.support.threads import in_thread

pytestmark = [pytest.mark.e2e, pytest.mark.browser]

PASSWORD = "a-long-test-password"
CROWD = 320


def hearing_with_observers(slug: str, observers: int, *, is_public: bool = True, court=None, clerk=None, judge=None):
    users = get_user_model().objects
    if court is None:
        clerk = users.create_user(username=f"panitera-{slug}", password=PASSWORD, email=f"panitera-{slug}@example.org")
        judge = users.create_user(username=f"hakim-{slug}", password=PASSWORD, email=f"hakim-{slug}@example.org")
        court = services.court_create(name=f"PN {slug}", slug=slug, timezone_name="Asia/Makassar")
        services.court_member_add(court=court, user=clerk, role="clerk")
        services.court_member_add(court=court, user=judge, role="judge")
    number = f"{observers}/Pid.B/2026/PN {slug}{'' if is_public else '-T'}"
    case = services.case_create(court=court, number=number, case_type=CaseType.CRIMINAL,
                                parties="Penuntut Umum v. Umum", by=clerk)
    hearing = services.hearing_schedule(
        case=case, start=timezone.now() + timedelta(minutes=2), duration=timedelta(hours=1),
        courtroom="Ruang 1" if is_public else "Ruang 2", agenda="Pembacaan putusan", by=clerk,
        presiding_judge=services.person_for(judge), observer_capacity=max(observers, 1) + 5, is_public=is_public,
        allow_conflicts=True,
    )
    seats = [
        services.participant_add(hearing=hearing, role=Role.OBSERVER, by=clerk, notify=False,
                                 person=services.Person(f"Warga {index:03d}", f"warga{index}-{slug}@example.org")
                                 ).attendee
        for index in range(observers)
    ]
    bench = {p.role: p.attendee for p in hearing.participants.select_related("attendee__user")}
    return {
        "hearing": hearing, "court": court, "clerk_user": clerk, "judge_user": judge,
        "room": str(hearing.occurrence_id), "clerk": session_cookie_for(bench[Role.CLERK]),
        "judge": session_cookie_for(bench[Role.PRESIDING_JUDGE]), "clerk_seat": bench[Role.CLERK],
        "observers": [session_cookie_for(seat) for seat in seats], "ids": [str(seat.pk) for seat in seats],
        "seats": seats,
    }


async def seat_the_bench(server, world, *, in_session=True):
    """The clerk's and the judge's sockets; the clerk opens the hearing (and starts it)."""
    path = f"/ws/rooms/{world['room']}/"
    clerk = await connect(server.ws_url, path, cookie=world["clerk"])
    judge = await connect(server.ws_url, path, cookie=world["judge"])
    for ws in (clerk, judge):
        await receive_until(ws, "presence.state", timeout=30)
    for status in ("open", "in_session") if in_session else ("open",):
        await clerk.send(json.dumps({"type": "room.set_status", "status": status}))
        await receive_until(clerk, "room.status", timeout=20)
    return clerk, judge


async def let_in(server, world, clerk, cookies, ids):
    """Observers' sockets knock; the clerk admits them in one message; each gets the room."""
    path = f"/ws/rooms/{world['room']}/"
    sockets = []
    for start in range(0, len(cookies), 40):  # a storm in waves, as a crowd arrives
        sockets += await asyncio.gather(*(connect(server.ws_url, path, cookie=c) for c in cookies[start:start + 40]))
    for ws in sockets:
        await receive_until(ws, "lobby.waiting", timeout=60)
    for start in range(0, len(ids), 400):
        await clerk.send(json.dumps({"type": "lobby.admit_all", "participants": ids[start:start + 400]}))
    for ws in sockets:
        await receive_until(ws, "presence.state", timeout=90)
    return sockets


def hold(server, work, release: threading.Event, ready: threading.Event, failed: list):
    """Run ``work`` (opening sockets) in its own loop; keep the sockets until ``release``."""

    async def run():
        try:
            sockets = await work()
        except Exception as error:
            failed.append(error)
            ready.set()
            return
        ready.set()
        while not release.is_set():
            await asyncio.sleep(0.2)
        for ws in sockets:
            await ws.close()

    asyncio.run(run())


def test_the_public_sees_a_large_audience_counted_in_both_languages(daphne_factory, browser):
    server = daphne_factory()
    world = in_thread(lambda: hearing_with_observers("pn-ramai", CROWD))
    closed = in_thread(lambda: hearing_with_observers(
        "pn-ramai", 0, is_public=False, court=world["court"], clerk=world["clerk_user"], judge=world["judge_user"]))
    release, ready, failed = threading.Event(), threading.Event(), []

    async def crowd():
        clerk, judge = await seat_the_bench(server, world)
        closed_bench = await seat_the_bench(server, closed)
        listeners = await let_in(server, world, clerk, world["observers"], world["ids"])
        return [clerk, judge, *closed_bench, *listeners]

    holder = threading.Thread(target=hold, args=(server, crowd, release, ready, failed), daemon=True)
    holder.start()
    try:
        assert ready.wait(240) and not failed, f"the crowd was not let in: {failed}"
        hearing_id, closed_id = str(world["hearing"].pk), str(closed["hearing"].pk)
        for language, text in (("en", f"{CROWD} listening"), ("id", f"{CROWD} mendengarkan")):
            context = browser.new_context()
            context.add_cookies([{"name": "django_language", "value": language, "url": server.base_url}])
            page = context.new_page()
            page.goto(f"{server.base_url}/docket/pn-ramai/")
            cell = f'[data-listeners="{hearing_id}"]'
            page.wait_for_function(
                f"(document.querySelector({json.dumps(cell)}) || {{}}).textContent === {json.dumps(' · ' + text)}",
                timeout=30_000)
            assert page.is_visible(cell)
            # The closed hearing's row says only that it is closed: no number, no place for one.
            assert page.locator("tr.closed [data-listeners]").count() == 0
            answer = json.loads(page.evaluate("fetch('/docket/pn-ramai/listeners.json').then(r => r.text())"))
            assert list(answer["hearings"]) == [hearing_id] and closed_id not in json.dumps(answer)
            page.goto(f"{server.base_url}/hearings/observe/{world['hearing'].observer_token}/")
            page.wait_for_function(
                f"document.getElementById('hearing-listeners').textContent === {json.dumps(text)}", timeout=30_000)
            context.close()
    finally:
        release.set()
        holder.join(60)


def sign_in_and_open(page, server, user, room):
    page.goto(f"{server.base_url}/accounts/login/?next=/rooms/{room}/")
    page.fill("input[name=username]", user.username)
    page.fill("input[name=password]", PASSWORD)
    page.click("form:has(input[name=password]) button[type=submit]")
    page.wait_for_url("**/rooms/**")


def no_violations(page, what):
    found = axe(page)
    assert not found, f"{what}:\n{describe(found)}"


def test_the_clerk_pages_searches_and_lets_a_listener_speak(daphne_factory, browser):
    server = daphne_factory()
    world = in_thread(lambda: hearing_with_observers("pn-panel", 60))
    release, ready, failed = threading.Event(), threading.Event(), []
    # Warga 000 listens in a browser; the other 59 by sockets. The clerk's socket admits everyone.

    async def crowd():
        clerk, judge = await seat_the_bench(server, world, in_session=False)
        listeners = await let_in(server, world, clerk, world["observers"][1:], world["ids"][1:])
        return [clerk, judge, *listeners]

    holder = threading.Thread(target=hold, args=(server, crowd, release, ready, failed), daemon=True)
    holder.start()
    try:
        assert ready.wait(120) and not failed, f"the audience was not let in: {failed}"
        # The listener, in English: they knock, the clerk (socket) lets them in.
        listener_context = browser.new_context()
        listener_context.add_cookies([{"name": "sessionid", "value": world["observers"][0].split("=", 1)[1],
                                       "url": server.base_url}])
        listener = listener_context.new_page()
        listener.goto(f"{server.base_url}/rooms/{world['room']}/")
        listener.wait_for_selector("#lobby:not([hidden])", timeout=20_000)

        async def admit_the_first():
            ws = await connect(server.ws_url, f"/ws/rooms/{world['room']}/", cookie=world["clerk"])
            await receive_until(ws, "presence.state", timeout=20)
            await ws.send(json.dumps({"type": "lobby.admit", "participant": world["ids"][0]}))
            await asyncio.sleep(0.5)
            await ws.close()

        in_thread(lambda: asyncio.run(admit_the_first()))
        listener.wait_for_selector("#inside:not([hidden])", timeout=20_000)
        listener.wait_for_function("document.getElementById('audience-count').textContent === '60 listening'",
                                   timeout=20_000)
        assert listener.is_visible("#listen-only") and not listener.is_visible("#chat-form")
        assert not listener.is_visible("#hand")
        no_violations(listener, "a listener's page")

        # The clerk, in Bahasa Indonesia: the audience panel.
        clerk_context = browser.new_context()
        clerk_context.add_cookies([{"name": "django_language", "value": "id", "url": server.base_url}])
        clerk = clerk_context.new_page()
        sign_in_and_open(clerk, server, world["clerk_user"], world["room"])
        clerk.wait_for_function("document.getElementById('audience-total').textContent === '60'", timeout=20_000)
        clerk.wait_for_function("document.querySelectorAll('#audience-list li').length === 50", timeout=20_000)
        assert clerk.inner_text("#audience-range") == "1–50 dari 60"
        first = clerk.locator("#audience-list li").first
        assert "sejak" in first.inner_text() and "WITA" in first.inner_text()  # the court's zone, Makassar
        clerk.click("#audience-next")
        clerk.wait_for_function("document.getElementById('audience-range').textContent === '51–60 dari 60'")
        assert clerk.is_enabled("#audience-previous") and not clerk.is_enabled("#audience-next")
        clerk.fill("#audience-query", "warga 000")
        clerk.press("#audience-query", "Enter")
        clerk.wait_for_function("document.querySelectorAll('#audience-list li').length === 1", timeout=10_000)
        assert "1 ditemukan untuk “warga 000”" in clerk.inner_text("#audience-range")
        no_violations(clerk, "the clerk's room page with the audience panel")

        # "Let speak": the listener's chat box and hand appear without a reload.
        clerk.click("#audience-list li button.let-speak")
        listener.wait_for_selector("#chat-form:not([hidden])", timeout=20_000)
        assert listener.is_visible("#hand") and not listener.is_visible("#listen-only")
        assert "let you speak" in listener.inner_text("#speak-note")
        listener.fill("#chat-text", "Izin bertanya, Yang Mulia")
        listener.press("#chat-text", "Enter")
        clerk.wait_for_selector("#chat-log li:has-text('Izin bertanya, Yang Mulia')", timeout=20_000)
        clerk.wait_for_selector("#audience-speakers li:has-text('Warga 000')", timeout=20_000)
        clerk.wait_for_function("document.getElementById('audience-total').textContent === '59'", timeout=20_000)
        no_violations(clerk, "the clerk's page with a listener speaking")

        # "Back to listening": the chat box goes again.
        clerk.click("#audience-speakers li button.back-to-listening")
        listener.wait_for_selector("#chat-form", state="hidden", timeout=20_000)
        assert listener.is_visible("#listen-only")
        clerk.wait_for_function("document.getElementById('audience-total').textContent === '60'", timeout=20_000)
        assert clerk.locator("#speakers-block").is_hidden()
        listener_context.close()
        clerk_context.close()
    finally:
        release.set()
        holder.join(60)
