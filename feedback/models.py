"""Answers about sittings, and what the public writes to an organisation (a court, a school).

``SessionFeedback``: one answer per attendee per sitting (a second one replaces the first).
``Submission``: a correction, proposal, view or complaint sent to an organisation without an
account; its author follows it with a private link (a token whose SHA-256 alone is stored, as
``scheduling.tokens`` does for join links) and the organisation's staff answer, publish or reject it.
"""

from django.conf import settings
from django.db import models
from django.db.models import Q
from django.utils.translation import gettext_lazy as _

from scheduling import tokens
from scheduling.models import Attendee, Occurrence

RATINGS = range(1, 6)
COMMENT_MAX = 2000
TEXT_MIN, TEXT_MAX = 10, 4000


class SessionFeedback(models.Model):
    occurrence = models.ForeignKey(Occurrence, on_delete=models.CASCADE, related_name="feedback")
    attendee = models.ForeignKey(Attendee, on_delete=models.CASCADE, related_name="feedback")
    rating = models.PositiveSmallIntegerField(_("rating"))
    # How well they could see and hear; None when not answered.
    connection = models.PositiveSmallIntegerField(_("connection"), null=True, blank=True)
    comment = models.TextField(_("comment"), blank=True, max_length=COMMENT_MAX)
    anonymous = models.BooleanField(_("anonymous"), default=False)
    created_at = models.DateTimeField(auto_now_add=True)
    updated_at = models.DateTimeField(auto_now=True)

    class Meta:
        ordering = ["occurrence", "created_at"]
        verbose_name = _("session feedback")
        verbose_name_plural = _("session feedback")
        constraints = [
            models.UniqueConstraint(fields=["occurrence", "attendee"], name="feedback_once_per_sitting"),
            models.CheckConstraint(condition=Q(rating__gte=1, rating__lte=5), name="feedback_rating_1_5"),
            models.CheckConstraint(
                condition=Q(connection__isnull=True) | Q(connection__gte=1, connection__lte=5),
                name="feedback_connection_1_5",
            ),
        ]

    def __str__(self):
        return f"{self.attendee_id} on {self.occurrence_id}: {self.rating}"


class Submission(models.Model):
    class Kind(models.TextChoices):
        CORRECTION = "correction", _("Correction")
        PROPOSAL = "proposal", _("Proposal")
        VIEW = "view", _("View")
        COMPLAINT = "complaint", _("Complaint")

    class Status(models.TextChoices):
        NEW = "new", _("New")
        ANSWERED = "answered", _("Answered")
        PUBLISHED = "published", _("Published")
        REJECTED = "rejected", _("Rejected")

    organisation_kind = models.CharField(max_length=16)
    organisation_key = models.CharField(max_length=64)
    year = models.PositiveSmallIntegerField()
    number = models.PositiveIntegerField()
    kind = models.CharField(_("kind"), max_length=16, choices=Kind.choices)
    text = models.TextField(_("text"), max_length=TEXT_MAX)
    contact = models.EmailField(_("e-mail (optional)"), blank=True)
    case_number = models.CharField(_("case number (optional)"), max_length=100, blank=True)
    language = models.CharField(max_length=8, blank=True)
    status = models.CharField(_("status"), max_length=16, choices=Status.choices, default=Status.NEW)
    answer = models.TextField(_("answer"), blank=True, max_length=TEXT_MAX)
    reject_reason = models.CharField(_("reason"), max_length=500, blank=True)
    decided_by = models.ForeignKey(settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL)
    token_salt = models.CharField(max_length=64, default=tokens.new_salt, editable=False)
    token_hash = models.CharField(max_length=64, unique=True, editable=False)
    # A keyed hash of the client address (``feedback.services``), for the rate limit; never the address.
    address = models.CharField(max_length=32, blank=True, editable=False, db_index=True)
    created_at = models.DateTimeField(auto_now_add=True, db_index=True)
    answered_at = models.DateTimeField(null=True, blank=True)
    published_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        ordering = ["-created_at", "-id"]
        verbose_name = _("public submission")
        verbose_name_plural = _("public submissions")
        constraints = [
            models.UniqueConstraint(fields=["year", "number"], name="submission_reference_unique"),
            models.CheckConstraint(condition=Q(status__in=["new", "answered", "published", "rejected"]),
                                   name="submission_status_known"),
            models.CheckConstraint(condition=~Q(status="published") | ~Q(answer=""),
                                   name="submission_published_answered"),
        ]
        indexes = [models.Index(fields=["organisation_kind", "organisation_key", "status"], name="submission_inbox")]

    def __str__(self):
        return self.reference

    def save(self, *args, **kwargs):
        if not self.token_hash:
            self.token_hash = tokens.token_hash(self.token)
        super().save(*args, **kwargs)

    @property
    def reference(self) -> str:
        return f"FB-{self.year}-{self.number:06d}"

    @property
    def token(self) -> str:
        return tokens.token_for("submission", self.token_salt)
