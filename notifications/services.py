"""Every write of the outbox. Receivers of ``scheduling.signals`` call these inside the change's
transaction; delivery is queued with ``transaction.on_commit`` (see ``notifications.delivery``)."""

import logging
import uuid
import zoneinfo
from datetime import datetime, timedelta
from functools import partial
from typing import Any

from django.db import transaction
from django.template.loader import render_to_string
from django.urls import reverse
from django.utils import timezone, translation
from django.utils.translation import gettext as _
from django.utils.translation import gettext_noop

from config.types import AnyUser, User
from notifications import policies
from notifications.errors import RetryRefused
from notifications.models import Message, ShortNotice
from notifications.registry import notice_period_for
from notifications.render import recipient_email, render_subject, user_language
from scheduling.models import Attendee, Event, Occurrence

logger = logging.getLogger(__name__)

NO_ADDRESS = gettext_noop("No e-mail address: this person could not be e-mailed.")
DEFAULT_REMINDER_MINUTES = (24 * 60, 15)
REMINDER_HORIZON = timedelta(days=7)  # longer reminder offsets than this never fire
DELIVERY_CHUNK = 50


def delivery_queue(*, ids: list[int]) -> None:
    """Hand message ids to the django-q2 cluster, in chunks so that several workers share a batch.

    A broker that is down loses nothing: the rows stay pending and the periodic tick sends them.
    """
    from django_q.tasks import async_task

    for start in range(0, len(ids), DELIVERY_CHUNK):
        chunk = ids[start : start + DELIVERY_CHUNK]
        try:
            async_task("notifications.tasks.deliver_messages", chunk, task_name=f"notify-{chunk[0]}-{len(chunk)}")
        except Exception:
            logger.exception("could not queue delivery of %d messages; the tick will send them", len(chunk))


def messages_queue(*, rows: list[Message]) -> list[int]:
    """Write rows whose key is new (a key already there is the same message) and deliver after commit."""
    unique = {row.idempotency_key: row for row in rows}
    existing = set(Message.objects.filter(idempotency_key__in=list(unique)).values_list("idempotency_key", flat=True))
    new = [row for key, row in unique.items() if key not in existing]
    if not new:
        return []
    now = timezone.now()
    for row in new:
        if row.next_attempt_at is None:
            row.next_attempt_at = now
    with transaction.atomic():
        Message.objects.bulk_create(new, ignore_conflicts=True)
        ids = list(
            Message.objects.filter(
                idempotency_key__in=[row.idempotency_key for row in new], status=Message.Status.PENDING
            ).values_list("id", flat=True)
        )
        if ids:
            transaction.on_commit(partial(delivery_queue, ids=ids))
    return ids


def _rows_for(*, attendee: Attendee, key: str, email_wanted: bool = True, **fields: Any) -> list[Message]:
    """The e-mail row (failed at once when there is no address) and, for an account, the in-app row.

    Only the subject is rendered here (cheap, for the inbox); the e-mail body and calendar are
    rendered by the worker when it first claims the row (``notifications.delivery``), so that
    the change's transaction stays short.
    """
    subject, language = render_subject(kind=fields["kind"], event=fields["event"], attendee=attendee)
    common = {
        **fields,
        "attendee": attendee,
        "name": attendee.name,
        "language": language,
        "subject": subject,
        "url": attendee.join_path,
    }
    rows = []
    if email_wanted:
        email = recipient_email(attendee)
        failed = {} if email else {"status": Message.Status.FAILED, "last_error": NO_ADDRESS}
        rows.append(
            Message(
                idempotency_key=f"email:{key}",
                channel=Message.Channel.EMAIL,
                email=email,
                user_id=attendee.user_id,
                **common,
                **failed,
            )
        )
    if attendee.user_id is not None:
        rows.append(
            Message(idempotency_key=f"in_app:{key}", channel=Message.Channel.IN_APP, user_id=attendee.user_id, **common)
        )
    return rows


def invitations_queue(
    *, event: Event, attendees: list[Attendee], kind: str, method: str, occurrence: Occurrence | None = None,
    resend: str = "",
) -> list[int]:
    """One iTIP message (REQUEST or CANCEL) per attendee, by e-mail and, for account holders, in-app.

    The key names the iTIP message (method, UID, RECURRENCE-ID, SEQUENCE, recipient): the same
    change announced twice is one message. ``resend`` names an organiser's request to send it
    again (``scheduling.signals.join_link_resend``), which the key then tells apart.
    """
    recurrence = occurrence.recurrence_id.strftime("%Y%m%dT%H%M%SZ") if occurrence else "series"
    rows = []
    for attendee in attendees:
        key = f"{method}:{event.uid}:{recurrence}:{event.sequence}:{attendee.pk}"
        if resend:
            key += f":resend:{resend}"
        rows += _rows_for(
            attendee=attendee,
            key=key,
            kind=kind,
            event=event,
            occurrence=occurrence,
            sequence=event.sequence,
            method=method,
        )
    unreachable = {row.idempotency_key: row.name for row in rows if row.status == Message.Status.FAILED}
    unreachable_before = set(
        Message.objects.filter(idempotency_key__in=list(unreachable)).values_list("idempotency_key", flat=True)
    )
    ids = messages_queue(rows=rows)
    if method == "REQUEST" and ids:
        _check_notice_period(event=event, occurrence=occurrence)
    names = [name for key, name in unreachable.items() if key not in unreachable_before]
    if names:
        _no_address_notice_send(event=event, names=names, key=f"no-address:{min(unreachable)}")
    return ids


def _no_address_notice_send(*, event: Event, names: list[str], key: str) -> None:
    organizer = event.organizer
    with translation.override(user_language(organizer)):
        text = _("No e-mail address for %(names)s: they were not e-mailed about “%(title)s”.") % {
            "names": ", ".join(sorted(names)),
            "title": event.title,
        }
    notice_send(
        user=organizer,
        text=text,
        url=reverse("notifications:event_log", args=[event.pk]),
        kind=Message.Kind.WARNING,
        event=event,
        key=key,
    )


def _check_notice_period(*, event: Event, occurrence: Occurrence | None) -> None:
    """Warn the organiser when invitations go out later than the event's kind requires."""
    period = notice_period_for(event.kind)
    if period is None:
        return
    now = timezone.now()
    if occurrence is None:
        occurrence = (
            event.occurrences.filter(status=Occurrence.Status.SCHEDULED, start__gt=now).order_by("start").first()
        )
    if occurrence is None:
        return
    given = occurrence.start - now
    if given >= period.minimum:
        return
    __, created = ShortNotice.objects.get_or_create(
        event=event, starts_at=occurrence.start, defaults={"required": period.minimum, "given": given}
    )
    if not created:
        return
    organizer = event.organizer
    with translation.override(user_language(organizer)):
        text = _(
            "Short notice: the %(label)s for “%(title)s” went out %(hours)d hours before it starts; "
            "at least %(days)d days are required."
        ) % {
            "label": period.label,
            "title": event.title,
            "hours": int(given.total_seconds() // 3600),
            "days": period.minimum.days,
        }
    notice_send(
        user=organizer,
        text=text,
        url=reverse("notifications:event_log", args=[event.pk]),
        kind=Message.Kind.WARNING,
        event=event,
    )


def email_queue(
    *, key: str, kind: str, email: str, name: str, language: str, subject: str, text: str, url: str = "",
    event: Event | None = None, occurrence: Occurrence | None = None, attendee: Attendee | None = None,
) -> list[int]:
    """One e-mail written by the app it comes from (subject and text already in the recipient's
    language), sent once per ``key``: a feedback question after a sitting, an answer to the public."""
    html = render_to_string("notifications/email/plain.html", {"text": text, "language": language})
    row = Message(
        idempotency_key=f"email:{key}", channel=Message.Channel.EMAIL, kind=kind, email=email, name=name[:200],
        language=language, subject=subject[:300], body_text=text, body_html=html, url=url[:500], event=event,
        occurrence=occurrence, attendee=attendee, sequence=event.sequence if event else 0,
    )
    return messages_queue(rows=[row])


def notice_send(
    *,
    user: User,
    text: str,
    url: str = "",
    kind: str = Message.Kind.NOTICE,
    event: Event | None = None,
    key: str = "",
) -> Message:
    """An in-app notice to one account: stored in its inbox and pushed live to its open pages."""
    message = Message(
        idempotency_key=key or f"notice:{uuid.uuid4().hex}",
        channel=Message.Channel.IN_APP,
        kind=kind,
        user=user,
        subject=text[:300],
        url=url,
        event=event,
        next_attempt_at=timezone.now(),
    )
    messages_queue(rows=[message])
    return Message.objects.get(idempotency_key=message.idempotency_key)


def rsvp_notice_send(*, attendee: Attendee, occurrence: Occurrence | None = None) -> None:
    """The organiser hears of an answer (from the RSVP page or a calendar's reply alike)."""
    event = attendee.event
    organizer = event.organizer
    if attendee.user_id == organizer.pk:
        return
    answer = attendee.rsvp
    comment = attendee.rsvp_comment
    if occurrence is not None:
        sitting = attendee.sitting_answers.filter(occurrence=occurrence).first()
        if sitting is not None:
            answer, comment = sitting.rsvp, sitting.comment
    with translation.override(user_language(organizer)):
        values = {"name": attendee.name, "answer": Attendee.Rsvp(answer).label, "title": event.title}
        if occurrence is None:
            text = _("%(name)s answered “%(answer)s” to “%(title)s”.") % values
        else:
            zone = zoneinfo.ZoneInfo(event.timezone)
            values["when"] = occurrence.start.astimezone(zone).strftime("%Y-%m-%d %H:%M")
            text = _("%(name)s answered “%(answer)s” to “%(title)s” on %(when)s.") % values
        if comment:
            text = f"{text} “{comment}”"
    notice_send(user=organizer, text=text, url=reverse("notifications:event_log", args=[event.pk]), event=event)


def failure_notice_send(*, message: Message) -> None:
    """Tell the organiser that a message to one of their attendees could not be delivered."""
    event = message.event
    if event is None or message.attendee_id is None:
        return
    organizer = event.organizer
    with translation.override(user_language(organizer)):
        text = _("Could not deliver “%(subject)s” to %(name)s: %(reason)s") % {
            "subject": message.subject,
            "name": message.name or message.email,
            "reason": _(message.last_error),
        }
    notice_send(
        user=organizer,
        text=text,
        url=reverse("notifications:event_log", args=[event.pk]),
        kind=Message.Kind.WARNING,
        event=event,
        key=f"failed:{message.pk}:{message.attempts}",
    )


def reminders_enqueue(*, now: datetime | None = None) -> list[int]:
    """Queue the reminders that are due: computed from each sitting's current start, so a moved
    sitting's reminders follow it and a cancelled one's disappear. When several offsets of one
    sitting are due at once (the worker was down), only the nearest is sent."""
    now = now or timezone.now()
    sittings = (
        Occurrence.objects.filter(
            status=Occurrence.Status.SCHEDULED,
            event__status=Event.Status.CONFIRMED,
            start__gt=now,
            start__lte=now + REMINDER_HORIZON,
        )
        .select_related("event", "event__organizer")
        .order_by("start")
    )
    queued = []
    for occurrence in sittings:
        offsets = occurrence.event.reminder_minutes or DEFAULT_REMINDER_MINUTES
        due = [minutes for minutes in offsets if occurrence.start - timedelta(minutes=minutes) <= now]
        if due:
            queued += _reminders_for(occurrence=occurrence, minutes=min(due))
    return queued


def _reminders_for(*, occurrence: Occurrence, minutes: int) -> list[int]:
    event = occurrence.event
    attendees = list(
        event.attendees.filter(removed_at__isnull=True, join_token_revoked_at__isnull=True)
        .exclude(rsvp=Attendee.Rsvp.DECLINED)
        .select_related("user")
    )
    stamp = occurrence.start.strftime("%Y%m%dT%H%M%SZ")
    keys = {attendee.pk: f"reminder:{occurrence.pk}:{stamp}:{minutes}:{attendee.pk}" for attendee in attendees}
    done = set(
        Message.objects.filter(
            idempotency_key__in=[f"{channel}:{key}" for key in keys.values() for channel in ("email", "in_app")]
        ).values_list("idempotency_key", flat=True)
    )
    rows = []
    for attendee in attendees:
        key = keys[attendee.pk]
        if f"email:{key}" in done or f"in_app:{key}" in done:
            continue
        rows += _rows_for(
            attendee=attendee,
            key=key,
            email_wanted=bool(recipient_email(attendee)),
            kind=Message.Kind.REMINDER,
            event=event,
            occurrence=occurrence,
            sequence=event.sequence,
            minutes_before=minutes,
        )
    with transaction.atomic():
        return messages_queue(rows=rows)


def message_retry(*, message: Message, by: AnyUser) -> Message:
    """Send a failed message again (same key, so it still goes out at most once more)."""
    if not policies.may_manage_deliveries(by, message.event):
        raise RetryRefused(_("Only the organiser can retry this message."))
    with transaction.atomic():
        message = Message.objects.select_for_update().get(pk=message.pk)
        if message.status != Message.Status.FAILED:
            raise RetryRefused(_("Only a failed message can be retried."))
        if message.channel == Message.Channel.EMAIL and not message.email:
            message.email = recipient_email(message.attendee) if message.attendee else ""
            if not message.email:
                raise RetryRefused(_("There is still no e-mail address for this person."))
        message.status = Message.Status.PENDING
        message.attempts = 0
        message.last_error = ""
        message.next_attempt_at = timezone.now()
        message.save(update_fields=["status", "attempts", "last_error", "next_attempt_at", "email"])
        transaction.on_commit(partial(delivery_queue, ids=[message.pk]))
    return message


def notices_mark_read(*, user: User, ids: list[int] | None = None) -> int:
    """Mark the user's in-app notices read (all of them when ``ids`` is None); returns how many."""
    notices = Message.objects.filter(user=user, channel=Message.Channel.IN_APP, read_at__isnull=True)
    if ids is not None:
        notices = notices.filter(pk__in=ids)
    return notices.update(read_at=timezone.now())
