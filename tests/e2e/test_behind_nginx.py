"""The deployment as shipped (issue 14): Debian's nginx with the site file deploy/nginx/render.py
writes, TLS with a certificate made here, two Daphne processes on the run's database and Redis,
and Chromium over https:// and wss://.

Before: every form POST through a TLS proxy got 403 "Origin checking failed". The second
participant's socket goes through nginx too; the Daphne logs say which process each socket
reached, and the test insists they differ, so the browser sees someone served by the other process.
"""

import contextlib
import http.client
import json
import os
import ssl
import subprocess
import sys
import time
import urllib.request

import pytest
import websockets.sync.client
from django.conf import settings

from rooms.presence import apply_diff, apply_state
from tests.rooms.factories import make_room
from tests.support.client import Browser
from tests.support.daphne import ROOT
from tests.support.nginx import Nginx, require_nginx
from tests.support.threads import in_thread

pytestmark = [pytest.mark.e2e, pytest.mark.scaled, pytest.mark.browser]

# The test's own key: the join links the test makes must verify on the servers (scheduling.tokens).
SECRET_KEY = settings.SECRET_KEY
PEOPLE = ("Ani", "Budi", "Citra", "Dewi", "Eko", "Fajar")


@pytest.fixture
def nginx(tmp_path):
    require_nginx()
    folder = tmp_path / "nginx"
    folder.mkdir()
    server = Nginx(folder)
    yield server
    server.stop()


def unverified() -> ssl.SSLContext:
    """The test's own self-signed certificate: encrypted, not verified (as Chromium's flag does)."""
    context = ssl.create_default_context()
    context.check_hostname = False
    context.verify_mode = ssl.CERT_NONE
    return context


def production(nginx, static_root, redis_url) -> dict:
    """The environment of hadir-web@.service, with this test's addresses (DEBUG off)."""
    return {"DEBUG": "0", "SECRET_KEY": SECRET_KEY, "ALLOWED_HOSTS": "127.0.0.1", "HADIR_BEHIND_PROXY": "1",
            "HADIR_BASE_URL": nginx.base_url, "STATIC_ROOT": str(static_root), "REDIS_URL": redis_url}


def collect_static(env: dict) -> None:
    subprocess.run([sys.executable, "manage.py", "collectstatic", "--no-input", "-v", "0"], cwd=ROOT, check=True,
                   env={**os.environ, "DJANGO_SETTINGS_MODULE": "tests.settings", **env}, timeout=300)


def made_elsewhere():
    """Playwright's sync API runs an event loop in this thread: the ORM goes to another one."""

    def make():
        room = make_room(people=PEOPLE)
        room.host.user  # loaded here, to sign in with
        return room

    return in_thread(make)


def room_sockets(server, room) -> int:
    """How many sockets to this room the Daphne process has accepted (its access log)."""
    return server.log_path.read_text(errors="replace").count(f'"WSCONNECT /ws/rooms/{room.id}/"')


def wait_for(check, what: str, timeout: float = 15.0):
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        if found := check():
            return found
        time.sleep(0.1)
    raise AssertionError(f"never happened: {what}")


@pytest.mark.timeout(360)  # collectstatic, two processes, nginx and Chromium on a loaded machine
def test_https_forms_and_a_room_across_two_processes_through_nginx(
    daphne_factory, redis_url, nginx, browser, tmp_path
):
    static_root = tmp_path / "static"
    env = production(nginx, static_root, redis_url)
    collect_static(env)
    (static_root / "served-by-nginx.txt").write_text("nginx")  # in STATIC_ROOT only: Daphne has no such file
    processes = [daphne_factory(args=("--proxy-headers",), **env) for _ in range(2)]
    nginx.start(web_ports=[process.port for process in processes], static_root=static_root)
    base = nginx.base_url
    room = made_elsewhere()

    # Plain HTTP is sent to the one HTTPS origin; static files come from collectstatic's folder.
    plain = http.client.HTTPConnection("127.0.0.1", nginx.http_port, timeout=10)
    plain.request("GET", "/accounts/login/?next=/")
    redirect = plain.getresponse()
    assert (redirect.status, redirect.getheader("Location")) == (301, f"{base}/accounts/login/?next=/")
    with urllib.request.urlopen(f"{base}/static/served-by-nginx.txt", context=unverified(), timeout=10) as static:
        assert static.read() == b"nginx"

    context = browser.new_context(ignore_https_errors=True)
    page = context.new_page()
    sockets = []
    page.on("websocket", lambda socket: sockets.append(socket.url))
    try:
        # Log in over https:// (a form POST with its CSRF token and Origin), then switch the language
        # (another form POST); any process may answer any request.
        page.goto(f"{base}/accounts/login/")
        page.fill("input[name=username]", room.host.user.username)
        page.fill("input[name=password]", "x")
        page.click("form:has(input[name=password]) button[type=submit]")
        page.wait_for_url(f"{base}/")
        assert room.host.user.username in page.inner_text(".who")
        with page.expect_navigation():
            page.select_option("form.lang select[name=language]", "id")
        assert page.get_attribute("html", "lang") == "id"
        cookies = {cookie["name"]: cookie for cookie in context.cookies()}
        assert cookies["sessionid"]["secure"] and cookies["csrftoken"]["secure"]

        page.goto(base + room.host.join_path)
        page.wait_for_selector(f'#participants li[data-id="{room.host.pk}"]', timeout=15000)
        assert any(url.startswith(f"wss://127.0.0.1:{nginx.https_port}/ws/rooms/{room.id}/") for url in sockets)
        served_host = wait_for(lambda: [p for p in processes if room_sockets(p, room)], "the room socket's process")
        assert len(served_host) == 1
        other = next(process for process in processes if process is not served_host[0])

        # Participants follow their links through nginx and connect over wss:// until one of them
        # reaches the other process (least_conn sends the next socket there; retries are cheap).
        with joined_on(other, room, nginx) as (attendee, ws, people):
            page.wait_for_selector(f'#participants li[data-id="{attendee.pk}"][data-status="present"]',
                                   timeout=15000)
            assert attendee.name in page.inner_text("#participants")
            until_present(ws, people, room.host.pk)  # and the participant sees the host, served elsewhere
    except Exception:
        print(nginx.log(), *(process.log() for process in processes), sep="\n----\n")
        raise
    finally:
        context.close()


@contextlib.contextmanager
def joined_on(target, room, nginx):
    """(attendee, socket, participants) of the first participant whose socket reaches ``target``."""
    for attendee in room.people:
        visitor = Browser(nginx.base_url, ssl_context=unverified())
        visitor.get(attendee.join_path)
        before = room_sockets(target, room)
        with websockets.sync.client.connect(
            f"wss://127.0.0.1:{nginx.https_port}/ws/rooms/{room.id}/", ssl=unverified(), open_timeout=15,
            additional_headers={"Origin": nginx.base_url, "Cookie": visitor.cookie_header()},
        ) as ws:
            while (message := json.loads(ws.recv(timeout=15)))["type"] != "presence.state":
                pass
            if room_sockets(target, room) > before:
                yield attendee, ws, apply_state(message["participants"])
                return
    raise AssertionError(f"no socket through nginx reached the process on port {target.port}")


def until_present(ws, people: dict, attendee_id) -> None:
    deadline = time.monotonic() + 15
    while str(attendee_id) not in {str(key) for key in people}:
        message = json.loads(ws.recv(timeout=max(0.1, deadline - time.monotonic())))
        if message["type"] == "presence.diff":
            apply_diff(people, message)
