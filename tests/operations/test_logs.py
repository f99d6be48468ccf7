"""LOG_FORMAT=json (issue 14): one JSON object per line, with the request or connection id, and the
personal links' secrets redacted as in plain lines; Sentry events scrubbed the same way."""

import io
import json
import logging
import os
import subprocess
import sys

import pytest
from channels.testing import HttpCommunicator

from config import sentry
from config.asgi import application
from config.logs import LOG_ID, JsonLines, LogIds, RedactTokens

SECRET = "Zq9sEcReTtOkEn0123456789abcdefghijkLMNOPQRSTUV"
ROOT = os.path.dirname(os.path.dirname(os.path.dirname(__file__)))


def json_logger() -> tuple[logging.Logger, io.StringIO]:
    stream = io.StringIO()
    handler = logging.StreamHandler(stream)
    handler.setFormatter(JsonLines())
    handler.addFilter(RedactTokens())
    logger = logging.getLogger("hadir.test.json")
    logger.handlers, logger.propagate = [handler], False
    logger.setLevel(logging.INFO)
    return logger, stream


def test_a_json_line_carries_the_id_and_no_secret():
    logger, stream = json_logger()
    token = LOG_ID.set("req-12345678")
    try:
        logger.warning("GET /join/%s/ refused", SECRET)
        try:
            raise ValueError(f"bad link /calendar/{SECRET}.ics")
        except ValueError:
            logger.exception("failed")
    finally:
        LOG_ID.reset(token)
    first, second = (json.loads(line) for line in stream.getvalue().splitlines())
    assert first["message"] == "GET /join/[redacted]/ refused" and first["id"] == "req-12345678"
    assert first["level"] == "WARNING" and first["logger"] == "hadir.test.json" and first["time"].endswith("Z")
    assert "/calendar/[redacted]" in second["exception"] and SECRET not in stream.getvalue()


@pytest.mark.django_db
async def test_every_request_gets_an_id_on_its_lines_and_in_its_answer(caplog):
    app = LogIds(application.application, access=True)
    with caplog.at_level(logging.INFO, logger="hadir.access"):
        given = HttpCommunicator(app, "GET", f"/join/{SECRET}/", headers=[
            (b"host", b"127.0.0.1"), (b"x-request-id", b"proxy-req-0001")])
        answer = await given.get_response(timeout=10)
        await given.wait(timeout=5)
        fresh = HttpCommunicator(
            app, "GET", "/", headers=[(b"host", b"127.0.0.1"), (b"x-request-id", b"bad id!")]
        )
        fresh_answer = await fresh.get_response(timeout=10)
        await fresh.wait(timeout=5)
    assert dict(answer["headers"])[b"x-request-id"] == b"proxy-req-0001"
    fresh_id = dict(fresh_answer["headers"])[b"x-request-id"].decode()
    assert fresh_id != "bad id!" and len(fresh_id) == 16
    lines = [record for record in caplog.records if record.name == "hadir.access"]
    assert [record.fields["status"] for record in lines] == [404, 200]
    assert all(SECRET not in record.getMessage() for record in lines)
    formatted = [json.loads(JsonLines().format(record)) for record in lines]
    assert formatted[0]["message"] == "GET /join/[redacted]/ 404"


def test_the_settings_switch_to_json_lines():
    script = (
        "import django, logging; django.setup(); "
        f"logging.getLogger('hadir.probe').error('open /join/{SECRET}/ failed')"
    )
    env = {**os.environ, "DJANGO_SETTINGS_MODULE": "config.settings", "DEBUG": "1", "LOG_FORMAT": "json"}
    env.pop("DATABASE_URL", None)
    done = subprocess.run([sys.executable, "-c", script], cwd=ROOT, env=env, capture_output=True, text=True, timeout=60)
    line = json.loads(done.stderr.strip().splitlines()[-1])
    assert line["message"] == "open /join/[redacted]/ failed" and line["logger"] == "hadir.probe"
    bad = subprocess.run([sys.executable, "-c", script], cwd=ROOT, env={**env, "LOG_FORMAT": "xml"},
                         capture_output=True, text=True, timeout=60)
    assert bad.returncode == 1 and "LOG_FORMAT" in bad.stderr


def test_sentry_events_are_scrubbed_before_they_leave():
    event = {
        "message": f"GET /join/{SECRET}/",
        "exception": {"values": [{"type": "ValueError", "value": f"no feed /calendar/{SECRET}.ics",
                                  "stacktrace": {"frames": [{"vars": {"path": f"/join/{SECRET}/", "n": 3}}]}}]},
        "request": {"url": f"https://hadir.example/join/{SECRET}/", "query_string": f"next=%2Fjoin%2F{SECRET}%2F",
                    "cookies": {"sessionid": "abc"},
                    "headers": {"Authorization": "Bearer x", "Cookie": "sessionid=abc", "User-Agent": "t"}},
        "breadcrumbs": {"values": [{"message": f"/hearings/observe/{SECRET}/"}]},
    }
    cleaned = sentry.before_send(event, {})
    text = json.dumps(cleaned)
    assert SECRET not in text and "sessionid" not in text and "Bearer" not in text
    assert cleaned["request"]["headers"]["User-Agent"] == "t"
    assert cleaned["exception"]["values"][0]["stacktrace"]["frames"][0]["vars"]["n"] == 3


def test_a_sentry_dsn_starts_sentry_with_the_scrubber():
    script = (
        "import django; django.setup(); import sentry_sdk, config.sentry as s; "
        "o = sentry_sdk.get_client().options; "
        "print(o['before_send'] is s.before_send, o['environment'])"
    )
    env = {**os.environ, "DJANGO_SETTINGS_MODULE": "config.settings", "DEBUG": "1",
           "SENTRY_DSN": "http://public@127.0.0.1:9/1", "SENTRY_ENVIRONMENT": "test"}
    env.pop("DATABASE_URL", None)
    done = subprocess.run([sys.executable, "-c", script], cwd=ROOT, env=env, capture_output=True, text=True, timeout=60)
    assert done.stdout.split() == ["True", "test"], done.stderr
