"""Which Janus server holds a sitting's room, and the tokens Hadir gave the people it admitted."""

from django.db import models
from django.utils.translation import gettext_lazy as _

from scheduling.models import Attendee, Occurrence


class JanusRoom(models.Model):
    """A sitting's VideoRoom on one Janus server, created with a secret (Hadir alone edits it) and a
    pin (given with each ticket, so a token for one sitting opens no other)."""

    occurrence = models.OneToOneField(Occurrence, on_delete=models.CASCADE, related_name="janus_room")
    server = models.CharField(_("Janus server"), max_length=300)
    admin_server = models.CharField(_("Janus admin API"), max_length=300)
    room = models.BigIntegerField(unique=True)
    secret = models.CharField(max_length=64)
    pin = models.CharField(max_length=64)
    created_at = models.DateTimeField(auto_now_add=True)
    closed_at = models.DateTimeField(null=True, blank=True)

    def __str__(self):
        return f"{self.server} room {self.room}"

    @property
    def janus(self):
        from media.servers import janus_server

        return janus_server(url=self.server, admin_url=self.admin_server)


class MediaGrant(models.Model):
    """One admitted person's token for a sitting's Janus room: added to Janus's core (and, for those
    who may send, to the room's list of publishers); revoked when they are removed or the sitting ends."""

    janus_room = models.ForeignKey(JanusRoom, on_delete=models.CASCADE, related_name="grants")
    attendee = models.ForeignKey(Attendee, on_delete=models.CASCADE, related_name="media_grants")
    token = models.CharField(max_length=64, unique=True)
    may_publish = models.BooleanField(default=False)
    created_at = models.DateTimeField(auto_now_add=True)
    revoked_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        constraints = [
            models.UniqueConstraint(fields=["janus_room", "attendee"], condition=models.Q(revoked_at__isnull=True),
                                    name="one_live_media_grant_per_attendee"),
        ]

    def __str__(self):
        return f"{self.attendee_id} in {self.janus_room_id}"


class AudioBridge(models.Model):
    """Low-bandwidth mode: one person's mix (an AudioBridge room only they and Hadir may join), fed by
    Hadir with every other VideoRoom publisher's audio (``media.audiobridge``). ``own_feed`` is their own
    VideoRoom publisher, left out of their mix so that they do not hear themselves."""

    grant = models.ForeignKey(MediaGrant, on_delete=models.CASCADE, related_name="bridges")
    room = models.BigIntegerField(unique=True)
    secret = models.CharField(max_length=64)
    pin = models.CharField(max_length=64)
    keeper_token = models.CharField(max_length=64)
    own_feed = models.BigIntegerField(null=True, blank=True)
    keeper = models.CharField(max_length=64)
    created_at = models.DateTimeField(auto_now_add=True)
    closed_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        constraints = [
            models.UniqueConstraint(fields=["grant"], condition=models.Q(closed_at__isnull=True),
                                    name="one_open_audio_bridge_per_grant"),
        ]

    def __str__(self):
        return f"bridge {self.room} of {self.grant_id}"


class Recording(models.Model):
    """A sitting's recording for the record: one per sitting, however often it was started and
    stopped (``segments``: ``{"start", "stop", "by"}``, ISO 8601 times and the moderator's name).
    Janus writes its raw files into ``folder``; the conversion (``media.convert``) makes ``file``."""

    class Status(models.TextChoices):
        RECORDING = "recording", _("Recording")
        STOPPED = "stopped", _("Waiting for conversion")
        PROCESSING = "processing", _("Converting")
        READY = "ready", _("Ready")
        EMPTY = "empty", _("Nothing was recorded")
        FAILED = "failed", _("Conversion failed")

    occurrence = models.OneToOneField(Occurrence, on_delete=models.CASCADE, related_name="recording")
    status = models.CharField(_("status"), max_length=16, choices=Status.choices, default=Status.RECORDING)
    folder = models.CharField(_("folder"), max_length=500)
    file = models.CharField(_("file"), max_length=500, blank=True)
    duration_seconds = models.FloatField(_("duration (seconds)"), null=True, blank=True)
    size_bytes = models.BigIntegerField(_("size (bytes)"), null=True, blank=True)
    started_at = models.DateTimeField(_("started"))
    stopped_at = models.DateTimeField(_("stopped"), null=True, blank=True)
    segments = models.JSONField(default=list, blank=True)
    converted_at = models.DateTimeField(null=True, blank=True)
    claimed_at = models.DateTimeField(null=True, blank=True)  # a conversion under way since
    raw_purged_at = models.DateTimeField(null=True, blank=True)
    error = models.TextField(blank=True)

    class Meta:
        verbose_name = _("recording")
        verbose_name_plural = _("recordings")
        constraints = [
            models.CheckConstraint(condition=models.Q(status__in=["recording", "stopped", "processing", "ready",
                                                                  "empty", "failed"]),
                                   name="recording_status_known"),
        ]

    def __str__(self):
        return f"{self.occurrence_id}: {self.status}"
