"""Outbox rows for every ``scheduling.signals`` signal, written inside the sender's transaction."""

from django.dispatch import receiver

from notifications import services
from notifications.models import Message
from scheduling import signals
from scheduling.models import Event


def _active(event: Event):
    return list(
        event.attendees.filter(removed_at__isnull=True, join_token_revoked_at__isnull=True).select_related(
            "user", "event"
        )
    )


@receiver(signals.event_created, dispatch_uid="notifications.event_created")
def on_event_created(sender, *, event, **kwargs):
    services.invitations_queue(event=event, attendees=_active(event), kind=Message.Kind.INVITE, method="REQUEST")


@receiver(signals.event_changed, dispatch_uid="notifications.event_changed")
def on_event_changed(sender, *, event, **kwargs):
    services.invitations_queue(event=event, attendees=_active(event), kind=Message.Kind.UPDATE, method="REQUEST")


@receiver(signals.event_cancelled, dispatch_uid="notifications.event_cancelled")
def on_event_cancelled(sender, *, event, **kwargs):
    services.invitations_queue(event=event, attendees=_active(event), kind=Message.Kind.CANCEL, method="CANCEL")


@receiver(signals.occurrence_moved, dispatch_uid="notifications.occurrence_moved")
def on_occurrence_moved(sender, *, occurrence, **kwargs):
    event = occurrence.event
    # A single event's only sitting moving is the event moving: no RECURRENCE-ID.
    services.invitations_queue(
        event=event,
        attendees=_active(event),
        kind=Message.Kind.UPDATE,
        method="REQUEST",
        occurrence=occurrence if event.is_recurring else None,
    )


@receiver(signals.occurrence_cancelled, dispatch_uid="notifications.occurrence_cancelled")
def on_occurrence_cancelled(sender, *, occurrence, **kwargs):
    services.invitations_queue(
        event=occurrence.event,
        attendees=_active(occurrence.event),
        kind=Message.Kind.CANCEL,
        method="CANCEL",
        occurrence=occurrence,
    )


@receiver(signals.attendee_added, dispatch_uid="notifications.attendee_added")
def on_attendee_added(sender, *, attendee, notify=True, **kwargs):
    event = attendee.event
    if notify and event.status == Event.Status.CONFIRMED:
        services.invitations_queue(event=event, attendees=[attendee], kind=Message.Kind.INVITE, method="REQUEST")


@receiver(signals.attendee_removed, dispatch_uid="notifications.attendee_removed")
def on_attendee_removed(sender, *, attendee, **kwargs):
    services.invitations_queue(event=attendee.event, attendees=[attendee], kind=Message.Kind.CANCEL, method="CANCEL")


@receiver(signals.rsvp_recorded, dispatch_uid="notifications.rsvp_recorded")
def on_rsvp_recorded(sender, *, attendee, occurrence=None, **kwargs):
    services.rsvp_notice_send(attendee=attendee, occurrence=occurrence)


@receiver(signals.join_link_resend, dispatch_uid="notifications.join_link_resend")
def on_join_link_resend(sender, *, attendee, key, **kwargs):
    services.invitations_queue(
        event=attendee.event, attendees=[attendee], kind=Message.Kind.INVITE, method="REQUEST", resend=key
    )
