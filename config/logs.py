"""Logging that never writes a personal link's secret.

A join, RSVP, observer or calendar-feed token is the whole credential of whoever holds the link,
and so are a class's self-enrolment code and a password-reset token. Access and error logs are
read by more people, and kept longer, than the links' owners would agree to, so every line that
leaves the process shows those paths as ``/join/[redacted]/``, plain or percent-encoded (as in a
login redirect's ``?next=``).

Three writers are covered: every logging record that reaches a handler configured here (Django's
``django.request``, ``django.security.*`` and ``django.server`` among them), uvicorn's access and
error loggers (which keep their own handlers), and Daphne's access log, which Daphne writes to a
stream, not through logging. Daphne builds its access log writer after it has imported the
application, so swapping the class it uses from here covers every Daphne command line (``make
run``'s Procfile, the documented ones, the tests') without a wrapper script.
"""

import contextvars
import json
import logging
import logging.config
import re
import sys
import time
import uuid

from daphne.access import AccessLogGenerator

REDACTED = "[redacted]"
_SLASH = r"(?:/|%2F)"
_SECRET_PATH = re.compile(
    rf"(?P<where>{_SLASH}(?:join|rsvp|calendar|hearings{_SLASH}observe|classrooms{_SLASH}enrol"
    rf"|accounts{_SLASH}reset{_SLASH}[\w-]+){_SLASH})(?P<secret>[^/?#&%.\s\"']+)",
    re.IGNORECASE,
)
# What Django's password reset puts in place of the token once it sits in the session.
_NOT_SECRET = {"set-password"}


def redact(text: str) -> str:
    """The text with every personal link's secret replaced by ``[redacted]``."""

    def replace(match: re.Match) -> str:
        if match["secret"] in _NOT_SECRET:
            return match[0]
        return match["where"] + REDACTED

    return _SECRET_PATH.sub(replace, text)


class RedactTokens(logging.Filter):
    """Rewrites a record whose message or traceback holds a personal link's secret."""

    def filter(self, record: logging.LogRecord) -> bool:
        try:
            message = record.getMessage()
        except (TypeError, ValueError, KeyError):
            return True  # a malformed call: logging reports it as such
        cleaned = redact(message)
        if cleaned != message:
            record.msg, record.args = cleaned, None
        if record.exc_info and not record.exc_text:
            record.exc_text = logging.Formatter().formatException(record.exc_info)
        if record.exc_text:
            record.exc_text = redact(record.exc_text)
        return True


class RedactingAccessLog(AccessLogGenerator):
    """Daphne's NCSA-style access log, with personal links' secrets redacted."""

    def write_entry(self, host, date, request, status=None, length=None, ident=None, user=None):
        super().write_entry(host, date, redact(request), status, length, ident, user)


def configure(config: dict) -> None:
    """Django's LOGGING_CONFIG: apply LOGGING, then redact what uvicorn and Daphne write themselves."""
    logging.config.dictConfig(config)
    for name in ("uvicorn.access", "uvicorn.error"):
        logger = logging.getLogger(name)
        if not any(isinstance(existing, RedactTokens) for existing in logger.filters):
            logger.addFilter(RedactTokens())
    # Only where Daphne's command line runs this process: importing it elsewhere would install
    # Twisted's reactor for nothing.
    daphne_cli = sys.modules.get("daphne.cli")
    if daphne_cli is not None:
        daphne_cli.AccessLogGenerator = RedactingAccessLog


# --- JSON lines and the id of each request or connection -------------------------------------

# The id of the HTTP request or WebSocket connection a line is written for ("" outside both).
LOG_ID: contextvars.ContextVar[str] = contextvars.ContextVar("hadir_log_id", default="")
_GIVEN_ID = re.compile(r"^[A-Za-z0-9._-]{8,64}$")
access_log = logging.getLogger("hadir.access")


class JsonLines(logging.Formatter):
    """One JSON object per line (``LOG_FORMAT=json``), with the request or connection id. The
    redaction filter has run before on the handler; the text is redacted again here, so a
    formatter used without the filter leaks nothing either."""

    def format(self, record: logging.LogRecord) -> str:
        line = {
            "time": self.formatTime(record, "%Y-%m-%dT%H:%M:%S") + f".{int(record.msecs):03d}Z",
            "level": record.levelname,
            "logger": record.name,
            "message": redact(record.getMessage()),
            "id": LOG_ID.get(),
        }
        line.update(getattr(record, "fields", {}))
        if record.exc_info and not record.exc_text:
            record.exc_text = self.formatException(record.exc_info)
        if record.exc_text:
            line["exception"] = redact(record.exc_text)
        return json.dumps(line, ensure_ascii=False, default=str)

    converter = time.gmtime


class LogIds:
    """ASGI middleware: an id for every HTTP request (the proxy's ``X-Request-ID`` when it looks like
    one, else a new one, sent back in the response's ``X-Request-ID``) and every WebSocket
    connection, put on each log line written for it; with ``access`` on, one access line per
    request and per connection (redacted path, status or close code, duration)."""

    def __init__(self, application, *, access: bool):
        self.application = application
        self.access = access

    async def __call__(self, scope, receive, send):
        if scope["type"] not in ("http", "websocket"):
            return await self.application(scope, receive, send)
        given = dict(scope.get("headers") or ()).get(b"x-request-id", b"").decode("latin-1")
        log_id = given if scope["type"] == "http" and _GIVEN_ID.match(given) else uuid.uuid4().hex[:16]
        token = LOG_ID.set(log_id)
        started, outcome = time.monotonic(), {}

        async def send_with_id(message):
            if message["type"] == "http.response.start":
                outcome["status"] = message["status"]
                message = {**message, "headers": [*message.get("headers", ()), (b"x-request-id", log_id.encode())]}
            elif message["type"] == "websocket.close":
                outcome["status"] = message.get("code", 1000)
            elif message["type"] == "websocket.accept":
                outcome.setdefault("status", 101)
            await send(message)

        # A socket's frames (websocket.send) need nothing of this wrapper: a room's delivery sends
        # them to ``send`` itself, one coroutine less per frame (rooms.consumers, rooms.live.frames).
        send_with_id.frames = send  # type: ignore[attr-defined]

        try:
            return await self.application(scope, receive, send_with_id)
        finally:
            if self.access:
                access_log.info(
                    "%s %s %s", scope.get("method", "WS"), redact(scope.get("path", "")), outcome.get("status", "-"),
                    extra={"fields": {"kind": scope["type"], "status": outcome.get("status"),
                                      "duration_ms": round((time.monotonic() - started) * 1000, 1)}},
                )
            LOG_ID.reset(token)
