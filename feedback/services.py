"""Every write of the feedback app: keyword-only, each in one transaction.

- ``feedback_record``: an attendee's answer about a sitting they attended and that has ended.
- ``submission_create``: the public writes to an organisation (rate-limited per client address).
- ``submission_answer`` / ``submission_publish`` / ``submission_reject``: the organisation's
  staff triage (new → answered → published, or rejected with a reason); the author is told by
  e-mail when they left an address (``feedback.signals.author_reply``, mailed through the outbox).
"""

from __future__ import annotations

import hashlib
import hmac
from datetime import datetime, timedelta
from typing import Any

from django.conf import settings
from django.core.exceptions import ValidationError
from django.core.validators import validate_email
from django.db import IntegrityError, transaction
from django.db.models import Max
from django.template.loader import render_to_string
from django.utils import timezone, translation
from django.utils.translation import gettext as _

from config.types import AnyUser, User
from feedback import registry, signals
from feedback.errors import FeedbackError, FeedbackForbidden
from feedback.links import follow_path
from feedback.models import COMMENT_MAX, TEXT_MAX, TEXT_MIN, SessionFeedback, Submission
from scheduling.models import Attendee, Occurrence
from scheduling.text import clean_text


def _clean(value: object, *, field: str, max_length: int, multiline: bool = False) -> str:
    try:
        return clean_text(value, field=field, max_length=max_length, multiline=multiline)
    except ValidationError as exc:
        raise FeedbackError(" ".join(exc.messages), field=field) from exc


def _score(value: object, *, field: str) -> int:
    """1 to 5."""
    if isinstance(value, bool) or not isinstance(value, int) or not 1 <= value <= 5:
        raise FeedbackError(_("Choose a number from 1 to 5."), field=field)
    return value


def sitting_problem(*, attendee: Attendee, occurrence: Occurrence, now: datetime) -> str:
    """Why this attendee may not answer about this sitting, or "" when they may."""
    policy = registry.sitting_policy_for(attendee.event)
    if occurrence.event_id != attendee.event_id or not policy.is_asked(attendee):
        return _("This link is not for this session.")
    if not policy.has_ended(occurrence, now=now):
        return _("This session has not ended yet. You can tell us how it went once it is over.")
    if not policy.attended(attendee, occurrence):
        return _("You did not attend this session, so there is nothing to tell us about it.")
    return ""


def feedback_record(*, attendee: Attendee, occurrence: Occurrence, rating: object, connection: object = None,
                    comment: str = "",
                    anonymous: bool = False, now: datetime | None = None) -> SessionFeedback:
    """Record (or replace) the attendee's answer about the sitting."""
    score = _score(rating, field="rating")
    connection = None if connection in (None, "") else _score(connection, field="connection")
    comment = _clean(comment, field="comment", max_length=COMMENT_MAX, multiline=True)
    problem = sitting_problem(attendee=attendee, occurrence=occurrence, now=now or timezone.now())
    if problem:
        raise FeedbackError(problem, code="not_allowed")
    with transaction.atomic():
        answer, _created = SessionFeedback.objects.update_or_create(
            occurrence=occurrence, attendee=attendee,
            defaults={"rating": score, "connection": connection, "comment": comment, "anonymous": bool(anonymous)},
        )
    return answer


def _keyed_address(client_address: str) -> str:
    """A keyed hash of the client address: recognised again, never read back."""
    if not client_address:
        return ""
    message = f"hadir:feedback-address:{client_address}".encode()
    return hmac.new(settings.SECRET_KEY.encode(), message, hashlib.sha256).hexdigest()[:32]


def submission_create(*, organisation_kind: registry.OrganisationKind, organisation: Any, kind: str, text: str,
                      contact: str = "", case_number: str = "", client_address: str = "",
                      language: str = "") -> Submission:
    """A member of the public writes to the organisation. At most ``HADIR_FEEDBACK_PER_ADDRESS``
    submissions per client address in ``HADIR_FEEDBACK_ADDRESS_WINDOW_MINUTES``."""
    if kind not in Submission.Kind.values:
        raise FeedbackError(_("Choose what kind of message this is."), field="kind")
    text = _clean(text, field="text", max_length=TEXT_MAX, multiline=True)
    if len(text) < TEXT_MIN:
        raise FeedbackError(_("Write at least %(count)d characters.") % {"count": TEXT_MIN}, field="text")
    contact = _clean(contact, field="contact", max_length=254)
    if contact:
        try:
            validate_email(contact)
        except ValidationError as exc:
            raise FeedbackError(_("Enter a valid e-mail address, or leave it empty."), field="contact") from exc
    case_number = _clean(case_number, field="case_number", max_length=100)
    address = _keyed_address(client_address)
    now = timezone.now()
    window = now - timedelta(minutes=settings.HADIR_FEEDBACK_ADDRESS_WINDOW_MINUTES)
    if address and Submission.objects.filter(address=address, created_at__gte=window).count() \
            >= settings.HADIR_FEEDBACK_PER_ADDRESS:
        raise FeedbackError(_("Too many messages were sent from your network just now. Try again later."),
                            code="rate_limited")
    year = now.year
    for _attempt in range(5):
        try:
            with transaction.atomic():
                last = Submission.objects.filter(year=year).aggregate(last=Max("number"))["last"] or 0
                return Submission.objects.create(
                    organisation_kind=organisation_kind.key, organisation_key=organisation_kind.key_of(organisation),
                    year=year, number=last + 1, kind=kind, text=text, contact=contact, case_number=case_number,
                    language=(language or "")[:8], address=address,
                )
        except IntegrityError:
            continue  # another submission took the number: take the next one
    raise FeedbackError(_("Too many messages at once. Try again in a moment."), code="busy")


def _organisation_of(submission: Submission) -> tuple[Any, Any]:
    kind = registry.organisation_kind(submission.organisation_kind)
    return kind, kind.by_key(submission.organisation_key) if kind else None


def _require_staff(submission: Submission, by: AnyUser) -> None:
    kind, organisation = _organisation_of(submission)
    if organisation is None or not kind.is_staff(by, organisation):
        raise FeedbackForbidden(_("Only the organisation's staff may do this."))


def _tell_author(submission: Submission) -> None:
    if not submission.contact:
        return
    kind, organisation = _organisation_of(submission)
    language = submission.language if submission.language in dict(settings.LANGUAGES) else settings.LANGUAGE_CODE
    path = follow_path(kind, organisation, submission)
    with translation.override(language):
        subject = _("Your message %(reference)s: %(status)s") % {
            "reference": submission.reference, "status": submission.get_status_display(),
        }
        text = render_to_string("feedback/email/author_reply.txt", {
            "submission": submission, "organisation": kind.name(organisation),
            "url": f"{settings.HADIR_BASE_URL}{path}",
        })
    signals.author_reply.send(sender=Submission, submission=submission, subject=subject, text=text,
                              language=language, key=f"feedback-reply:{submission.pk}:{submission.status}")


def _locked(submission: Submission) -> Submission:
    return Submission.objects.select_for_update().get(pk=submission.pk)


def submission_answer(*, submission: Submission, by: User, answer: str) -> Submission:
    """The organisation's answer (new or answered → answered; a later answer replaces it)."""
    _require_staff(submission, by)
    answer = _clean(answer, field="answer", max_length=TEXT_MAX, multiline=True)
    if not answer:
        raise FeedbackError(_("Write the answer."), field="answer")
    with transaction.atomic():
        submission = _locked(submission)
        if submission.status not in (Submission.Status.NEW, Submission.Status.ANSWERED):
            raise FeedbackError(_("This message was already published or rejected."), code="final")
        first = submission.status == Submission.Status.NEW
        submission.status, submission.answer, submission.decided_by = Submission.Status.ANSWERED, answer, by
        submission.answered_at = timezone.now()
        submission.save(update_fields=["status", "answer", "decided_by", "answered_at"])
        if first:
            _tell_author(submission)
    return submission


def submission_publish(*, submission: Submission, by: User) -> Submission:
    """Show an answered message and its answer on the public list ("you said, we did")."""
    _require_staff(submission, by)
    with transaction.atomic():
        submission = _locked(submission)
        if submission.status != Submission.Status.ANSWERED:
            raise FeedbackError(_("Answer the message before publishing it."), code="not_answered")
        submission.status, submission.decided_by = Submission.Status.PUBLISHED, by
        submission.published_at = timezone.now()
        submission.save(update_fields=["status", "decided_by", "published_at"])
        _tell_author(submission)
    return submission


def submission_reject(*, submission: Submission, by: User, reason: str) -> Submission:
    """Reject a new or answered message, with a reason the author sees."""
    _require_staff(submission, by)
    reason = _clean(reason, field="reason", max_length=500)
    if not reason:
        raise FeedbackError(_("Give the reason for rejecting it."), field="reason")
    with transaction.atomic():
        submission = _locked(submission)
        if submission.status not in (Submission.Status.NEW, Submission.Status.ANSWERED):
            raise FeedbackError(_("This message was already published or rejected."), code="final")
        submission.status, submission.reject_reason, submission.decided_by = Submission.Status.REJECTED, reason, by
        submission.save(update_fields=["status", "reject_reason", "decided_by"])
        _tell_author(submission)
    return submission


SUBMISSION_ACTIONS = ("answer", "publish", "reject")


def submission_decide(*, submission: Submission, by: User, action: str, answer: str = "",
                      reason: str = "") -> Submission:
    """One of the staff's ``SUBMISSION_ACTIONS``, as the inbox form and the API name them."""
    if action == "answer":
        return submission_answer(submission=submission, by=by, answer=answer)
    if action == "publish":
        return submission_publish(submission=submission, by=by)
    if action == "reject":
        return submission_reject(submission=submission, by=by, reason=reason)
    raise FeedbackError(_("Choose what to do with the message."), field="action")
