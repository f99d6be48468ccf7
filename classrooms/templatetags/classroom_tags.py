"""Times of class meetings: in the school's zone, and in the viewer's too when it differs."""

import zoneinfo
from datetime import datetime

from django import template
from django.utils import dateformat, timezone

from config.templatetags.hadir import zone_abbreviation

register = template.Library()


def _in(value: datetime, zone_name: str) -> datetime:
    return value.astimezone(zoneinfo.ZoneInfo(zone_name))


@register.filter
def when(value: datetime | None, zone_name: str) -> str:
    """ "Mon 7 Dec 2026 07:30 WIB", followed by the viewer's time when their zone differs."""
    if value is None:
        return "–"
    text = f"{dateformat.format(_in(value, zone_name), 'D j M Y H:i')} {zone_abbreviation(zone_name, value)}"
    viewer = timezone.get_current_timezone_name()
    if viewer != zone_name:
        text += f" ({dateformat.format(_in(value, viewer), 'H:i')} {zone_abbreviation(viewer, value)})"
    return text


@register.filter
def clock(value: datetime | None, zone_name: str) -> str:
    """ "07:34:10" in the school's zone: for first-join and last-leave columns."""
    return dateformat.format(_in(value, zone_name), "H:i:s") if value else "–"


@register.filter
def hm(value: datetime | None, zone_name: str) -> str:
    """ "09:00" in the school's zone: the end of a meeting shown after its start."""
    return dateformat.format(_in(value, zone_name), "H:i") if value else "–"
