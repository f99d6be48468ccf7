"""Reads: which sitting a feedback link is about, the organiser's summary, the organisation's
trend, its inbox and its public list (with closed cases kept out)."""

from __future__ import annotations

import re
import uuid
import zoneinfo
from collections.abc import Iterable
from dataclasses import dataclass
from datetime import date, datetime, timedelta
from typing import Any

from django.db.models import Avg, Count, QuerySet
from django.utils.translation import gettext as _

from feedback import registry
from feedback.models import SessionFeedback, Submission
from feedback.services import sitting_problem
from scheduling.models import Attendee, Event, Occurrence
from scheduling.tokens import token_hash

LOOK_BACK = 60  # sittings searched for the latest one the attendee attended


def _average(value: float | None) -> float | None:
    return None if value is None else round(float(value), 2)


def feedback_sitting(*, attendee: Attendee, occurrence_id: uuid.UUID | None = None,
                     now: datetime) -> tuple[Occurrence | None, str]:
    """The sitting a feedback link is about and why it may not be answered ("" when it may):
    ``occurrence_id`` when given, else the attendee's latest ended sitting that they attended."""
    if occurrence_id:
        occurrence = Occurrence.objects.select_related("event").filter(pk=occurrence_id).first()
        if occurrence is None or occurrence.event_id != attendee.event_id:
            return None, _("This link is not for this session.")
        return occurrence, sitting_problem(attendee=attendee, occurrence=occurrence, now=now)
    sittings = list(attendee.event.occurrences.select_related("event").filter(start__lte=now)
                    .order_by("-start")[:LOOK_BACK])
    for occurrence in sittings:
        if not sitting_problem(attendee=attendee, occurrence=occurrence, now=now):
            return occurrence, ""
    if sittings:
        return sittings[0], sitting_problem(attendee=attendee, occurrence=sittings[0], now=now)
    return None, _("This session has not ended yet. You can tell us how it went once it is over.")


def answer_of(*, attendee: Attendee, occurrence: Occurrence) -> SessionFeedback | None:
    return SessionFeedback.objects.filter(attendee=attendee, occurrence=occurrence).first()


def event_feedback(*, event: Event) -> dict:
    """``GET /api/events/<id>/feedback/``: totals, per sitting (oldest first), and the comments."""
    return events_feedback(events=[event])


def events_feedback(*, events: Iterable[Event] | QuerySet[Event]) -> dict:
    """The same over several events (a class's term schedule and its extra meetings)."""
    answers = SessionFeedback.objects.filter(occurrence__event__in=events)
    totals = answers.aggregate(count=Count("id"), rating=Avg("rating"), connection=Avg("connection"))
    per_sitting = (
        answers.values("occurrence_id", "occurrence__start")
        .annotate(count=Count("id"), rating=Avg("rating"), connection=Avg("connection"))
        .order_by("occurrence__start")
    )
    comments = answers.exclude(comment="").select_related("attendee", "occurrence").order_by(
        "occurrence__start", "created_at", "id")
    return {
        "count": totals["count"],
        "average_rating": _average(totals["rating"]),
        "average_connection": _average(totals["connection"]),
        "by_occurrence": [
            {"occurrence_id": str(row["occurrence_id"]), "starts_at": row["occurrence__start"].isoformat(),
             "starts": row["occurrence__start"],
             "count": row["count"], "average_rating": _average(row["rating"]),
             "average_connection": _average(row["connection"])}
            for row in per_sitting
        ],
        "comments": [
            {"occurrence_id": str(answer.occurrence_id), "rating": answer.rating, "text": answer.comment,
             "name": None if answer.anonymous else answer.attendee.name}
            for answer in comments
        ],
    }


def organisation_by_slug(kind_key: str, slug: str) -> tuple[registry.OrganisationKind | None, Any]:
    kind = registry.organisation_kind(kind_key)
    return kind, (kind.lookup(slug) if kind is not None else None)


@dataclass
class TrendPoint:
    week: date
    count: int
    average_rating: float | None


def organisation_trend(*, kind: registry.OrganisationKind, organisation: Any, weeks: int = 26,
                       now: datetime) -> list[TrendPoint]:
    """Average rating per week (the organisation's zone) over all its sessions, oldest first."""
    zone = zoneinfo.ZoneInfo(kind.timezone(organisation))
    since = now - timedelta(weeks=weeks)
    rows = SessionFeedback.objects.filter(
        occurrence__event__in=kind.events(organisation), occurrence__start__gte=since,
    ).values_list("occurrence__start", "rating")
    per_week: dict[date, list[int]] = {}
    for start, rating in rows:
        local = start.astimezone(zone).date()
        per_week.setdefault(local - timedelta(days=local.weekday()), []).append(rating)
    return [TrendPoint(week, len(values), round(sum(values) / len(values), 2))
            for week, values in sorted(per_week.items())]


def submissions_of(*, kind: registry.OrganisationKind, organisation: Any) -> QuerySet[Submission]:
    return Submission.objects.filter(organisation_kind=kind.key, organisation_key=kind.key_of(organisation))


def submission_by_reference(*, kind: registry.OrganisationKind, organisation: Any,
                            reference: str) -> Submission | None:
    match = re.fullmatch(r"FB-(\d{4})-(\d{6})", reference or "")
    if match is None:
        return None
    return submissions_of(kind=kind, organisation=organisation).filter(
        year=int(match.group(1)), number=int(match.group(2))).first()


def submission_for_author(*, kind: registry.OrganisationKind, organisation: Any, reference: str,
                          token: str) -> Submission | None:
    """The submission, when ``token`` is its private follow-up token."""
    submission = submission_by_reference(kind=kind, organisation=organisation, reference=reference)
    if submission is None or not token or len(token) > 128 or token_hash(token) != submission.token_hash:
        return None
    return submission


REDACTED = "[…]"


def redact(text: str, hidden: set[str]) -> str:
    """``text`` with every hidden case number (any case) replaced: a closed case is never named publicly."""
    for number in sorted(hidden, key=len, reverse=True):
        if number:
            # Not inside a longer number: "7/Pid.B/2026" hides nothing of "17/Pid.B/2026".
            pattern = rf"(?<![0-9A-Za-z]){re.escape(number)}(?![0-9A-Za-z])"
            text = re.sub(pattern, REDACTED, text, flags=re.IGNORECASE)
    return text


def public_item(submission: Submission, hidden: set[str]) -> dict:
    """What the public list shows of a published submission."""
    hidden_lower = {number.lower() for number in hidden}
    shown_number = submission.case_number if submission.case_number.lower() not in hidden_lower else ""
    return {
        "reference": submission.reference,
        "kind": submission.kind,
        "kind_label": str(submission.get_kind_display()),
        "text": redact(submission.text, hidden),
        "case_number": redact(shown_number, hidden),
        "answer": redact(submission.answer, hidden),
        "created_at": submission.created_at,
        "published_at": submission.published_at,
    }


def published_items(*, kind: registry.OrganisationKind, organisation: Any, limit: int = 200) -> list[dict]:
    hidden = kind.hidden_numbers(organisation)
    items = submissions_of(kind=kind, organisation=organisation).filter(
        status=Submission.Status.PUBLISHED).order_by("-published_at", "-id")[:limit]
    return [public_item(submission, hidden) for submission in items]
