from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class MediaConfig(AppConfig):
    name = "media"
    verbose_name = _("Audio and video server")
    default_auto_field = "django.db.models.BigAutoField"

    def ready(self):
        from media import receivers, recording
        from media.engine import JanusEngine
        from rooms.policies import register_media_engine
        from rooms.signals import participant_left, participant_removed, room_status_changed
        from scheduling import signals

        register_media_engine(JanusEngine())
        participant_removed.connect(receivers.participant_removed, dispatch_uid="media-participant-removed")
        participant_left.connect(receivers.participant_left, dispatch_uid="media-participant-left")
        room_status_changed.connect(receivers.room_status_changed, dispatch_uid="media-room-status-changed")
        signals.attendee_removed.connect(receivers.attendee_gone, dispatch_uid="media-attendee-removed")
        signals.join_link_changed.connect(receivers.attendee_gone, dispatch_uid="media-join-link-changed")
        signals.occurrence_cancelled.connect(receivers.occurrence_cancelled, dispatch_uid="media-occurrence-cancelled")
        # After the room's own receivers: its destroyed room closes the recording's files first.
        room_status_changed.connect(recording.room_status_changed, dispatch_uid="media-recording-status")
        signals.occurrence_cancelled.connect(recording.occurrence_cancelled, dispatch_uid="media-recording-cancelled")
