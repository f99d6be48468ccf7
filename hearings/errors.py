"""What can go wrong with a hearing, one exception per kind; views show the translated message.

``HearingError`` is a Django ``ValidationError`` (like ``scheduling.errors.SchedulingError``),
so forms show it on the field it names and the API answers 400 with the same field errors.
"""

from django.core.exceptions import PermissionDenied, ValidationError


class HearingError(ValidationError):
    """Bad input for a hearing service: nothing was changed."""

    def __init__(self, message, *, field: str | None = None, code: str = "invalid"):
        super().__init__({field: [ValidationError(message, code=code)]} if field else message, code=code)


class HearingForbidden(PermissionDenied):
    """The person may not do this to this hearing; the message says why (a 403 in the API)."""
