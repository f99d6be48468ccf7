"""What every scheduling service checks before it writes, and the two things they all share: the
clock (``now``; tests set it here) and the SEQUENCE bump.

Each check returns the cleaned value or raises one translated ``SchedulingError`` naming the field.
Zones are checked by ``recurrence.zone_for``, rules by ``recurrence.normalise_rule``, reminders and
budgets by ``scheduling.limits``.
"""

from datetime import UTC, datetime, timedelta, tzinfo

from django.conf import settings
from django.core.exceptions import ValidationError
from django.core.validators import validate_email
from django.utils import timezone as dj_timezone
from django.utils.translation import gettext as _

from config.types import People, User
from scheduling import policies, recurrence
from scheduling.errors import NotAllowed, SchedulingError
from scheduling.models import Event
from scheduling.text import clean_text

# Instants outside these years are refused before any arithmetic on them can overflow.
EARLIEST = datetime(1970, 1, 1, tzinfo=UTC)
LATEST = datetime(9000, 1, 1, tzinfo=UTC)
MAX_DESCRIPTION = 10_000


def now() -> datetime:
    return dj_timezone.now()


def bump(event: Event) -> None:
    """One more significant change: the iTIP SEQUENCE grows."""
    event.sequence += 1
    event.save()


def instant(value: object, *, field: str, zone: tzinfo) -> datetime:
    """An aware instant; a naive datetime is read in the event's zone."""
    if not isinstance(value, datetime):
        raise SchedulingError(_("Enter a date and time."), field=field)
    if dj_timezone.is_naive(value):
        value = value.replace(tzinfo=zone)
    out_of_range = SchedulingError(_("Enter a date and time between 1970 and 9000."), field=field)
    try:
        value = value.astimezone(UTC)
    except OverflowError as error:
        raise out_of_range from error
    if not EARLIEST <= value < LATEST:
        raise out_of_range
    return value


def refuse_beyond_horizon(start: datetime, now: datetime) -> None:
    if start > now + recurrence.HORIZON:
        raise SchedulingError(_("An event may start at most two years ahead."), field="start")


def text(value: object, *, field: str, max_length: int, multiline: bool = False) -> str:
    """``scheduling.text.clean_text`` as a ``SchedulingError``: no control characters in what
    reaches an e-mail header, an ICS line or a page."""
    try:
        return clean_text(value, field=field, max_length=max_length, multiline=multiline)
    except ValidationError as error:
        problem = error.error_dict[field][0]
        raise SchedulingError(problem.messages[0], field=field, code=problem.code or "invalid") from error


def title(value: object) -> str:
    cleaned = (value or "").strip() if isinstance(value, str) else ""
    if not cleaned:
        raise SchedulingError(_("Give the event a title."), field="title")
    if len(cleaned) > 200:
        raise SchedulingError(_("A title has at most 200 characters."), field="title")
    return text(cleaned, field="title", max_length=200)


def description(value: object) -> str:
    return text(value, field="description", max_length=MAX_DESCRIPTION, multiline=True)


def duration(value: object, *, field: str = "duration") -> timedelta:
    if not isinstance(value, timedelta) or value <= timedelta(0):
        raise SchedulingError(_("The end must be after the start."), field=field)
    if value > recurrence.MAX_DURATION:
        raise SchedulingError(_("A sitting lasts at most 24 hours."), field=field)
    return value


def email(value: str) -> str:
    cleaned = text(value, field="email", max_length=254)
    if cleaned:
        try:
            validate_email(cleaned)
        except ValidationError as error:
            raise SchedulingError(
                _("“%(email)s” is not a valid e-mail address.") % {"email": cleaned}, field="email"
            ) from error
    return cleaned


def language(value: str) -> str:
    if value and value not in {code for code, _name in settings.LANGUAGES}:
        raise SchedulingError(_("This language is not available."), field="language")
    return value or ""


def refuse_if_cancelled(event: Event) -> None:
    if event.status == Event.Status.CANCELLED:
        raise SchedulingError(_("This event is cancelled."), code="cancelled")


def refuse_strangers(*, organizer: User, people: People) -> None:
    refused = policies.strangers(organizer=organizer, people=people)
    if refused:
        raise NotAllowed(
            _("You may invite only people you already share an event with, not: %(people)s.")
            % {"people": ", ".join(refused[:5])}
        )


def audience(event: Event) -> int:
    """How many messages a change to the event sends (one to each active invitation)."""
    return event.attendees.filter(removed_at__isnull=True, join_token_revoked_at__isnull=True).count()
