"""Attendees: inviting (``attendee_add``; ``event_create`` invites the first ones through the same
checks), uninviting, answers, and the personal link (rotate, revoke, send again).

Whom the organiser may invite is ``policies.strangers``; how many, ``scheduling.limits``.
"""

import logging
from collections.abc import Iterable
from dataclasses import dataclass

from django.db import IntegrityError, transaction
from django.db.models import Q
from django.utils.translation import gettext as _

from config.types import User
from scheduling import limits, policies, recurrence, signals, tokens
from scheduling.errors import SchedulingError
from scheduling.models import Attendee, Event, Occurrence, SittingAnswer
from scheduling.services import validation
from scheduling.text import has_control_characters

logger = logging.getLogger(__name__)


@dataclass(frozen=True)
class AttendeeSpec:
    name: str = ""
    email: str = ""
    user: User | None = None
    role: str = "participant"
    language: str = ""
    timezone: str = ""


def contacted(specs: Iterable[AttendeeSpec]) -> int:
    """How many messages inviting these people sends (one each with an address or an account)."""
    return sum(1 for spec in specs if spec.email or spec.user is not None)


def people_of(specs: Iterable[AttendeeSpec]) -> list[User | str]:
    people: list[User | str] = []
    for spec in specs:
        if spec.user is not None:
            people.append(spec.user)
        if spec.email:
            people.append(spec.email)
    return people


def checked_spec(spec: AttendeeSpec) -> AttendeeSpec:
    """The spec with its name, address and role cleaned and every field checked (before anything
    else is asked of it), or a ``SchedulingError`` naming the field."""
    user = spec.user
    email = validation.email(spec.email or (getattr(user, "email", "") if user is not None else ""))
    name = (spec.name or "").strip() if isinstance(spec.name, str) else ""
    if not name and user is not None:
        name = user.get_full_name() or user.get_username()
    if not name:
        name = email.split("@")[0]
    if not name:
        raise SchedulingError(_("An attendee needs a name, an e-mail address or an account."), field="name")
    if len(name) > 200:
        raise SchedulingError(_("A name has at most 200 characters."), field="name")
    name = validation.text(name, field="name", max_length=200)
    role = spec.role.strip() if isinstance(spec.role, str) and spec.role.strip() else "participant"
    if len(role) > 32:
        raise SchedulingError(_("A role has at most 32 characters."), field="role")
    role = validation.text(role, field="role", max_length=32)
    if spec.timezone:
        recurrence.zone_for(spec.timezone)
    return AttendeeSpec(name=name, email=email, user=user, role=role,
                        language=validation.language(spec.language), timezone=spec.timezone or "")


def new_attendee(*, event: Event, spec: AttendeeSpec) -> Attendee:
    """The attendee row of a ``checked_spec``."""
    user, name, email = spec.user, spec.name, spec.email
    active = event.attendees.filter(removed_at__isnull=True)
    duplicate = Q(email__iexact=email) if email else Q(pk__in=[])
    if user is not None:
        duplicate |= Q(user=user)
    if active.filter(duplicate).exists():
        raise SchedulingError(
            _("%(name)s is already invited to this event.") % {"name": email or name}, field="email",
            code="duplicate",
        )
    try:
        with transaction.atomic():
            return Attendee.objects.create(
                event=event, user=user, name=name, email=email, role=spec.role, language=spec.language,
                timezone=spec.timezone,
            )
    except IntegrityError as error:  # a concurrent add of the same person
        raise SchedulingError(
            _("%(name)s is already invited to this event.") % {"name": email or name}, field="email",
            code="duplicate",
        ) from error


def attendee_add(
    *, event: Event, name: str = "", email: str = "", user: User | None = None, role: str = "participant",
    language: str = "", timezone: str = "", notify: bool = True,
) -> Attendee:
    """Invite one person (``notify=False``: no invite is sent, e.g. a public observer).

    Whom and how many the event's organiser may invite: as for ``event_create``.
    """
    validation.refuse_if_cancelled(event)
    spec = checked_spec(
        AttendeeSpec(name=name, email=email, user=user, role=role, language=language, timezone=timezone)
    )
    organizer = event.organizer
    validation.refuse_strangers(organizer=organizer, people=people_of([spec]))
    active = event.attendees.filter(removed_at__isnull=True).count()
    limits.refuse_too_many_attendees(organizer=organizer, count=active + 1)
    if notify:
        limits.refuse_over_message_budget(organizer=organizer, messages=contacted([spec]))
    with transaction.atomic():
        attendee = new_attendee(event=event, spec=spec)
        signals.attendee_added.send(sender=Attendee, attendee=attendee, notify=notify)
    return attendee


def attendee_remove(*, attendee: Attendee, by: User | None) -> Attendee:
    """Uninvite one person; their link stops working and they get a CANCEL (higher SEQUENCE)."""
    if attendee.removed_at is not None:
        raise SchedulingError(_("This person is no longer invited."), code="removed")
    with transaction.atomic():
        event = Event.objects.select_for_update().get(pk=attendee.event_id)
        attendee.removed_at = validation.now()
        attendee.save(update_fields=["removed_at", "updated_at"])
        validation.bump(event)
        attendee.event = event
        signals.attendee_removed.send(sender=Attendee, attendee=attendee)
    logger.info("attendee %s removed by %s", attendee.pk, by)
    return attendee


def attendee_rsvp(
    *, attendee: Attendee, rsvp: str, occurrence: Occurrence | None = None, comment: str = ""
) -> Attendee:
    """Record an answer (ACCEPTED, DECLINED, TENTATIVE or NEEDS-ACTION) to the series, or, with
    ``occurrence``, to that one sitting only. An answer to the series replaces the sittings' own.

    The RSVP page and calendar replies (``scheduling.replies``) both come here, so the organiser
    hears of either alike (``signals.rsvp_recorded``)."""
    if rsvp not in Attendee.Rsvp.values or (occurrence is not None and rsvp == Attendee.Rsvp.NEEDS_ACTION):
        raise SchedulingError(_("This is not a valid answer."), field="rsvp")
    comment = " ".join((comment or "").split())[:500]
    if has_control_characters(comment):
        raise SchedulingError(_("The comment may not contain control characters."), field="comment")
    if not attendee.is_active:
        raise SchedulingError(_("This invitation is no longer valid."), code="removed")
    validation.refuse_if_cancelled(attendee.event)
    if occurrence is not None:
        if occurrence.event_id != attendee.event_id or occurrence.status != Occurrence.Status.SCHEDULED:
            raise SchedulingError(_("This sitting is not part of the invitation."), field="occurrence")
        with transaction.atomic():
            answer, created = SittingAnswer.objects.get_or_create(
                attendee=attendee, occurrence=occurrence, defaults={"rsvp": rsvp, "comment": comment}
            )
            if not created and (answer.rsvp, answer.comment) == (rsvp, comment):
                return attendee
            answer.rsvp, answer.comment = rsvp, comment
            answer.save()
            signals.rsvp_recorded.send(sender=Attendee, attendee=attendee, occurrence=occurrence)
        return attendee
    if attendee.rsvp == rsvp and attendee.rsvp_comment == comment and not attendee.sitting_answers.exists():
        return attendee
    with transaction.atomic():
        attendee.rsvp = rsvp
        attendee.rsvp_comment = comment
        attendee.save(update_fields=["rsvp", "rsvp_comment", "updated_at"])
        attendee.sitting_answers.all().delete()
        signals.rsvp_recorded.send(sender=Attendee, attendee=attendee, occurrence=None)
    return attendee


# ---------------------------------------------------------------- the personal link


def _require_link_manager(attendee: Attendee, by: User | None) -> None:
    """``by`` None is the system; a person must organise the event or be its domain's staff."""
    if by is not None:
        policies.require_manage_links(by, attendee.event)
    if attendee.removed_at is not None:
        raise SchedulingError(_("This person is no longer invited."), code="removed")


def attendee_token_rotate(*, attendee: Attendee, by: User | None) -> Attendee:
    """A new personal link; the old one stops working, and so does every browser that entered with it."""
    _require_link_manager(attendee, by)
    with transaction.atomic():
        attendee.join_token_salt = tokens.new_salt()
        attendee.join_token_hash = tokens.token_hash(tokens.token_for("join", attendee.join_token_salt))
        attendee.join_token_revoked_at = None
        attendee.save(
            update_fields=["join_token_salt", "join_token_hash", "join_token_revoked_at", "updated_at"]
        )
        signals.join_link_changed.send(sender=Attendee, attendee=attendee)
    logger.info("attendee %s link rotated by %s", attendee.pk, by)
    return attendee


def attendee_token_revoke(*, attendee: Attendee, by: User | None) -> Attendee:
    """The personal link stops working, and every browser that entered with it is out (the person
    stays invited; a rotation gives them a new link)."""
    _require_link_manager(attendee, by)
    with transaction.atomic():
        attendee.join_token_revoked_at = validation.now()
        attendee.save(update_fields=["join_token_revoked_at", "updated_at"])
        signals.join_link_changed.send(sender=Attendee, attendee=attendee)
    logger.info("attendee %s link revoked by %s", attendee.pk, by)
    return attendee


def attendee_invite_resend(*, attendee: Attendee, by: User | None) -> Attendee:
    """Send the invitation with the person's current link again (after a rotation, or a lost mail).

    Asking twice within the same minute sends one message (a double click). The message counts
    against the organiser's hourly budget (``scheduling.limits``) like any invitation."""
    _require_link_manager(attendee, by)
    if attendee.join_token_revoked_at is not None:
        raise SchedulingError(_("This link was withdrawn; make a new one before sending it."), code="revoked")
    event = attendee.event
    validation.refuse_if_cancelled(event)
    limits.refuse_over_message_budget(organizer=event.organizer, messages=1)
    minute = validation.now().strftime("%Y%m%dT%H%M")
    with transaction.atomic():
        key = f"{attendee.join_token_hash[:16]}:{minute}"
        signals.join_link_resend.send(sender=Attendee, attendee=attendee, key=key)
    logger.info("attendee %s invitation sent again by %s", attendee.pk, by)
    return attendee
