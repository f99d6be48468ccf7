"""Time: events, their materialised occurrences, attendees and personal calendar feeds.

Instants are stored in UTC; ``Event.timezone`` is the IANA zone the series is expanded in and
shown in. Secrets (join and feed tokens) are never stored: a row keeps a random salt and the
SHA-256 of the token; the token is HMAC(SECRET_KEY, salt), so a leaked database alone reveals
no link, and revoking or rotating a token is a new salt (see ``scheduling.tokens``).
"""

import uuid
from datetime import timedelta

from django.conf import settings
from django.db import models
from django.db.models import Q
from django.db.models.functions import Lower
from django.utils.translation import gettext_lazy as _

from scheduling import tokens


class Profile(models.Model):
    """A person's preferences: the zone and language pages and e-mails are shown in."""

    user = models.OneToOneField(settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="profile")
    timezone = models.CharField(_("time zone"), max_length=64, blank=True)
    language = models.CharField(_("language"), max_length=8, blank=True)

    def __str__(self):
        return f"{self.user} ({self.timezone or '-'}, {self.language or '-'})"


class Event(models.Model):
    class Status(models.TextChoices):
        CONFIRMED = "confirmed", _("Confirmed")
        CANCELLED = "cancelled", _("Cancelled")

    id = models.UUIDField(primary_key=True, default=uuid.uuid4, editable=False)
    # Which domain app owns the event ("class", "hearing", or "" for a plain meeting); rooms ask
    # the policy registered under this key. Never branched on inside scheduling.
    kind = models.CharField(_("kind"), max_length=32, blank=True, db_index=True)
    organizer = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="organized_events",
        verbose_name=_("organiser"),
    )
    title = models.CharField(_("title"), max_length=200)
    description = models.TextField(_("description"), blank=True)
    # A named resource (a courtroom, a lab) that cannot host two sittings at once; "" for none.
    resource = models.CharField(_("resource"), max_length=200, blank=True, db_index=True)
    timezone = models.CharField(_("time zone"), max_length=64, default="Asia/Jakarta")
    start = models.DateTimeField(_("first start"))
    duration = models.DurationField(_("duration"))
    rrule = models.CharField(_("recurrence rule"), max_length=500, blank=True)
    exdates = models.JSONField(_("excluded starts"), default=list, blank=True)  # ISO-8601 UTC strings
    uid = models.CharField(max_length=255, unique=True, editable=False)
    sequence = models.PositiveIntegerField(default=0)
    status = models.CharField(max_length=16, choices=Status.choices, default=Status.CONFIRMED)
    reminder_minutes = models.JSONField(_("reminders (minutes before)"), default=list, blank=True)
    created_at = models.DateTimeField(auto_now_add=True)
    updated_at = models.DateTimeField(auto_now=True)

    class Meta:
        ordering = ["start"]
        constraints = [
            models.CheckConstraint(condition=Q(duration__gt=timedelta(0)), name="event_duration_positive"),
        ]

    def __str__(self):
        return self.title

    @property
    def is_recurring(self) -> bool:
        return bool(self.rrule)


class Occurrence(models.Model):
    """One sitting of an event. ``recurrence_id`` is its original start (RECURRENCE-ID)."""

    class Status(models.TextChoices):
        SCHEDULED = "scheduled", _("Scheduled")
        CANCELLED = "cancelled", _("Cancelled")

    id = models.UUIDField(primary_key=True, default=uuid.uuid4, editable=False)
    event = models.ForeignKey(Event, on_delete=models.CASCADE, related_name="occurrences")
    recurrence_id = models.DateTimeField()
    start = models.DateTimeField()
    end = models.DateTimeField()
    status = models.CharField(max_length=16, choices=Status.choices, default=Status.SCHEDULED)
    # True once this sitting was changed on its own (moved, retimed): exported as an override.
    is_override = models.BooleanField(default=False)
    # True when this sitting is no longer an instance of the series' RRULE (a past sitting kept
    # after the series was retimed): exported as an RDATE of the master.
    is_rdate = models.BooleanField(default=False)
    sequence = models.PositiveIntegerField(default=0)

    class Meta:
        ordering = ["start"]
        constraints = [
            models.UniqueConstraint(fields=["event", "recurrence_id"], name="occurrence_unique_per_event"),
            models.CheckConstraint(condition=Q(end__gt=models.F("start")), name="occurrence_end_after_start"),
        ]
        indexes = [
            models.Index(fields=["start", "end"], name="occurrence_span"),
            models.Index(fields=["event", "start"], name="occurrence_event_start"),
        ]

    def __str__(self):
        return f"{self.event.title} @ {self.start.isoformat()}"

    @property
    def is_cancelled(self) -> bool:
        return self.status == self.Status.CANCELLED or self.event.status == Event.Status.CANCELLED


class Attendee(models.Model):
    """A person invited to an event, with an account or only a name and e-mail."""

    class Rsvp(models.TextChoices):
        NEEDS_ACTION = "NEEDS-ACTION", _("Not answered")
        ACCEPTED = "ACCEPTED", _("Accepted")
        DECLINED = "DECLINED", _("Declined")
        TENTATIVE = "TENTATIVE", _("Maybe")

    id = models.UUIDField(primary_key=True, default=uuid.uuid4, editable=False)
    event = models.ForeignKey(Event, on_delete=models.CASCADE, related_name="attendees")
    user = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL, related_name="attendances"
    )
    name = models.CharField(_("name"), max_length=200)
    email = models.EmailField(_("e-mail"), blank=True)
    # A domain role ("student", "presiding_judge", ...); its meaning belongs to the event's kind.
    role = models.CharField(_("role"), max_length=32, default="participant")
    rsvp = models.CharField(_("answer"), max_length=16, choices=Rsvp.choices, default=Rsvp.NEEDS_ACTION)
    rsvp_comment = models.CharField(_("comment with the answer"), max_length=500, blank=True)
    language = models.CharField(_("language"), max_length=8, blank=True)
    timezone = models.CharField(_("time zone"), max_length=64, blank=True)
    join_token_salt = models.CharField(max_length=64, default=tokens.new_salt, editable=False)
    join_token_hash = models.CharField(max_length=64, unique=True, editable=False)
    join_token_revoked_at = models.DateTimeField(null=True, blank=True)
    removed_at = models.DateTimeField(null=True, blank=True)
    created_at = models.DateTimeField(auto_now_add=True)
    updated_at = models.DateTimeField(auto_now=True)

    class Meta:
        ordering = ["name"]
        constraints = [
            models.UniqueConstraint(
                fields=["event", "user"], condition=Q(user__isnull=False, removed_at__isnull=True),
                name="attendee_unique_user_per_event",
            ),
            models.UniqueConstraint(
                "event", Lower("email"), condition=~Q(email="") & Q(removed_at__isnull=True),
                name="attendee_unique_email_per_event",
            ),
        ]
        indexes = [models.Index(Lower("email"), name="attendee_email_lower")]

    def __str__(self):
        return f"{self.name} <{self.email or '-'}> ({self.role})"

    def save(self, *args, **kwargs):
        if not self.join_token_hash:
            self.join_token_hash = tokens.token_hash(tokens.token_for("join", self.join_token_salt))
        super().save(*args, **kwargs)

    @property
    def join_token(self) -> str:
        return tokens.token_for("join", self.join_token_salt)

    @property
    def join_path(self) -> str:
        return f"/join/{self.join_token}/"

    @property
    def is_active(self) -> bool:
        return self.removed_at is None and self.join_token_revoked_at is None


class SittingAnswer(models.Model):
    """An attendee's answer for one sitting of a series, where it differs from their answer to the
    series (an iTIP REPLY with RECURRENCE-ID). A later answer to the whole series replaces these."""

    attendee = models.ForeignKey(Attendee, on_delete=models.CASCADE, related_name="sitting_answers")
    occurrence = models.ForeignKey(Occurrence, on_delete=models.CASCADE, related_name="answers")
    rsvp = models.CharField(_("answer"), max_length=16, choices=Attendee.Rsvp.choices)
    comment = models.CharField(_("comment with the answer"), max_length=500, blank=True)
    updated_at = models.DateTimeField(auto_now=True)

    class Meta:
        ordering = ["occurrence__start"]
        constraints = [
            models.UniqueConstraint(fields=["attendee", "occurrence"], name="sitting_answer_once"),
            models.CheckConstraint(
                condition=Q(rsvp__in=["ACCEPTED", "DECLINED", "TENTATIVE"]), name="sitting_answer_known"
            ),
        ]

    def __str__(self):
        return f"{self.attendee.name} @ {self.occurrence.start.isoformat()}: {self.rsvp}"


class CalendarFeed(models.Model):
    """A person's subscribable calendar: by account, or by e-mail for people without one."""

    user = models.OneToOneField(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.CASCADE,
        related_name="calendar_feed",
    )
    email = models.EmailField(blank=True)
    token_salt = models.CharField(max_length=64, default=tokens.new_salt, editable=False)
    token_hash = models.CharField(max_length=64, unique=True, editable=False)
    revoked_at = models.DateTimeField(null=True, blank=True)
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        constraints = [
            models.CheckConstraint(condition=Q(user__isnull=False) | ~Q(email=""), name="feed_has_owner"),
            models.UniqueConstraint(
                Lower("email"), condition=Q(user__isnull=True) & ~Q(email=""), name="feed_unique_email"
            ),
        ]

    def __str__(self):
        return f"feed of {self.user or self.email}"

    def save(self, *args, **kwargs):
        if not self.token_hash:
            self.token_hash = tokens.token_hash(tokens.token_for("feed", self.token_salt))
        super().save(*args, **kwargs)

    @property
    def token(self) -> str:
        return tokens.token_for("feed", self.token_salt)

    @property
    def path(self) -> str:
        return f"/calendar/{self.token}.ics"
