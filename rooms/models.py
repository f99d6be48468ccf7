"""The lasting side of a live room: its status, lobby decisions, chat, attendance and audit log.

Who is connected right now is not here: it lives in the presence store (``rooms.presence``),
in process memory or in Redis, with heartbeat TTLs, so that a dead process leaves no ghost.
"""

import uuid

from django.db import models
from django.db.models import Q
from django.utils.translation import gettext_lazy as _

from scheduling.models import Attendee, Occurrence


class RoomState(models.Model):
    """The session's status as the event's policy defines it; absent means the policy's initial one."""

    occurrence = models.OneToOneField(Occurrence, on_delete=models.CASCADE, related_name="room_state")
    status = models.CharField(_("status"), max_length=32)
    reason = models.TextField(_("reason"), blank=True)
    next_at = models.DateTimeField(_("next sitting"), null=True, blank=True)
    changed_at = models.DateTimeField(auto_now=True)

    def __str__(self):
        return f"{self.occurrence_id}: {self.status}"


class Admission(models.Model):
    """A moderator's lobby decision for one attendee in one sitting; the latest one counts."""

    class Decision(models.TextChoices):
        ADMITTED = "admitted", _("Admitted")
        DENIED = "denied", _("Denied")

    occurrence = models.ForeignKey(Occurrence, on_delete=models.CASCADE, related_name="admissions")
    attendee = models.ForeignKey(Attendee, on_delete=models.CASCADE, related_name="admissions")
    decision = models.CharField(max_length=16, choices=Decision.choices)
    by = models.ForeignKey(Attendee, null=True, on_delete=models.SET_NULL, related_name="+")
    reason = models.TextField(blank=True)
    decided_at = models.DateTimeField(auto_now=True)

    class Meta:
        constraints = [
            models.UniqueConstraint(fields=["occurrence", "attendee"], name="admission_unique_per_sitting"),
        ]

    def __str__(self):
        return f"{self.attendee_id} {self.decision} in {self.occurrence_id}"


class AuditEntry(models.Model):
    """Who did what in a room, when and why: admissions, denials, removals, status changes."""

    class Action(models.TextChoices):
        ADMIT = "admit", _("Admitted")
        DENY = "deny", _("Denied")
        REMOVE = "remove", _("Removed")
        STATUS = "status", _("Status changed")

    occurrence = models.ForeignKey(Occurrence, on_delete=models.CASCADE, related_name="room_audit")
    action = models.CharField(max_length=16, choices=Action.choices)
    by = models.ForeignKey(Attendee, null=True, blank=True, on_delete=models.SET_NULL, related_name="+")
    subject = models.ForeignKey(Attendee, null=True, blank=True, on_delete=models.SET_NULL, related_name="+")
    reason = models.TextField(blank=True)
    detail = models.JSONField(default=dict, blank=True)
    at = models.DateTimeField(auto_now_add=True, db_index=True)

    class Meta:
        ordering = ["at", "id"]

    def __str__(self):
        return f"{self.at:%Y-%m-%d %H:%M:%S} {self.action} {self.detail}"


class ChatMessage(models.Model):
    occurrence = models.ForeignKey(Occurrence, on_delete=models.CASCADE, related_name="chat_messages")
    attendee = models.ForeignKey(Attendee, on_delete=models.CASCADE, related_name="chat_messages")
    text = models.TextField()
    sent_at = models.DateTimeField(auto_now_add=True)
    # Whether the sender acted as moderator (``rooms.policies.acts_as_moderator``), not whether the
    # seat moderates: a moderator's link alone speaks as a participant, in the history too.
    as_moderator = models.BooleanField(default=False)

    class Meta:
        ordering = ["sent_at", "id"]
        indexes = [models.Index(fields=["occurrence", "-sent_at"], name="chat_recent")]
        constraints = [
            models.CheckConstraint(condition=~Q(text=""), name="chat_text_not_empty"),
        ]

    def __str__(self):
        return self.text[:50]


class AttendanceInterval(models.Model):
    """One connection's stay in a room, from admission to leaving.

    ``last_seen_at`` is refreshed in bulk by the process holding the connection; when that
    process dies, a sweeper elsewhere closes the interval at its last sign of life.
    """

    id = models.UUIDField(primary_key=True, default=uuid.uuid4, editable=False)
    occurrence = models.ForeignKey(Occurrence, on_delete=models.CASCADE, related_name="attendance")
    attendee = models.ForeignKey(Attendee, on_delete=models.CASCADE, related_name="attendance")
    instance = models.CharField(max_length=64, db_index=True)
    joined_at = models.DateTimeField()
    last_seen_at = models.DateTimeField()
    left_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        ordering = ["joined_at"]
        indexes = [models.Index(fields=["occurrence", "attendee"], name="attendance_per_person")]
        constraints = [
            models.CheckConstraint(
                condition=Q(left_at__isnull=True) | Q(left_at__gte=models.F("joined_at")),
                name="attendance_leaves_after_joining",
            ),
        ]

    def __str__(self):
        return f"{self.attendee_id} {self.joined_at}–{self.left_at or '…'}"


class VideoSettings(models.Model):
    """An organisation's (a school's, a court's) choice of video service; domain models inherit it
    and their room policies pass it to ``media_setup``."""

    always_external_video = models.BooleanField(
        _("always use an external video service"), default=False,
        help_text=_("Off: rooms up to the mesh size get Hadir's own audio and video."),
    )
    video_url_template = models.CharField(
        _("external video link"), max_length=300, blank=True,
        help_text=_("For example https://meet.jit.si/{room}; {room} becomes a name nobody can guess. "
                    "Empty: the site's default."),
    )

    class Meta:
        abstract = True
