"""Calendar replies that arrive by e-mail: find the iTIP part of an RFC 822 message and apply it.

The mail server hands Hadir every message for ``HADIR_REPLY_DOMAIN`` (``manage.py mail_listen``,
SMTP or LMTP), or an operator feeds saved messages to ``manage.py mail_ingest``. Whom a message
was for is the envelope's recipients when there is an envelope, else its ``Delivered-To``,
``X-Original-To``, ``To`` and ``Cc`` headers; ``scheduling.replies`` decides what it may change.
"""

import email
import email.policy
import logging
from dataclasses import dataclass, field
from email.message import EmailMessage
from email.utils import getaddresses

from scheduling.replies import ReplyResult, itip_reply_apply

logger = logging.getLogger(__name__)

RECIPIENT_HEADERS = ("Delivered-To", "X-Original-To", "Envelope-To", "To", "Cc")
CALENDAR_TYPES = ("text/calendar", "application/ics")
MAX_BYTES = 2 * 1024 * 1024


@dataclass
class Ingested:
    message_id: str = ""
    results: list[ReplyResult] = field(default_factory=list)

    @property
    def applied(self) -> int:
        return sum(result.applied for result in self.results)


def _recipients(message: EmailMessage) -> list[str]:
    values = [str(value) for name in RECIPIENT_HEADERS for value in message.get_all(name, [])]
    return [address for _, address in getaddresses(values) if address]


def calendars_in(message: EmailMessage) -> list[bytes]:
    """The calendar parts, the inline ``text/calendar`` first; one copy of each (Gmail attaches the
    same text again as ``invite.ics``)."""
    found: list[bytes] = []
    parts = sorted(message.walk(), key=lambda part: part.get_content_disposition() == "attachment")
    for part in parts:
        if part.is_multipart() or part.get_content_type() not in CALENDAR_TYPES:
            continue
        payload = part.get_payload(decode=True) or b""
        normalised = payload.replace(b"\r\n", b"\n").strip()
        if normalised and all(normalised != other.replace(b"\r\n", b"\n").strip() for other in found):
            found.append(payload)
    return found


def message_ingest(*, raw: bytes, recipients: list[str] | None = None) -> Ingested:
    """Apply every iTIP REPLY in one e-mail. Nothing in it is trusted beyond what
    ``scheduling.replies`` checks; a message with no calendar changes nothing and is logged."""
    if len(raw) > MAX_BYTES:
        logger.warning("calendar reply refused: message of %d bytes is too large", len(raw))
        return Ingested()
    message = email.message_from_bytes(raw, policy=email.policy.default)
    outcome = Ingested(message_id=str(message.get("Message-ID", "")))
    addresses = list(recipients or ()) or _recipients(message)
    calendars = calendars_in(message)
    if not calendars:
        logger.warning("calendar reply refused: no calendar part in %s", outcome.message_id or "a message")
    for calendar in calendars:
        outcome.results.extend(itip_reply_apply(calendar=calendar, recipients=addresses))
    return outcome
