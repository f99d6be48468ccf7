"""Errors to Sentry (``SENTRY_DSN``), never a personal link's secret.

Every string of an event (messages, exception values, stack frames' variables, breadcrumbs,
the request's URL and query string) goes through ``config.logs.redact``, as log lines do; the
request's cookies and ``Authorization`` header are dropped. No personal data is sent by default.
"""

from __future__ import annotations

from config.logs import REDACTED, redact

_DROPPED_HEADERS = {"authorization", "cookie", "x-csrftoken"}


def scrub(value):
    """The value with every personal link's secret redacted, whatever its nesting."""
    if isinstance(value, str):
        return redact(value)
    if isinstance(value, dict):
        return {key: scrub(item) for key, item in value.items()}
    if isinstance(value, list | tuple):
        return [scrub(item) for item in value]
    return value


def before_send(event: dict, hint: dict | None = None) -> dict:
    request = event.get("request")
    if isinstance(request, dict):
        request.pop("cookies", None)
        headers = request.get("headers")
        if isinstance(headers, dict):
            request["headers"] = {
                name: (REDACTED if name.lower() in _DROPPED_HEADERS else value) for name, value in headers.items()
            }
    return scrub(event)


def start(*, dsn: str, environment: str, traces_sample_rate: float) -> None:
    import sentry_sdk

    sentry_sdk.init(
        dsn=dsn, environment=environment, traces_sample_rate=traces_sample_rate,
        before_send=before_send, before_breadcrumb=lambda crumb, hint: scrub(crumb),
    )
