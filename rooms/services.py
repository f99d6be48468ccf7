"""Every write about rooms. Each owns its transaction and tells the room's sockets on commit."""

from __future__ import annotations

import contextlib
import json
import uuid
from collections.abc import Sequence
from datetime import datetime, timedelta

from django.db import IntegrityError, transaction
from django.db.models import F
from django.utils import timezone
from django.utils.translation import gettext as _

from config import metrics
from rooms import selectors, signals, wire
from rooms.errors import Forbidden, Invalid
from rooms.models import Admission, AttendanceInterval, AuditEntry, ChatMessage, RoomState
from rooms.policies import TransitionRefused, policy_for
from rooms.publish import publish_on_commit
from scheduling.models import Attendee, Occurrence

CHAT_MAX_LENGTH = 2000


def _encode(value: dict) -> str:
    return json.dumps(value, ensure_ascii=False, separators=(",", ":"))


def _tell(occurrence: Occurrence, envelope: wire.Envelope) -> None:
    publish_on_commit(str(occurrence.pk), envelope)


def _require_moderator(occurrence: Occurrence, by: Attendee | None) -> None:
    if by is None:
        return
    # A moderating seat without an account never moderates (``rooms.policies.acts_as_moderator``).
    if by.event_id != occurrence.event_id or not policy_for(occurrence.event).is_moderator(by) or by.user_id is None:
        raise Forbidden(_("Only the room's moderators may do this."))


def room_status_set(
    *, occurrence: Occurrence, status: str, by: Attendee | None, reason: str = "", next_at: datetime | None = None
) -> selectors.RoomStatus:
    """Change the session's status: the policy decides, the audit log records, the domain app acts
    (``rooms.signals.room_status_changed``), every socket hears.

    ``by`` is the moderator's attendee, or None for the system (a scheduled job).
    """
    policy = policy_for(occurrence.event)
    _require_moderator(occurrence, by)
    if status not in policy.statuses:
        raise Invalid(_("Unknown status “%(status)s”.") % {"status": status})
    present = selectors.present_attendees(occurrence)
    with transaction.atomic():
        state, _created = RoomState.objects.select_for_update().get_or_create(
            occurrence=occurrence, defaults={"status": policy.initial_status}
        )
        current = state.status
        if status not in policy.transitions.get(current, ()):
            raise Invalid(
                _("The session cannot go from “%(current)s” to “%(target)s”.")
                % {"current": policy.statuses.get(current, current), "target": policy.statuses[status]}
            )
        try:
            policy.check_transition(
                occurrence=occurrence, current=current, target=status, by=by, reason=reason,
                next_at=next_at, present=present,
            )
        except TransitionRefused as exc:
            raise Invalid(exc.message) from exc
        state.status, state.reason, state.next_at = status, reason, next_at
        state.save()
        AuditEntry.objects.create(
            occurrence=occurrence, action=AuditEntry.Action.STATUS, by=by, reason=reason,
            detail={"from": current, "to": status, "next_at": next_at.isoformat() if next_at else None},
        )
        signals.room_status_changed.send(
            sender=RoomState, occurrence=occurrence, previous=current, status=status, by=by, reason=reason,
            next_at=next_at,
        )
        result = selectors.RoomStatus(status, reason, next_at)
        close = 4410 if status in policy.final_statuses else 0
        _tell(occurrence, wire.ToAll(close=close, frame=_encode(result.frame())))
    return result


def _check_lobby(occurrence: Occurrence, attendee: Attendee, by: Attendee | None) -> None:
    _require_moderator(occurrence, by)
    if attendee.event_id != occurrence.event_id or not attendee.is_active:
        raise Invalid(_("This person is not invited to this session."))
    policy = policy_for(occurrence.event)
    status = selectors.room_status(occurrence, policy).status
    if selectors.room_is_over(occurrence, status, policy, timezone.now()):
        raise Invalid(_("The session is over; nobody can be admitted."))


def lobby_admit(*, occurrence: Occurrence, attendee: Attendee, by: Attendee | None, reason: str = "") -> list[Attendee]:
    """Let a waiting attendee in (with those the policy admits with them). Admitting twice is harmless."""
    _check_lobby(occurrence, attendee, by)
    group = [attendee, *policy_for(occurrence.event).admitted_with(attendee)]
    with transaction.atomic():
        for person in group:
            admission, created = Admission.objects.select_for_update().get_or_create(
                occurrence=occurrence, attendee=person,
                defaults={"decision": Admission.Decision.ADMITTED, "by": by, "reason": reason},
            )
            if not created and admission.decision != Admission.Decision.ADMITTED:
                admission.decision, admission.by, admission.reason = Admission.Decision.ADMITTED, by, reason
                admission.save()
                created = True
            if created:
                AuditEntry.objects.create(
                    occurrence=occurrence, action=AuditEntry.Action.ADMIT, by=by, subject=person, reason=reason,
                    detail={"with": str(attendee.pk)} if person != attendee else {},
                )
            _tell(occurrence, wire.Admit(attendee=str(person.pk)))
    return group


def lobby_deny(*, occurrence: Occurrence, attendee: Attendee, by: Attendee | None, reason: str = "") -> None:
    """Refuse a waiting attendee, or remove an admitted one; their sockets close with 4403."""
    _check_lobby(occurrence, attendee, by)
    # A moderating seat without an account never moderates (``acts_as_moderator``): it can be refused.
    if policy_for(occurrence.event).is_moderator(attendee) and attendee.user_id is not None:
        raise Invalid(_("A moderator cannot be sent out of the room."))
    with transaction.atomic():
        admission = Admission.objects.select_for_update().filter(occurrence=occurrence, attendee=attendee).first()
        was_admitted = admission is not None and admission.decision == Admission.Decision.ADMITTED
        if admission is None:
            admission = Admission(occurrence=occurrence, attendee=attendee)
        elif admission.decision == Admission.Decision.DENIED and admission.reason == reason:
            return
        admission.decision, admission.by, admission.reason = Admission.Decision.DENIED, by, reason
        admission.save()
        AuditEntry.objects.create(
            occurrence=occurrence, action=AuditEntry.Action.REMOVE if was_admitted else AuditEntry.Action.DENY,
            by=by, subject=attendee, reason=reason,
        )
        signals.participant_removed.send(sender=lobby_deny, occurrence=occurrence, attendee=attendee, by=by)
        frame = _encode({"type": "lobby.denied", "reason": reason})
        _tell(occurrence, wire.Deny(attendee=str(attendee.pk), frame=frame))


def chat_send(*, occurrence: Occurrence, attendee: Attendee, text: str, moderator: bool = False) -> ChatMessage:
    """``moderator``: whether the sender acts as moderator (the door's ``Entry.moderator``), which a
    moderating seat held through its link alone does not."""
    if not isinstance(text, str) or not text.strip():
        raise Invalid(_("A chat message needs some text."))
    if len(text) > CHAT_MAX_LENGTH:
        raise Invalid(_("A chat message has at most %(count)d characters.") % {"count": CHAT_MAX_LENGTH})
    policy = policy_for(occurrence.event)
    with transaction.atomic():
        message = ChatMessage.objects.create(
            occurrence=occurrence, attendee=attendee, text=text, as_moderator=moderator
        )
        metrics.CHAT_MESSAGES.inc()
        frame = selectors.chat_frame(message, selectors.participant_of(attendee, policy, moderator=moderator))
        _tell(occurrence, wire.ToAdmitted(frame=frame))
    return message


def attendance_record(*, instance: str, opened: Sequence[tuple] = (), closed: Sequence[tuple] = ()) -> None:
    """Write a batch of attendance (``rooms.live.attendance.AttendanceWriter``): the intervals ``opened``, as
    ``(id, occurrence_id, attendee_id, at)``, then those ``closed``, as ``(id, at)``.

    One transaction for the batch; should a row be refused (its sitting deleted meanwhile), the
    batch is written row by row so that the others are kept.
    """
    rows = [
        AttendanceInterval(id=interval_id, occurrence_id=occurrence_id, attendee_id=attendee_id, instance=instance,
                           joined_at=at, last_seen_at=at)
        for interval_id, occurrence_id, attendee_id, at in opened
    ]
    try:
        with transaction.atomic():
            AttendanceInterval.objects.bulk_create(rows)
            for interval_id, at in closed:
                _attendance_close(interval_id, at)
    except IntegrityError:
        for row in rows:
            with contextlib.suppress(IntegrityError), transaction.atomic():
                row.save(force_insert=True)
        for interval_id, at in closed:
            _attendance_close(interval_id, at)


def _attendance_close(interval_id: uuid.UUID, at: datetime) -> None:
    AttendanceInterval.objects.filter(pk=interval_id, left_at__isnull=True).update(left_at=at, last_seen_at=at)


def attendance_sweep(*, instance: str, ttl: float) -> int:
    """Refresh this process's open intervals; close those of dead processes at their last sign of life."""
    now = timezone.now()
    AttendanceInterval.objects.filter(instance=instance, left_at__isnull=True).update(last_seen_at=now)
    return selectors.stale_intervals(instance=instance, before=now - timedelta(seconds=ttl)).update(
        left_at=F("last_seen_at")
    )
