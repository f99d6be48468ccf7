from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class RoomsConfig(AppConfig):
    name = "rooms"
    verbose_name = _("Live rooms")

    def ready(self):
        from config.attention import register_attention
        from rooms import receivers
        from rooms.attention import lobby_waiting
        from scheduling import signals

        register_attention("rooms", lobby_waiting)

        signals.occurrence_cancelled.connect(receivers.occurrence_cancelled, dispatch_uid="rooms-occurrence-cancelled")
        signals.event_cancelled.connect(receivers.event_cancelled, dispatch_uid="rooms-event-cancelled")
        signals.attendee_removed.connect(receivers.attendee_removed, dispatch_uid="rooms-attendee-removed")
        signals.join_link_changed.connect(receivers.join_link_changed, dispatch_uid="rooms-join-link-changed")
