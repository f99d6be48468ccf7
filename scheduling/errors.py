"""Scheduling's failures: one exception type per kind, each carrying a translated message.

``SchedulingError`` is a Django ``ValidationError``: forms show it on the field it names and the
API (``config.api.exception_handler``) answers 400 with the same field errors.
"""

import zoneinfo

from django.core.exceptions import PermissionDenied, ValidationError
from django.utils.translation import gettext as _

from config.templatetags.hadir import zone_abbreviation


class SchedulingError(ValidationError):
    """Bad input to a scheduling service; nothing was changed."""

    def __init__(self, message, *, field: str | None = None, code: str = "invalid"):
        super().__init__({field: [ValidationError(message, code=code)]} if field else message, code=code)


class Conflict(SchedulingError):
    """The requested time overlaps other sittings of the same people or resource."""

    def __init__(self, clashes):
        self.clashes = list(clashes)
        names = "; ".join(f"{clash.event.title} ({_when(clash)})" for clash in self.clashes[:5])
        more = len(self.clashes) - 5
        message = _("This overlaps with: %(names)s") % {"names": names}
        if more > 0:
            message += " " + _("and %(count)d more") % {"count": more}
        super().__init__(message, field="start", code="conflict")


def _when(occurrence) -> str:
    """A sitting's start in its event's zone, e.g. ``2027-03-01 09:00 WITA``."""
    zone = occurrence.event.timezone
    try:
        local = occurrence.start.astimezone(zoneinfo.ZoneInfo(zone))
    except (zoneinfo.ZoneInfoNotFoundError, ValueError):
        return f"{occurrence.start:%Y-%m-%d %H:%M} UTC"
    return f"{local:%Y-%m-%d %H:%M} {zone_abbreviation(zone, occurrence.start)}"


class NotAllowed(PermissionDenied):
    """The person may not make this change; the message says why (a 403 in the API)."""
