"""Template helpers every page shares: moments written one way (``moment_text``: the page's
language, a zone, always its label: WIB, WITA, WIT or the zone's abbreviation) and numbers written
into SVG and CSS."""

import zoneinfo
from datetime import datetime

from django import template
from django.templatetags.tz import do_timezone
from django.utils import dateformat, timezone
from django.utils.translation import pgettext

register = template.Library()

# The abbreviations Indonesians use; tzdata itself only knows "+07" and friends for some zones.
INDONESIAN_ZONES = {
    "Asia/Jakarta": "WIB", "Asia/Pontianak": "WIB",
    "Asia/Makassar": "WITA", "Asia/Ujung_Pandang": "WITA",
    "Asia/Jayapura": "WIT",
}


def zone_abbreviation(zone_name: str, at: datetime | None = None) -> str:
    if zone_name in INDONESIAN_ZONES:
        return INDONESIAN_ZONES[zone_name]
    try:
        zone = zoneinfo.ZoneInfo(zone_name)
    except (zoneinfo.ZoneInfoNotFoundError, ValueError):
        return zone_name
    return (at or timezone.now()).astimezone(zone).tzname() or zone_name


def moment_text(value: datetime | None, zone_name: str = "", *, date: bool = True, seconds: bool = False) -> str:
    """The one way Hadir writes a moment: "Mon 7 Dec 2026 07:30 WIB" (the format is the language's:
    a translation of the pattern below), in ``zone_name`` or else the viewer's zone."""
    if value is None:
        return "–"
    zone_name = zone_name or timezone.get_current_timezone_name()
    try:
        local = value.astimezone(zoneinfo.ZoneInfo(zone_name))
    except (zoneinfo.ZoneInfoNotFoundError, ValueError):
        zone_name = timezone.get_current_timezone_name()
        local = timezone.localtime(value)
    clock = pgettext("time format (Django date syntax)", "H:i:s" if seconds else "H:i")
    pattern = f'{pgettext("date format (Django date syntax)", "D j M Y")} {clock}' if date else clock
    return f"{dateformat.format(local, pattern)} {zone_abbreviation(zone_name, value)}"


@register.filter
def at(value: datetime | None, zone_name: str = "") -> str:
    """ "Mon 7 Dec 2026 07:30 WIB": a moment in a zone (the event's, the court's), or the viewer's."""
    return moment_text(value, zone_name)


@register.filter
def when(value: datetime | None, zone_name: str) -> str:
    """As ``at``, followed by the viewer's own time when their zone differs:
    "Mon 7 Dec 2026 07:30 WITA (06:30 WIB)"."""
    text = moment_text(value, zone_name)
    viewer = timezone.get_current_timezone_name()
    if value is not None and viewer != zone_name:
        text += f" ({moment_text(value, viewer, date=False)})"
    return text


@register.filter
def hm(value: datetime | None, zone_name: str = "") -> str:
    """ "09:00 WIB": the clock time alone (an end shown after its start)."""
    return moment_text(value, zone_name, date=False)


@register.filter
def clock(value: datetime | None, zone_name: str = "") -> str:
    """ "07:34:10 WIB": to the second (joins and leaves, the status log)."""
    return moment_text(value, zone_name, date=False, seconds=True)


@register.filter
def stamp(value: datetime | None, zone_name: str = "") -> str:
    """ "Mon 7 Dec 2026 07:34:10 WIB": a logged moment to the second."""
    return moment_text(value, zone_name, seconds=True)


@register.simple_tag
def current_zone() -> str:
    name = timezone.get_current_timezone_name()
    return f"{zone_abbreviation(name)} ({name})"


@register.filter
def zone_abbr(zone_name: str) -> str:
    return zone_abbreviation(zone_name)


@register.filter
def in_zone(value: datetime, zone_name: str) -> datetime:
    """Show an instant in a given IANA zone (the event's), not the viewer's."""
    try:
        zone = zoneinfo.ZoneInfo(zone_name)
        value.astimezone(zone)
    except (zoneinfo.ZoneInfoNotFoundError, ValueError, AttributeError):
        return value
    # Django's own ``timezone`` filter marks the result so that ``date``/``time`` keep this zone
    # instead of converting back to the viewer's.
    return do_timezone(value, zone)


def svg_number(value) -> str:
    """A number as SVG and CSS read it: a dot before the decimals and no grouping, whatever the
    page's language (Django writes ``63,3`` in Indonesian, which an SVG reader drops)."""
    if isinstance(value, bool) or value is None or value == "":
        return "0"
    number = float(value)
    if number.is_integer():
        return str(int(number))
    return f"{number:.2f}".rstrip("0").rstrip(".")


@register.filter(name="svg_number")
def svg_number_filter(value) -> str:
    return svg_number(value)
