"""The project's one error story: every app's errors derive from ``HadirError``.

A service raises one exception per kind of failure, carrying a ``code`` (a short word a client
may switch on), a translated ``message`` and, for bad input, the ``field`` it concerns. Three kinds
say what the caller did wrong, and each is answered in one place (``config.api.exception_handler``
for the API, ``config.middleware.HadirErrorMiddleware`` for pages, the room consumer for sockets):

- ``InvalidInput`` — also a Django ``ValidationError``, so that forms show it on the field it
  names and the API answers 400 with the same field errors (``scheduling``, ``classrooms`` and
  ``hearings`` raised ValidationErrors before there was a project base; keeping them
  ValidationErrors keeps every form and every 400 as it was);
- ``Forbidden`` — also a Django ``PermissionDenied``: a 403;
- ``NotFound`` — a 404 (the object does not exist, or the caller may not know that it does).
  Services never raise ``Http404``: that is the views' word.

Any other ``HadirError`` is bad input without a field (a 400).
"""

from typing import Any

from django.core.exceptions import PermissionDenied, ValidationError


class HadirError(Exception):
    code = "invalid"
    field: str | None = None

    def __init__(self, message: str = "", *, code: str | None = None, field: str | None = None):
        super().__init__(message)
        self.message = message
        if code is not None:
            self.code = code
        self.field = field


class InvalidInput(HadirError, ValidationError):
    """Bad input, nothing changed. ``message`` is a text (shown on ``field``, or on the form) or, as
    a ValidationError takes it, a dict of texts per field."""

    code: str
    message: str

    def __init__(self, message: str | dict[str, Any], *, field: str | None = None, code: str = "invalid"):
        ValidationError.__init__(
            self, {field: [ValidationError(message, code=code)]} if field else message, code=code
        )
        self.code, self.field = code, field
        if isinstance(message, dict) and len(message) == 1:
            self.field = next(iter(message))


class Forbidden(HadirError, PermissionDenied):
    """The person may not do this; the message says why (a 403)."""

    code = "forbidden"


class NotFound(HadirError):
    """No such object, or none the person may know of (a 404)."""

    code = "not_found"
