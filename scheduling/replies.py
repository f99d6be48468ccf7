"""Answers sent from a calendar app: the ORGANIZER address that reaches Hadir, and iTIP REPLY.

Calendar apps send "Accept", "Maybe" and "Decline" as an iTIP REPLY (RFC 5546 §3.2.3) by e-mail
to the invite's ORGANIZER. So each recipient's invite names, as ORGANIZER, an address of their
own at ``HADIR_REPLY_DOMAIN``: ``rsvp-<attendee id>-<mac>@<domain>``, the mac an HMAC of the
attendee's link salt under ``SECRET_KEY`` (lower case: mail servers may fold a local part's
case). Rotating or revoking the person's link replaces the address too; a reply to the old one
is refused. The organiser's name stays the CN, and the e-mail's ``Reply-To`` is the organiser's
own address, so a person who writes back reaches a person.

A reply changes an answer only when all of these hold, else it changes nothing and is logged:
it reached the address of an invited, active attendee; its METHOD is REPLY; its UID is that
attendee's event; its ATTENDEE is the address that attendee was invited at; its SEQUENCE is the
event's current one (lower: answers an invitation that has changed since; higher: never sent);
its PARTSTAT is ACCEPTED, TENTATIVE or DECLINED; and a RECURRENCE-ID names a scheduled sitting.
It is then recorded by ``services.attendee_rsvp``, as the RSVP page records it.
"""

import base64
import hashlib
import hmac
import logging
import re
from dataclasses import dataclass
from datetime import UTC, date, datetime

from django.conf import settings
from icalendar import Calendar

from scheduling import recurrence, services
from scheduling.errors import SchedulingError
from scheduling.models import Attendee, Occurrence

logger = logging.getLogger(__name__)

ANSWERS = {Attendee.Rsvp.ACCEPTED, Attendee.Rsvp.TENTATIVE, Attendee.Rsvp.DECLINED}
_LOCAL_PART = re.compile(r"rsvp-([0-9a-f]{32})-([a-z2-7]{24})")


def _mac(attendee: Attendee) -> str:
    message = f"hadir:reply:{attendee.pk.hex}:{attendee.join_token_salt}".encode()
    digest = hmac.new(settings.SECRET_KEY.encode(), message, hashlib.sha256).digest()
    return base64.b32encode(digest).decode().lower()[:24]  # 120 bits


def reply_address(attendee: Attendee) -> str:
    """The address this attendee's calendar answers to (the ORGANIZER of their invites)."""
    return f"rsvp-{attendee.pk.hex}-{_mac(attendee)}@{settings.HADIR_REPLY_DOMAIN}"


def is_reply_address(address: str) -> bool:
    local, _, domain = address.strip().strip("<>").lower().rpartition("@")
    return domain == settings.HADIR_REPLY_DOMAIN and bool(_LOCAL_PART.fullmatch(local))


def attendee_for_reply_address(address: str) -> Attendee | None:
    """The active attendee whose reply address this is, or None (unknown, forged or replaced)."""
    local, _, domain = address.strip().strip("<>").lower().rpartition("@")
    match = _LOCAL_PART.fullmatch(local)
    if domain != settings.HADIR_REPLY_DOMAIN or match is None:
        return None
    attendee = Attendee.objects.select_related("event", "user").filter(pk=match[1]).first()
    if attendee is None or not hmac.compare_digest(_mac(attendee), match[2]) or not attendee.is_active:
        return None
    return attendee


@dataclass(frozen=True)
class ReplyResult:
    """What one VEVENT of a reply did: ``applied`` with the answer, or why it changed nothing."""

    applied: bool
    reason: str
    attendee_id: str = ""
    rsvp: str = ""
    occurrence_id: str = ""


def _refused(reason: str, attendee: Attendee | None = None, **context) -> ReplyResult:
    logger.warning(
        "calendar reply refused: %s (attendee %s) %s",
        reason, attendee.pk if attendee else "-", " ".join(f"{k}={v}" for k, v in context.items()),
    )
    return ReplyResult(applied=False, reason=reason, attendee_id=str(attendee.pk) if attendee else "")


def _addresses(component, name: str) -> list:
    value = component.get(name)
    if value is None:
        return []
    return value if isinstance(value, list) else [value]


def _mailto(value) -> str:
    text = str(value).strip()
    return text[7:].lower() if text.lower().startswith("mailto:") else text.lower()


def _instant(value) -> datetime:
    if isinstance(value, datetime):
        return value.astimezone(UTC) if value.tzinfo else value.replace(tzinfo=UTC)
    if isinstance(value, date):
        return datetime(value.year, value.month, value.day, tzinfo=UTC)
    raise ValueError(value)


def _sitting(attendee: Attendee, component) -> Occurrence | None:
    """The scheduled sitting a RECURRENCE-ID names (a floating value is read in the event's zone)."""
    value = component["RECURRENCE-ID"].dt
    if isinstance(value, datetime) and value.tzinfo is None:
        value = value.replace(tzinfo=recurrence.zone_for(attendee.event.timezone))
    return attendee.event.occurrences.filter(
        recurrence_id=_instant(value), status=Occurrence.Status.SCHEDULED
    ).first()


def _apply_one(attendee: Attendee, component) -> ReplyResult:
    event = attendee.event
    uid = str(component.get("UID", ""))
    if uid != event.uid:
        return _refused("unknown UID", attendee, uid=uid)
    invited = (attendee.email or (attendee.user.email if attendee.user_id else "")).lower()
    lines = [line for line in _addresses(component, "ATTENDEE") if _mailto(line) == invited]
    if not invited or len(lines) != 1:
        return _refused("ATTENDEE is not the invited address", attendee)
    sequence = int(component.get("SEQUENCE", 0))
    if sequence != event.sequence:
        return _refused("stale" if sequence < event.sequence else "unknown SEQUENCE", attendee, sequence=sequence)
    answer = str(lines[0].params.get("PARTSTAT", "")).upper()
    if answer not in ANSWERS:
        return _refused("no answer in PARTSTAT", attendee, partstat=answer)
    occurrence = None
    if "RECURRENCE-ID" in component:
        try:
            occurrence = _sitting(attendee, component)
        except (ValueError, TypeError):
            occurrence = None
        if occurrence is None:
            return _refused("RECURRENCE-ID names no scheduled sitting", attendee)
    comment = str(component.get("COMMENT", "") or "")
    try:
        services.attendee_rsvp(attendee=attendee, rsvp=answer, occurrence=occurrence, comment=comment)
    except SchedulingError as exc:
        return _refused(" ".join(exc.messages), attendee)
    sitting = occurrence.pk if occurrence else "series"
    logger.info("calendar reply recorded: attendee %s %s %s", attendee.pk, answer, sitting)
    return ReplyResult(
        applied=True, reason="", attendee_id=str(attendee.pk), rsvp=answer,
        occurrence_id=str(occurrence.pk) if occurrence else "",
    )


def itip_reply_apply(*, calendar: bytes, recipients: list[str]) -> list[ReplyResult]:
    """Apply one iTIP REPLY that was sent to ``recipients`` (the envelope or header addresses);
    one result per VEVENT, or one refusal for the whole message."""
    attendee = next(filter(None, (attendee_for_reply_address(address) for address in recipients)), None)
    if attendee is None:
        return [_refused("no invited attendee's reply address among the recipients", recipients=",".join(recipients))]
    try:
        parsed = Calendar.from_ical(calendar)
    except (ValueError, IndexError, KeyError):
        return [_refused("not iCalendar", attendee)]
    if str(parsed.get("METHOD", "")).upper() != "REPLY":
        return [_refused("METHOD is not REPLY", attendee, method=parsed.get("METHOD", ""))]
    components = list(parsed.walk("VEVENT"))
    if not components:
        return [_refused("no VEVENT", attendee)]
    # The series first: an answer to the series replaces the sittings' own, which follow it.
    components.sort(key=lambda component: "RECURRENCE-ID" in component)
    return [_apply_one(attendee, component) for component in components]
