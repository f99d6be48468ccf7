"""What a room's client may send (PROTOCOL.md): the size and rate limits, and the readers of the
messages and their fields. A reader returns the value or raises ``Invalid`` with a translated
message and changes nothing; the consumer answers with an ``error`` frame.
"""

from __future__ import annotations

import collections
import json
import time
import uuid
from datetime import datetime
from typing import Any

from django.utils.dateparse import parse_datetime
from django.utils.translation import gettext as _

from rooms.errors import Invalid
from rooms.presence import AUDIENCE_PAGE_MAX, MEDIA_FLAGS, QUALITY_LEVELS
from rooms.services import CHAT_MAX_LENGTH
from scheduling.text import has_control_characters

MAX_MESSAGE_BYTES = 64 * 1024
RATE_PER_SECOND = 20.0
# Refused messages within the window after which the socket is closed with 4429.
RATE_STRIKES, RATE_STRIKE_WINDOW = 20, 2.0


class RateLimit:
    """A socket's message budget: ``RATE_PER_SECOND`` tokens a second; each refusal is a strike."""

    __slots__ = ("last_refill", "strikes", "tokens")

    def __init__(self) -> None:
        self.tokens, self.last_refill = RATE_PER_SECOND, time.monotonic()
        self.strikes: collections.deque[float] | None = None  # made on the first refusal (~0.6 KiB)

    def take(self) -> str:
        """"ok", "refused" (answer ``rate_limited``), or "close" (too many strikes: close with 4429)."""
        now = time.monotonic()
        self.tokens = min(RATE_PER_SECOND, self.tokens + (now - self.last_refill) * RATE_PER_SECOND)
        self.last_refill = now
        if self.tokens >= 1:
            self.tokens -= 1
            return "ok"
        if self.strikes is None:
            self.strikes = collections.deque()
        self.strikes.append(now)
        while self.strikes and self.strikes[0] < now - RATE_STRIKE_WINDOW:
            self.strikes.popleft()
        return "close" if len(self.strikes) > RATE_STRIKES else "refused"


def parse(raw: str | bytes) -> dict[str, Any]:
    """A client message: a JSON object of at most 64 KiB (its ``type`` is checked by the caller)."""
    if len(raw) > MAX_MESSAGE_BYTES // 4 and len(raw.encode() if isinstance(raw, str) else raw) > MAX_MESSAGE_BYTES:
        raise Invalid(_("The message is larger than 64 KiB."), code="too_large")
    try:
        message = json.loads(raw)
    except (ValueError, UnicodeDecodeError):
        raise Invalid(_("The message is not valid JSON."), code="bad_json") from None
    except RecursionError:
        raise Invalid(_("The message is nested too deeply."), code="bad_json") from None
    if not isinstance(message, dict):
        raise Invalid(_("A message must be a JSON object with a “type”."), code="bad_json")
    return message


def text(message: dict, key: str, *, limit: int = 2000) -> str:
    value = message.get(key, "")
    if value is None:
        return ""
    if not isinstance(value, str) or len(value) > limit:
        raise Invalid(_("“%(field)s” must be text of at most %(count)d characters.") % {"field": key, "count": limit})
    if has_control_characters(value, multiline=True):
        raise Invalid(_("“%(field)s” may not contain control characters.") % {"field": key})
    return value


def chat_text(message: dict) -> str:
    value = message.get("text")
    if not isinstance(value, str) or not 1 <= len(value) <= CHAT_MAX_LENGTH or not value.strip():
        raise Invalid(_("A chat message has 1 to 2000 characters."))
    if has_control_characters(value, multiline=True):
        raise Invalid(_("A chat message may not contain control characters."))
    return value


def participant_id(message: dict) -> uuid.UUID:
    try:
        return uuid.UUID(str(message.get("participant")))
    except ValueError:
        raise Invalid(_("“participant” must be a participant id.")) from None


MAX_ADMIT_AT_ONCE = 500


def participant_ids(message: dict) -> set[uuid.UUID] | None:
    """``lobby.admit_all``: the ids listed in ``participants``, or None when it is absent (everyone waiting)."""
    listed = message.get("participants")
    if listed is None:
        return None
    try:
        keys = {uuid.UUID(str(p)) for p in listed} if isinstance(listed, list) else set()
    except ValueError:
        keys = set()
    if not 1 <= len(keys) <= MAX_ADMIT_AT_ONCE or len(keys) != len(listed):
        raise Invalid(
            _("“participants” must be a list of 1 to %(count)d participant ids.") % {"count": MAX_ADMIT_AT_ONCE}
        )
    return keys


def status_change(message: dict) -> tuple[str, datetime | None]:
    """``room.set_status``: the status, and the next date if given (naive: the service reads it in the
    event's zone)."""
    status = message.get("status")
    if not isinstance(status, str):
        raise Invalid(_("“status” is required."))
    next_at = None
    if message.get("next_at"):
        try:
            next_at = parse_datetime(message["next_at"]) if isinstance(message["next_at"], str) else None
        except ValueError:
            next_at = None
        if next_at is None:
            raise Invalid(_("“next_at” must be a date and time (ISO 8601); without an offset it is read in the "
                            "session's time zone."))
    return status, next_at


def signal(message: dict) -> tuple[str, dict]:
    """``signal``: the participant it goes to, and its data."""
    target, data = message.get("to"), message.get("data")
    if not isinstance(target, str) or not isinstance(data, dict):
        raise Invalid(_("A signal needs “to” (a participant id) and “data” (an object)."))
    return target, data


AUDIENCE_QUERY_MAX = 100


def audience_page(message: dict) -> tuple[int, int, str]:
    """``audience.list``: ``offset`` (from 0), ``limit`` (1 to ``AUDIENCE_PAGE_MAX``, 50 if absent) and
    ``query`` (a part of a name, at most 100 characters; "" lists everyone)."""
    offset, limit = message.get("offset", 0), message.get("limit", 50)
    if not all(isinstance(value, int) and not isinstance(value, bool) for value in (offset, limit)) or not (
        0 <= offset and 1 <= limit <= AUDIENCE_PAGE_MAX
    ):
        raise Invalid(_("“offset” must be a whole number from 0 and “limit” one from 1 to %(count)d.")
                      % {"count": AUDIENCE_PAGE_MAX})
    query = text(message, "query", limit=AUDIENCE_QUERY_MAX)
    return offset, limit, query.strip()


def media_flags(message: dict) -> dict[str, bool]:
    """``media.state``: each of ``MEDIA_FLAGS``, on or off."""
    values = {flag: message.get(flag, False) for flag in MEDIA_FLAGS}
    if not all(isinstance(value, bool) for value in values.values()):
        raise Invalid(_("“media”, “camera” and “microphone” must be true or false."))
    return values


# A page reports its connection quality when it changes; more often than this is refused.
QUALITY_MIN_SECONDS = 2.0


def media_quality(message: dict) -> str:
    """``media.quality``: ``level``, one of ``QUALITY_LEVELS``."""
    level = message.get("level")
    if level not in QUALITY_LEVELS:
        raise Invalid(_("“level” must be “good”, “fair” or “poor”."))
    return level
