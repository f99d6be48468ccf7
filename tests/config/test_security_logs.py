"""Personal links' secrets never reach a log: Daphne's access log, Django's request and security
loggers and uvicorn's access log show `/join/[redacted]/` where the link had its token."""

import logging
import secrets
import sys
import time
import urllib.error
import urllib.request

import pytest

from config.logs import RedactTokens, redact
from tests.support import daphne as daphne_support

pytestmark = pytest.mark.e2e

SECRET = "tok" + secrets.token_hex(16)
PATHS = [
    f"/join/{SECRET}/",
    f"/rsvp/{SECRET}/?answer=DECLINED",
    f"/hearings/observe/{SECRET}/",
    f"/calendar/{SECRET}.ics",
    f"/classrooms/enrol/{SECRET}/",  # anonymous: redirected to the login page with ?next=/classrooms/enrol/…
    f"/accounts/reset/MQ/{SECRET}/",
    f"/accounts/login/?next=/join/{SECRET}/",
    f"/accounts/login/?next=%2Frsvp%2F{SECRET}%2F",
]


def visit(base_url: str) -> None:
    for path in PATHS:
        try:
            urllib.request.urlopen(base_url + path, timeout=10).close()
        except urllib.error.HTTPError as answer:
            assert answer.code < 500, (path, answer.code)


def settled_log(server, lines: int) -> str:
    """The server's output once it holds an access log line per request (they are written after the response)."""
    deadline = time.monotonic() + 10
    while time.monotonic() < deadline:
        text = server.log_path.read_text(errors="replace")
        if text.count('"GET /') >= lines:
            return text
        time.sleep(0.1)
    return server.log_path.read_text(errors="replace")


def test_daphne_access_and_error_logs_show_no_token(daphne_server):
    visit(daphne_server.base_url)
    log = settled_log(daphne_server, len(PATHS) + 1)  # + the login page the enrol link redirects to
    assert SECRET not in log
    assert '"GET /join/[redacted]/' in log and '"GET /calendar/[redacted].ics' in log
    assert "?next=/classrooms/enrol/[redacted]/" in log and "?next=%2Frsvp%2F[redacted]%2F" in log
    assert "Not Found: /hearings/observe/[redacted]/" in log  # django.request's warning, redacted too


class UvicornWithAccessLog(daphne_support.DaphneServer):
    def command(self) -> list[str]:
        return [sys.executable, "-m", "uvicorn", "config.asgi:application", "--host", "127.0.0.1",
                "--port", str(self.port), "--lifespan", "off", "--ws", "websockets-sansio", "--log-level", "info"]


def test_uvicorn_access_log_shows_no_token(transactional_db, tmp_path):
    server = UvicornWithAccessLog(log_dir=tmp_path)
    server.start()
    try:
        visit(server.base_url)
        log = settled_log(server, len(PATHS) + 1)
    finally:
        server.stop()
    assert SECRET not in log
    assert '"GET /join/[redacted]/ HTTP/1.1" 404' in log


def test_redaction_keeps_everything_but_the_secret():
    assert redact(f"GET /join/{SECRET}/ 200") == "GET /join/[redacted]/ 200"
    assert redact(f"/calendar/{SECRET}.ics") == "/calendar/[redacted].ics"
    assert redact(f"?next=%2FJOIN%2F{SECRET}%2F") == "?next=%2FJOIN%2F[redacted]%2F"
    assert redact(f"/accounts/reset/MQ/{SECRET}/") == "/accounts/reset/MQ/[redacted]/"
    assert redact("/accounts/reset/MQ/set-password/") == "/accounts/reset/MQ/set-password/"
    assert redact("/rooms/0b8e0c9e-5d0c-4c59-a3b8-2f0d5d6e1c11/") == "/rooms/0b8e0c9e-5d0c-4c59-a3b8-2f0d5d6e1c11/"


def test_a_traceback_naming_a_link_is_redacted_too():
    try:
        raise ValueError(f"bad link /join/{SECRET}/")
    except ValueError:
        record = logging.LogRecord("django.request", logging.ERROR, __file__, 1, "Error: %s", (f"/rsvp/{SECRET}/",),
                                   sys.exc_info())
    RedactTokens().filter(record)
    text = logging.Formatter().format(record)
    assert SECRET not in text and "/rsvp/[redacted]/" in text and "/join/[redacted]/" in text
