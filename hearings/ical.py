"""What calendars say about hearings: the court's public docket as a subscribable calendar
(METHOD PUBLISH, built with icalendar; only public hearings, nothing in it names a party), and each
participant's role and how to prepare, for their invitations (``invite_guidance``).
"""

import zoneinfo
from datetime import timedelta

from django.conf import settings
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _
from icalendar import Calendar
from icalendar import Event as VEvent

from hearings.models import Court, Hearing, HearingParticipant, Role, Status
from scheduling.guidance import SittingState

# An adjourned hearing will not go on at this sitting (the case continues at the next hearing, with
# its own invitations): like a cancelled one, it is CANCELLED, with the reason in DESCRIPTION.
# A postponed hearing has moved to its new date, where it is confirmed.
_ICAL_STATUS = {Status.CANCELLED: "CANCELLED", Status.ADJOURNED: "CANCELLED"}


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


def invite_guidance(attendee) -> list[str]:
    """Registered with ``scheduling.guidance``: the recipient's role and how to prepare."""
    seat = HearingParticipant.objects.filter(attendee=attendee).first()
    if seat is None:
        return []
    lines = [_("Your role in this hearing: %(role)s.") % {"role": seat.get_role_display()}]
    if seat.role == Role.OBSERVER:
        return lines
    lines += [
        _("Before the hearing: open your personal link on the device you will use and check that the camera, "
          "microphone and connection work."),
        _("Have your identity document (KTP or passport) at hand: the clerk may ask you to show it."),
        _("Have the documents you will refer to ready, and send any new ones to the clerk beforehand."),
    ]
    return lines


def sitting_state(event) -> SittingState | None:
    """Registered with ``scheduling.guidance``: what a hearing's invitations and feeds say of its
    status (translated in the recipient's language by the caller)."""
    hearing = Hearing.objects.filter(event=event).first()
    if hearing is None:
        return None
    reason = hearing.status_reason
    if hearing.status == Status.ADJOURNED:
        note = _("Adjourned: %(reason)s.") % {"reason": reason}
        if hearing.next_at:
            zone = zoneinfo.ZoneInfo(event.timezone)
            note += " " + _("The hearing continues on %(when)s.") % {
                "when": hearing.next_at.astimezone(zone).strftime("%Y-%m-%d %H:%M")
            }
        return SittingState(cancelled=True, note=note)
    if hearing.status == Status.POSTPONED:
        return SittingState(cancelled=False, note=_("Postponed to this date: %(reason)s.") % {"reason": reason})
    if hearing.status == Status.CONCLUDED:
        return SittingState(cancelled=False, note=_("The hearing has concluded."))
    if hearing.status == Status.CANCELLED:
        return SittingState(cancelled=True, note=_("Cancelled: %(reason)s.") % {"reason": reason})
    return None
