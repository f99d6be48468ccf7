"""The outbox: one row per message to one recipient on one channel.

A row is written in the transaction of the change that causes it. Its e-mail (subject, bodies,
calendar) is rendered by the worker that first claims it and kept in the row, so that every later
attempt sends the same bytes under the same Message-ID. The
``idempotency_key`` is the message's identity (for an iTIP message: method, UID, RECURRENCE-ID,
SEQUENCE and recipient); its unique constraint is what keeps a change announced twice (two
signals for one change, a retried request) to one message.

Delivery (``notifications.delivery``) claims a row by setting ``status=sending`` with a lease
(``lease_until``, ``claim_token``); a row whose lease ran out belongs to a worker that died and
is claimed again.
"""

from django.conf import settings
from django.db import models
from django.db.models import Q
from django.utils.translation import gettext_lazy as _

from scheduling.models import Attendee, Event, Occurrence


class Message(models.Model):
    class Channel(models.TextChoices):
        EMAIL = "email", _("E-mail")
        IN_APP = "in_app", _("In-app")

    class Kind(models.TextChoices):
        INVITE = "invite", _("Invitation")
        UPDATE = "update", _("Update")
        CANCEL = "cancel", _("Cancellation")
        REMINDER = "reminder", _("Reminder")
        NOTICE = "notice", _("Notice")
        WARNING = "warning", _("Warning")
        FEEDBACK = "feedback", _("How did it go?")
        REPLY = "reply", _("Answer to a message")

    class Status(models.TextChoices):
        PENDING = "pending", _("Waiting")
        SENDING = "sending", _("Sending")
        SENT = "sent", _("Delivered")
        FAILED = "failed", _("Failed")
        SUPERSEDED = "superseded", _("Superseded")

    idempotency_key = models.CharField(max_length=255, unique=True)
    channel = models.CharField(_("channel"), max_length=16, choices=Channel.choices)
    kind = models.CharField(_("kind"), max_length=16, choices=Kind.choices)
    event = models.ForeignKey(Event, null=True, blank=True, on_delete=models.CASCADE, related_name="messages")
    occurrence = models.ForeignKey(
        Occurrence, null=True, blank=True, on_delete=models.SET_NULL, related_name="messages"
    )
    sequence = models.PositiveIntegerField(_("SEQUENCE"), default=0)
    method = models.CharField(max_length=16, blank=True)  # iTIP METHOD of the calendar part
    minutes_before = models.PositiveIntegerField(null=True, blank=True)  # a reminder's offset
    attendee = models.ForeignKey(Attendee, null=True, blank=True, on_delete=models.SET_NULL, related_name="messages")
    user = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        null=True,
        blank=True,
        on_delete=models.CASCADE,
        related_name="notifications",
    )
    name = models.CharField(_("recipient"), max_length=200, blank=True)
    email = models.EmailField(_("e-mail"), blank=True)
    language = models.CharField(max_length=8, blank=True)
    subject = models.CharField(_("subject"), max_length=300)
    body_text = models.TextField(blank=True)
    body_html = models.TextField(blank=True)
    ics = models.TextField(blank=True)
    url = models.CharField(max_length=500, blank=True)
    status = models.CharField(_("status"), max_length=16, choices=Status.choices, default=Status.PENDING)
    attempts = models.PositiveIntegerField(_("attempts"), default=0)
    last_error = models.TextField(_("last error"), blank=True)
    next_attempt_at = models.DateTimeField(_("next attempt"))
    lease_until = models.DateTimeField(null=True, blank=True)
    claim_token = models.CharField(max_length=32, blank=True)
    sent_at = models.DateTimeField(_("sent at"), null=True, blank=True)
    read_at = models.DateTimeField(_("read at"), null=True, blank=True)
    created_at = models.DateTimeField(_("created at"), auto_now_add=True)

    class Meta:
        ordering = ["-created_at", "-id"]
        constraints = [
            models.CheckConstraint(
                condition=~Q(channel="in_app") | Q(user__isnull=False), name="message_in_app_has_user"
            ),
            models.CheckConstraint(
                condition=~Q(status="sending") | Q(lease_until__isnull=False),
                name="message_sending_has_lease",
            ),
            models.CheckConstraint(
                condition=~Q(status="sent") | Q(sent_at__isnull=False), name="message_sent_has_time"
            ),
        ]
        indexes = [
            models.Index(fields=["status", "next_attempt_at"], name="message_due"),
            models.Index(fields=["user", "channel", "-created_at"], name="message_inbox"),
            models.Index(fields=["event", "-created_at"], name="message_event_log"),
        ]

    def __str__(self):
        return f"{self.kind} to {self.email or self.user_id} ({self.status})"

    @property
    def is_read(self) -> bool:
        return self.read_at is not None

    def plain_description(self) -> str:
        """What was sent, in words an organiser reads (the delivery log): "updated invitation",
        not "REQUEST, SEQUENCE 2"."""
        if self.kind == self.Kind.INVITE and self.sequence > 0:
            return str(_("updated invitation"))
        if self.kind == self.Kind.CANCEL:
            return str(_("cancellation of one sitting") if self.occurrence_id else _("cancellation"))
        if self.kind == self.Kind.UPDATE:
            return str(_("updated invitation"))
        if self.kind == self.Kind.REMINDER and self.minutes_before:
            return str(_("reminder, %(minutes)d minutes before") % {"minutes": self.minutes_before})
        return str(self.get_kind_display()).lower() if self.kind != self.Kind.NOTICE else str(_("notice"))


class ShortNotice(models.Model):
    """Invitations went out later than the event's kind requires (a summons under 3 days)."""

    event = models.ForeignKey(Event, on_delete=models.CASCADE, related_name="short_notices")
    starts_at = models.DateTimeField(_("starts at"))
    required = models.DurationField(_("required notice"))
    given = models.DurationField(_("notice given"))
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        ordering = ["-created_at"]
        constraints = [
            models.UniqueConstraint(fields=["event", "starts_at"], name="short_notice_once_per_start"),
        ]

    def __str__(self):
        return f"short notice for {self.event} at {self.starts_at.isoformat()}"

    @property
    def given_hours(self) -> int:
        return int(self.given.total_seconds() // 3600)

    @property
    def required_days(self) -> int:
        return self.required.days


class WorkerHeartbeat(models.Model):
    """The last time a worker ran the every-minute tick (``notifications.tasks.tick``): how old it is
    tells the health check and ``/metrics`` whether the worker cluster still runs its tasks."""

    name = models.CharField(max_length=64, primary_key=True)
    beat_at = models.DateTimeField()
    host = models.CharField(max_length=255, blank=True)

    def __str__(self):
        return f"{self.name} at {self.beat_at.isoformat()}"
