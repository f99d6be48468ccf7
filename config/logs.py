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

import logging
import logging.config
import re
import sys

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
