"""Scheduling's failures: one exception type per kind, each carrying a translated message.

``SchedulingError`` is the project's ``InvalidInput`` (``config.errors``), and so a Django
``ValidationError``: forms show it on the field it names and the API
(``config.api.exception_handler``) answers 400 with the same field errors. ``NotAllowed`` is the
project's ``Forbidden`` (a 403).
"""

import zoneinfo

from django.utils.translation import gettext as _

from config.errors import Forbidden, InvalidInput
from config.templatetags.hadir import zone_abbreviation


class SchedulingError(InvalidInput):
    """Bad input to a scheduling service; nothing was changed."""


class Conflict(SchedulingError):
    """The requested time overlaps other sittings of the same people or resource.

    ``clashes`` are the clashing sittings the caller may see (they organise or attend them), named
    with their title and time. ``busy`` are the caller's own requested (start, end) windows that
    overlap sittings they may not see: like free/busy, those say only "busy", never whose sitting,
    its title or its exact time. ``zone`` is the requested event's zone, to show ``busy`` in.
    """

    def __init__(self, clashes, *, busy=(), zone: str = "UTC"):
        self.clashes = list(clashes)
        self.busy = sorted(busy)
        parts = []
        if self.clashes:
            parts.append(_("This overlaps with: %(names)s") % {
                "names": _listed([f"{clash.event.title} ({_when(clash.start, clash.event.timezone)})"
                                  for clash in self.clashes])
            })
        if self.busy:
            parts.append(_("Someone invited, or the resource, is busy at: %(times)s") % {
                "times": _listed([_when(start, zone) for start, _end in self.busy])
            })
        super().__init__(" ".join(parts), field="start", code="conflict")


def _listed(items: list[str]) -> str:
    text = "; ".join(items[:5])
    if len(items) > 5:
        text += " " + _("and %(count)d more") % {"count": len(items) - 5}
    return text


def _when(instant, zone: str) -> str:
    """An instant in a zone, e.g. ``2027-03-01 09:00 WITA``."""
    try:
        local = instant.astimezone(zoneinfo.ZoneInfo(zone))
    except (zoneinfo.ZoneInfoNotFoundError, ValueError, OSError):
        return f"{instant:%Y-%m-%d %H:%M} UTC"
    return f"{local:%Y-%m-%d %H:%M} {zone_abbreviation(zone, instant)}"


class NotAllowed(Forbidden):
    """The person may not make this change; the message says why (a 403 in the API)."""
