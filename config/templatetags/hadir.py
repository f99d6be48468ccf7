"""Template helpers every page shares: time zones (the short name people know: WIB, WITA, WIT) and
numbers written into SVG and CSS."""

import zoneinfo
from datetime import datetime

from django import template
from django.templatetags.tz import do_timezone
from django.utils import timezone

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
