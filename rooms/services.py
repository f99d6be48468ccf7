"""Every write about rooms. Each owns its transaction and tells the room's sockets on commit."""

from __future__ import annotations

import contextlib
import json
import uuid
from collections.abc import Sequence
from datetime import datetime, timedelta
from zoneinfo import ZoneInfo

from django.db import IntegrityError, transaction
from django.db.models import F, Q
from django.utils import timezone
from django.utils.translation import gettext as _

from config import metrics
from rooms import selectors, signals, wire
from rooms.errors import Forbidden, Invalid
from rooms.models import Admission, AttendanceInterval, AuditEntry, ChatMessage, RoomState
from rooms.policies import TransitionRefused, initial_statuses, policy_for
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

    ``by`` is the moderator's attendee, or None for the system (a scheduled job). A ``next_at``
    without a zone is read in the event's zone (a court's "09:00" is 09:00 WIB wherever typed).
    """
    policy = policy_for(occurrence.event)
    if next_at is not None and timezone.is_naive(next_at):
        next_at = timezone.make_aware(next_at, ZoneInfo(occurrence.event.timezone))
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


def room_open_when_due(*, occurrence: Occurrence, now: datetime | None = None) -> None:
    """Open the room by itself once the sitting has started, where its policy says so (a class,
    unless its students wait): the status moves as a moderator's change would (receivers run, e.g.
    the students waiting are let in), by the system. Anything else (not due, already moved,
    cancelled) leaves it as it is."""
    now = now or timezone.now()
    if occurrence.is_cancelled or not occurrence.start <= now < occurrence.end:
        return
    policy = policy_for(occurrence.event)
    target = policy.opens_at_start(occurrence)
    if target is None or selectors.room_status(occurrence, policy).status != policy.initial_status:
        return
    with contextlib.suppress(Invalid):  # another request moved it meanwhile
        room_status_set(occurrence=occurrence, status=target, by=None)


def rooms_open_due(*, now: datetime | None = None) -> int:
    """Every minute (``rooms.tasks.open_due``): open the rooms due to open by themselves
    (``room_open_when_due``) though nobody has asked for their page yet. How many it opened."""
    now = now or timezone.now()
    due = (
        Occurrence.objects.select_related("event")
        .filter(start__lte=now, end__gt=now)
        .exclude(status=Occurrence.Status.CANCELLED)
        .filter(Q(room_state__isnull=True) | Q(room_state__status__in=initial_statuses()))
    )
    opened = 0
    for occurrence in due:
        room_open_when_due(occurrence=occurrence, now=now)
        opened += selectors.room_status(occurrence).status not in initial_statuses()
    return opened


def _check_lobby(occurrence: Occurrence, attendee: Attendee | None, by: Attendee | None) -> None:
    """``attendee`` None: check the room only (``lobby_admit_many`` checks its people one by one)."""
    _require_moderator(occurrence, by)
    if attendee is not None:
        _check_invited(occurrence, attendee)
    policy = policy_for(occurrence.event)
    status = selectors.room_status(occurrence, policy).status
    if selectors.room_is_over(occurrence, status, policy, timezone.now()):
        raise Invalid(_("The session is over; nobody can be admitted."))


def _check_invited(occurrence: Occurrence, attendee: Attendee) -> None:
    if attendee.event_id != occurrence.event_id or not attendee.is_active:
        raise Invalid(_("This person is not invited to this session."))


def lobby_admit(*, occurrence: Occurrence, attendee: Attendee, by: Attendee | None, reason: str = "") -> list[Attendee]:
    """Let one waiting attendee in: that person only (an interpreter's witness stays out until
    admitted too). Admitting twice is harmless."""
    return lobby_admit_many(occurrence=occurrence, attendees=[attendee], by=by, reason=reason)


def lobby_admit_many(*, occurrence: Occurrence, attendees: list[Attendee], by: Attendee | None,
                     reason: str = "") -> list[Attendee]:
    """Let each of ``attendees`` in, in one transaction (a witness and their interpreter, or a
    class's whole lobby); every one is checked as ``lobby_admit`` checks one, and none is admitted
    when one is refused."""
    _check_lobby(occurrence, None, by)
    for attendee in attendees:
        _check_invited(occurrence, attendee)
    with transaction.atomic():
        for person in attendees:
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
                )
            _tell(occurrence, wire.Admit(attendee=str(person.pk)))
    return list(attendees)


def lobby_admit_all(*, occurrence: Occurrence, attendee_ids: set[uuid.UUID] | None, by: Attendee | None,
                    reason: str = "") -> list[Attendee]:
    """``lobby.admit_all``: the attendees with those ids (a witness and their interpreter, on
    purpose; none is admitted when one is not of this sitting's event), or, ``attendee_ids`` None,
    everyone waiting now where the room's policy allows it."""
    if attendee_ids is None:
        return lobby_admit_waiting(occurrence=occurrence, by=by, reason=reason)
    attendees = list(Attendee.objects.select_related("event").filter(pk__in=attendee_ids,
                                                                       event_id=occurrence.event_id))
    if len(attendees) != len(attendee_ids):
        raise Invalid(_("No such participant in this room."))
    return lobby_admit_many(occurrence=occurrence, attendees=attendees, by=by, reason=reason)


def lobby_admit_waiting(*, occurrence: Occurrence, by: Attendee | None, reason: str = "") -> list[Attendee]:
    """Let in everyone waiting in the lobby now, where the room's policy allows it (a class; not a
    hearing, whose people are called one by one)."""
    if not policy_for(occurrence.event).admit_all:
        raise Invalid(_("In this session people are let in one by one."))
    waiting = [p["id"] for p in selectors.room_presence(occurrence) if p["status"] == "waiting"]
    attendees = list(occurrence.event.attendees.select_related("event").filter(pk__in=waiting))
    return lobby_admit_many(occurrence=occurrence, attendees=attendees, by=by, reason=reason)


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
        frame = selectors.chat_frame(message, selectors.participant_of(attendee, policy, moderator=moderator,
                                                                          linked=False))
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


def participants_left(*, occurrence_id: str, attendee_ids: Sequence[str]) -> int:
    """Announce (``rooms.signals.participant_left``) that these attendees' last connection to the
    room is gone for good (the presence grace period ran out). Returns how many were announced."""
    occurrence = Occurrence.objects.filter(pk=occurrence_id).select_related("event").first()
    if occurrence is None:
        return 0
    attendees = list(Attendee.objects.filter(event_id=occurrence.event_id, pk__in=list(attendee_ids)))
    for attendee in attendees:
        signals.participant_left.send(sender=participants_left, occurrence=occurrence, attendee=attendee)
    return len(attendees)
