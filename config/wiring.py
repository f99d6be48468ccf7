"""Where generic apps meet without importing each other: ``feedback`` learns from ``rooms``
whether a sitting has ended and who attended, and its e-mails go out through ``notifications``.

Connected once from ``config.apps.HadirConfig.ready``; the domain apps register their own
policies (``classrooms.feedback``, ``hearings.feedback``)."""

from __future__ import annotations

from datetime import datetime

from django.conf import settings
from django.template.loader import render_to_string
from django.urls import reverse
from django.utils import translation
from django.utils.translation import gettext as _


def _ended(occurrence, now: datetime) -> bool:
    from rooms.policies import policy_for
    from rooms.selectors import room_is_over, room_status

    policy = policy_for(occurrence.event)
    return room_is_over(occurrence, room_status(occurrence, policy).status, policy, now)


def _attended(attendee, occurrence) -> bool:
    from rooms.models import AttendanceInterval

    return AttendanceInterval.objects.filter(occurrence=occurrence, attendee=attendee).exists()


def feedback_requests_queue(*, occurrence) -> list[int]:
    """One e-mail per attendee who attended the sitting and is asked about it (once per attendee
    and sitting: the outbox key); nobody without an address (a public observer) is written to."""
    from feedback.registry import sitting_policy_for
    from notifications.models import Message
    from notifications.render import recipient_email, recipient_language, recipient_profile
    from notifications.services import email_queue
    from rooms.models import AttendanceInterval
    from scheduling.models import Attendee

    event = occurrence.event
    policy = sitting_policy_for(event)
    present = AttendanceInterval.objects.filter(occurrence=occurrence).values("attendee_id")
    queued = []
    attendees = Attendee.objects.filter(pk__in=present, removed_at__isnull=True, join_token_revoked_at__isnull=True)
    for attendee in attendees.select_related("user", "event"):
        email = recipient_email(attendee)
        if not email or not policy.is_asked(attendee):
            continue
        language = recipient_language(attendee, recipient_profile(attendee))
        url = reverse("feedback:session", args=[attendee.join_token]) + f"?occurrence={occurrence.pk}"
        with translation.override(language):
            subject = _("How did it go? %(title)s") % {"title": event.title}
            text = render_to_string("feedback/email/ask.txt", {
                "attendee": attendee, "event": event, "url": f"{settings.HADIR_BASE_URL}{url}",
            })
        queued += email_queue(
            key=f"feedback-ask:{occurrence.pk}:{attendee.pk}", kind=Message.Kind.FEEDBACK, email=email,
            name=attendee.name, language=language, subject=subject, text=text, url=url, event=event,
            occurrence=occurrence, attendee=attendee,
        )
    return queued


def _on_room_status(sender, *, occurrence, status: str, **kwargs) -> None:
    from feedback.registry import sitting_policy_for

    if sitting_policy_for(occurrence.event).asks_on(status):
        feedback_requests_queue(occurrence=occurrence)


def _on_author_reply(sender, *, submission, subject: str, text: str, language: str, key: str, **kwargs) -> None:
    from notifications.models import Message
    from notifications.services import email_queue

    email_queue(key=key, kind=Message.Kind.REPLY, email=submission.contact, name="", language=language,
                subject=subject, text=text)


def connect() -> None:
    from feedback.registry import register_sitting_facts
    from feedback.signals import author_reply
    from rooms.signals import room_status_changed

    register_sitting_facts(ended=_ended, attended=_attended)
    room_status_changed.connect(_on_room_status, dispatch_uid="config-feedback-ask")
    author_reply.connect(_on_author_reply, dispatch_uid="config-feedback-author-reply")
