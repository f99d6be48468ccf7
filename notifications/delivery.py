"""Sending outbox rows: claim with a lease, send, mark; retry with backoff; never twice per key.

Guarantee, and why. Delivery to the SMTP server is *at least once*: a row is claimed (status
``sending``, a lease, a claim token, attempts + 1) in one committed statement, sent, and marked
``sent`` in its own commit right after the server's 250. A worker that dies between the claim and
that commit leaves a ``sending`` row whose lease runs out; the next worker claims it and sends it
again. We chose this over *at most once* (mark before sending), which loses the message when the
worker dies in the same window: a lost summons is worse than a repeated one.

The one case where the message can reach the server twice is a worker killed after the server
accepted the message and before the mark committed (at most one message per dying worker and
SMTP connection). The repeat is the same message (rendered once, on the first claim, and kept
in the row) with the same ``Message-ID``, derived from the idempotency key (``mime.message_id_for``),
so the receiving side collapses it:
mail stores and clients treat one Message-ID as one message, and the test SMTP server counts
distinct Message-IDs. Together: exactly once per key as the recipient sees it.

One message never holds up the others. Whatever goes wrong with one (a refused address, a header
Django refuses, a bug) is caught for that message, counted as an attempt and the batch goes on.
An error in *building* the e-mail from the row is final at once: the row's bytes are fixed after
the first rendering, so every retry would fail the same way and only delay the organiser's warning.
Anything else is retried with backoff and fails after ``HADIR_NOTIFY_MAX_ATTEMPTS``; a message
whose worker died on every attempt (nothing could catch it) fails when its last lease runs out,
instead of being claimed forever. Every e-mail that fails warns the organiser in-app.

Names and subjects written before they were checked (old rows) cannot inject a header: their
control characters become spaces when the headers are built (``notifications.mime``). An address
is not decoration: one that is not valid fails at once.
"""

import logging
import secrets
import smtplib
from collections.abc import Iterable
from datetime import datetime, timedelta

from asgiref.sync import async_to_sync
from channels.layers import get_channel_layer
from django.conf import settings
from django.core.exceptions import ValidationError
from django.core.mail import get_connection
from django.core.validators import validate_email
from django.db import connection, transaction
from django.db.models import F, Q
from django.utils import timezone
from django.utils.translation import gettext_noop

from notifications import services
from notifications.mime import build_email
from notifications.models import Message
from notifications.render import render_message
from scheduling.models import Attendee, Event

logger = logging.getLogger(__name__)

BACKOFF_BASE = timedelta(minutes=1)
BACKOFF_CAP = timedelta(hours=1)
BATCH = 100
LATER_CHANGE = gettext_noop("Not sent: a later change made this message unnecessary.")
NO_RECIPIENT = gettext_noop("Not sent: the recipient no longer exists.")
BAD_ADDRESS = gettext_noop(
    "Not sent: the e-mail address is not valid (it has line breaks, control characters or another malformed part)."
)
INTERRUPTED = gettext_noop("Not sent: delivery was interrupted on every attempt.")


def user_group(user_id) -> str:
    return f"notify.{user_id}"


def backoff(attempts: int) -> timedelta:
    return min(BACKOFF_BASE * (2 ** max(attempts - 1, 0)), BACKOFF_CAP)


def _claimable(now: datetime) -> Q:
    return Q(status=Message.Status.PENDING, next_attempt_at__lte=now) | Q(
        status=Message.Status.SENDING, lease_until__lt=now, attempts__lt=settings.HADIR_NOTIFY_MAX_ATTEMPTS
    )


def abandoned_fail(*, now: datetime | None = None) -> int:
    """Fail the rows left ``sending`` by a worker that died on their last allowed attempt.

    Such a message may be what kills its worker (nothing in the process could catch it); claiming
    it again and again would count attempts past the limit and never tell anyone.
    """
    now = now or timezone.now()
    abandoned = Message.objects.filter(
        status=Message.Status.SENDING, lease_until__lt=now, attempts__gte=settings.HADIR_NOTIFY_MAX_ATTEMPTS
    ).select_related("event", "event__organizer")
    failed = 0
    for message in abandoned:
        won = Message.objects.filter(pk=message.pk, status=Message.Status.SENDING, lease_until__lt=now).update(
            status=Message.Status.FAILED, last_error=INTERRUPTED, lease_until=None
        )
        if won:
            failed += 1
            _warn(message, INTERRUPTED)
    return failed


def claim(
    *,
    ids: list[int] | None = None,
    now: datetime | None = None,
    limit: int = BATCH,
    skip: set[int] = frozenset(),
) -> list[Message]:
    """Atomically take up to ``limit`` due rows (or the due ones among ``ids``) for this worker.

    PostgreSQL: SELECT … FOR UPDATE SKIP LOCKED, so concurrent workers take different rows.
    SQLite: one conditional UPDATE (the database has one writer at a time, and the condition is
    re-evaluated by it), so two workers never both win a row.
    """
    now = now or timezone.now()
    token = secrets.token_hex(16)
    candidates = Message.objects.filter(_claimable(now))
    if ids is not None:
        candidates = candidates.filter(pk__in=ids)
    if skip:
        candidates = candidates.exclude(pk__in=skip)
    candidates = candidates.order_by("next_attempt_at", "id")
    with transaction.atomic():
        if connection.features.has_select_for_update_skip_locked:
            pks = list(candidates.select_for_update(skip_locked=True).values_list("pk", flat=True)[:limit])
        else:
            pks = candidates.values_list("pk", flat=True)[:limit]
        Message.objects.filter(_claimable(now), pk__in=pks).update(
            status=Message.Status.SENDING,
            claim_token=token,
            lease_until=now + timedelta(seconds=settings.HADIR_NOTIFY_LEASE_SECONDS),
            attempts=F("attempts") + 1,
        )
    return list(
        Message.objects.filter(claim_token=token, status=Message.Status.SENDING)
        .select_related("event", "event__organizer", "attendee", "attendee__user", "occurrence")
        .order_by("id")
    )


def _finish(message: Message, **fields) -> None:
    Message.objects.filter(pk=message.pk, claim_token=message.claim_token).update(**fields)


def _renew(messages: list[Message], lease: timedelta) -> None:
    Message.objects.filter(
        pk__in=[message.pk for message in messages],
        claim_token=messages[0].claim_token,
        status=Message.Status.SENDING,
    ).update(lease_until=timezone.now() + lease)


def _mark_sent(message: Message) -> None:
    _finish(message, status=Message.Status.SENT, sent_at=timezone.now(), last_error="", lease_until=None)


def _warn(message: Message, reason: str) -> None:
    """The organiser's in-app warning; its own failure is logged, never the batch's end."""
    if message.channel != Message.Channel.EMAIL:
        return
    message.last_error = reason
    try:
        services.failure_notice_send(message=message)
    except Exception:
        logger.exception("could not warn the organiser about message %s", message.pk)


def _mark_failed(message: Message, reason: str, *, permanent: bool = False) -> None:
    if permanent or message.attempts >= settings.HADIR_NOTIFY_MAX_ATTEMPTS:
        _finish(message, status=Message.Status.FAILED, last_error=reason[:2000], lease_until=None)
        _warn(message, reason[:2000])
    else:
        _finish(
            message,
            status=Message.Status.PENDING,
            last_error=reason[:2000],
            lease_until=None,
            next_attempt_at=timezone.now() + backoff(message.attempts),
        )


def _superseded(message: Message) -> str:
    """Why a later change makes this message pointless (a reminder of a cancelled sitting), or ""."""
    event, attendee, occurrence = message.event, message.attendee, message.occurrence
    if event is None or attendee is None:
        return NO_RECIPIENT
    if message.method == "REQUEST" and (event.status == Event.Status.CANCELLED or attendee.removed_at):
        return LATER_CHANGE
    if message.kind == Message.Kind.REMINDER and (
        occurrence is None
        or occurrence.is_cancelled
        or occurrence.start <= timezone.now()
        or attendee.removed_at
        or attendee.rsvp == Attendee.Rsvp.DECLINED
    ):
        return LATER_CHANGE
    return ""


def _valid_address(email: str) -> bool:
    try:
        validate_email(email)
    except ValidationError:
        return False
    return True


def _render(message: Message) -> None:
    """Render the row and keep the bytes in it."""
    rendered = render_message(
        kind=message.kind,
        event=message.event,
        attendee=message.attendee,
        method=message.method,
        occurrence=message.occurrence,
        minutes_before=message.minutes_before,
    )
    fields = {
        "subject": rendered.subject,
        "body_text": rendered.text,
        "body_html": rendered.html,
        "ics": rendered.ics,
        "sequence": rendered.sequence,
        "language": rendered.language,
    }
    for name, value in fields.items():
        setattr(message, name, value)
    _finish(message, **fields)


def _prepare(messages: list[Message]) -> list[Message]:
    """Render the e-mails claimed for the first time and keep the bytes, so that a retry (or the
    repeat after a worker died) sends the same message; drop those a later change superseded and
    fail those whose address no server would take."""
    ready = []
    for message in messages:
        if not _valid_address(message.email):
            _mark_failed(message, BAD_ADDRESS, permanent=True)
            continue
        if message.body_text:
            ready.append(message)
            continue
        reason = _superseded(message)
        if reason:
            _finish(message, status=Message.Status.SUPERSEDED, last_error=reason, lease_until=None)
            continue
        try:
            _render(message)
        except Exception as exc:  # the data may change before the next attempt
            logger.exception("rendering message %s failed", message.pk)
            _mark_failed(message, f"{type(exc).__name__}: {exc}")
            continue
        ready.append(message)
    return ready


def _smtp_reason(exc: Exception) -> tuple[str, bool]:
    """The server's words and whether they are final (5xx) or worth another try (4xx, network)."""
    if isinstance(exc, smtplib.SMTPRecipientsRefused):
        code, text = next(iter(exc.recipients.values()))
    elif isinstance(exc, smtplib.SMTPResponseException):
        code, text = exc.smtp_code, exc.smtp_error
    else:
        return f"{type(exc).__name__}: {exc}", False
    if isinstance(text, bytes):
        text = text.decode(errors="replace")
    return f"{code} {text}", 500 <= code < 600


def _give_back(messages: Iterable[Message], reason: str) -> None:
    """The connection is gone: an attempt for each, and the next one after its backoff."""
    for message in messages:
        _mark_failed(message, reason)


def _connection_usable(backend) -> bool:
    """After an unexpected error mid-conversation: RSET ends any half-sent transaction."""
    try:
        backend.connection.rset()
    except (smtplib.SMTPException, OSError, AttributeError):
        return False
    return True


def _send_emails(messages: list[Message]) -> None:
    if not messages:
        return
    backend = get_connection()
    try:
        backend.open()
    except Exception as exc:  # noqa: BLE001 - no connection, whatever the reason: all wait for the next attempt
        _give_back(messages, _smtp_reason(exc)[0])
        return
    lease = timedelta(seconds=settings.HADIR_NOTIFY_LEASE_SECONDS)
    renew_at = timezone.now() + lease / 2
    try:
        for index, message in enumerate(messages):
            if timezone.now() >= renew_at:
                # A slow server must not let the lease of the rest run out under us.
                _renew(messages[index:], lease)
                renew_at = timezone.now() + lease / 2
            try:
                email = build_email(message)
            except Exception as exc:  # the row's bytes are fixed: every retry would fail alike
                logger.exception("building message %s failed", message.pk)
                _mark_failed(message, f"{type(exc).__name__}: {exc}", permanent=True)
                continue
            try:
                backend.send_messages([email])
            except (smtplib.SMTPException, OSError) as exc:
                reason, permanent = _smtp_reason(exc)
                _mark_failed(message, reason, permanent=permanent)
                if not isinstance(exc, smtplib.SMTPRecipientsRefused | smtplib.SMTPResponseException):
                    _give_back(messages[index + 1 :], reason)
                    return
            except Exception as exc:  # one message's surprise must not stop the batch
                logger.exception("sending message %s failed", message.pk)
                reason = f"{type(exc).__name__}: {exc}"
                _mark_failed(message, reason)
                if not _connection_usable(backend):
                    _give_back(messages[index + 1 :], reason)
                    return
            else:
                _mark_sent(message)
    finally:
        try:
            backend.close()
        except (smtplib.SMTPException, OSError):
            logger.warning("closing the SMTP connection failed", exc_info=True)


def _push_in_app(messages: list[Message]) -> None:
    layer = get_channel_layer()
    for message in messages:
        try:
            async_to_sync(layer.group_send)(
                user_group(message.user_id),
                {
                    "type": "notice.message",
                    "notice": notice_payload(message),
                },
            )
        except Exception as exc:  # noqa: BLE001 - any channel-layer failure: try again later
            _mark_failed(message, f"{type(exc).__name__}: {exc}")
        else:
            _mark_sent(message)


def notice_payload(message: Message) -> dict:
    return {
        "id": message.pk,
        "text": message.subject,
        "url": message.url,
        "kind": message.kind,
        "at": message.created_at.isoformat(),
    }


def deliver(*, ids: list[int] | None = None, now: datetime | None = None, limit: int = BATCH) -> int:
    """Claim and send due messages (among ``ids`` when given) until none are left, each at most
    once per call (a failure waits for its backoff); returns how many were attempted."""
    abandoned_fail(now=now)
    seen: set[int] = set()
    while True:
        claimed = claim(ids=ids, now=now, limit=limit, skip=seen)
        if not claimed:
            return len(seen)
        _push_in_app([message for message in claimed if message.channel == Message.Channel.IN_APP])
        _send_emails(_prepare([message for message in claimed if message.channel == Message.Channel.EMAIL]))
        seen.update(message.pk for message in claimed)
