"""The court's public docket as a subscribable calendar (METHOD PUBLISH), built with icalendar.

Only public hearings; nothing in it names a party.
"""

from datetime import timedelta

from django.conf import settings
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _
from icalendar import Calendar
from icalendar import Event as VEvent

from hearings.models import Court, Hearing, Status

_ICAL_STATUS = {Status.CANCELLED: "CANCELLED", Status.POSTPONED: "CONFIRMED"}


def docket_calendar(*, court: Court, hearings) -> Calendar:
    calendar = Calendar()
    calendar.add("prodid", "-//Hadir//Public docket//EN")
    calendar.add("version", "2.0")
    calendar.add("method", "PUBLISH")
    name = _("Public docket: %(court)s") % {"court": court.name}
    calendar.add("x-wr-calname", name)
    calendar.add("name", name)
    calendar.add("x-wr-timezone", court.timezone)
    calendar.add("refresh-interval", timedelta(minutes=15), parameters={"VALUE": "DURATION"})
    calendar.add("x-published-ttl", "PT15M")
    page = f"{settings.HADIR_BASE_URL}{reverse('hearings:docket', args=[court.slug])}"
    stamp = timezone.now()
    for hearing in hearings:
        calendar.add_component(_vevent(hearing, page=page, stamp=stamp))
    return calendar


def _vevent(hearing: Hearing, *, page: str, stamp) -> VEvent:
    event = VEvent()
    event.add("uid", f"docket-{hearing.event.uid}")
    event.add("dtstamp", stamp)
    event.add("sequence", hearing.event.sequence)
    event.add("dtstart", hearing.occurrence.start)
    event.add("dtend", hearing.occurrence.end)
    event.add("summary", f"{hearing.case.number} ({hearing.case.get_case_type_display()}): {hearing.agenda}")
    event.add("location", hearing.courtroom)
    lines = [_("Status: %(status)s") % {"status": hearing.get_status_display()}]
    if hearing.status_reason and hearing.status in (Status.POSTPONED, Status.ADJOURNED, Status.CANCELLED):
        lines.append(_("Reason: %(reason)s") % {"reason": hearing.status_reason})
    event.add("description", "\n".join(lines))
    event.add("url", page)
    event.add("status", _ICAL_STATUS.get(hearing.status, "CONFIRMED"))
    return event


def docket_calendar_bytes(*, court: Court, hearings) -> bytes:
    return docket_calendar(court=court, hearings=hearings).to_ical()
