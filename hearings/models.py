"""Courts, cases and hearings; who takes part in a hearing and in which role; its status log.

A hearing's date, time and invitations live in ``scheduling`` (one ``Event`` of kind "hearing"
with the courtroom as its named resource); its live side (presence, lobby) lives in ``rooms``.
This app owns what a court needs on top: the case, the roles, the status machine and its log.
"""

import uuid

from django.conf import settings
from django.db import models
from django.db.models import Q
from django.utils.translation import gettext_lazy as _

from rooms.models import VideoSettings
from scheduling import tokens


class Court(VideoSettings):
    class ClosedDisplay(models.TextChoices):
        OMIT = "omit", _("Leave closed hearings off the public docket")
        LISTED = "listed", _("List closed hearings as case number and “closed hearing”")

    name = models.CharField(_("name"), max_length=200)
    slug = models.SlugField(_("short name in links"), max_length=80, unique=True)
    timezone = models.CharField(_("time zone"), max_length=64, default="Asia/Jakarta")
    # What invitations, reminders and the docket are written in for people who chose no language.
    language = models.CharField(_("language"), max_length=8, choices=settings.LANGUAGES, default="id")
    closed_display = models.CharField(
        _("closed hearings on the public docket"), max_length=16,
        choices=ClosedDisplay.choices, default=ClosedDisplay.LISTED,
    )
    allow_recording = models.BooleanField(
        _("hearings may be recorded"), default=False,
        help_text=_("The clerk may record a hearing through the audio and video server; only the court's staff "
                    "get the file."),
    )

    class Meta:
        ordering = ["name"]
        verbose_name = _("court")
        verbose_name_plural = _("courts")

    def __str__(self):
        return self.name


class CourtMembership(models.Model):
    """Court staff: clerks schedule and keep the lobby; judges see and run their court's hearings."""

    class Role(models.TextChoices):
        CLERK = "clerk", _("Clerk")
        JUDGE = "judge", _("Judge")

    court = models.ForeignKey(Court, on_delete=models.CASCADE, related_name="memberships")
    user = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="court_memberships")
    role = models.CharField(_("role"), max_length=16, choices=Role.choices)

    class Meta:
        verbose_name = _("court staff member")
        verbose_name_plural = _("court staff")
        constraints = [models.UniqueConstraint(fields=["court", "user"], name="court_membership_unique")]

    def __str__(self):
        return f"{self.user} ({self.role}, {self.court})"


class Role(models.TextChoices):
    PRESIDING_JUDGE = "presiding_judge", _("Presiding judge")
    MEMBER_JUDGE = "member_judge", _("Member judge")
    CLERK = "clerk", _("Clerk")
    PROSECUTOR = "prosecutor", _("Prosecutor")
    PLAINTIFF = "plaintiff", _("Plaintiff")
    DEFENDANT = "defendant", _("Defendant")
    COUNSEL = "counsel", _("Counsel")
    WITNESS = "witness", _("Witness")
    EXPERT = "expert", _("Expert")
    INTERPRETER = "interpreter", _("Interpreter")
    OBSERVER = "observer", _("Observer")


BENCH_ROLES = (Role.PRESIDING_JUDGE, Role.MEMBER_JUDGE)
MODERATOR_ROLES = (Role.PRESIDING_JUDGE, Role.CLERK)
# The session cannot start until these are connected.
REQUIRED_FOR_SESSION = (Role.PRESIDING_JUDGE, Role.CLERK)
# People whose diaries must not clash: checked for conflicts across hearings.
CONFLICT_CHECKED_ROLES = (Role.PRESIDING_JUDGE, Role.MEMBER_JUDGE, Role.CLERK, Role.COUNSEL)
# Counsel represents one of these.
REPRESENTED_ROLES = (Role.PLAINTIFF, Role.DEFENDANT)
# Roles that appear once per hearing.
SINGLE_ROLES = (Role.PRESIDING_JUDGE, Role.CLERK)


class CaseType(models.TextChoices):
    CRIMINAL = "criminal", _("Criminal")
    CIVIL = "civil", _("Civil")
    ADMINISTRATIVE = "administrative", _("Administrative")


_COMMON_ROLES = (
    Role.PRESIDING_JUDGE, Role.MEMBER_JUDGE, Role.CLERK, Role.COUNSEL, Role.WITNESS, Role.EXPERT,
    Role.INTERPRETER, Role.OBSERVER,
)
ALLOWED_ROLES: dict[str, frozenset[str]] = {
    CaseType.CRIMINAL: frozenset((*_COMMON_ROLES, Role.PROSECUTOR, Role.DEFENDANT)),
    CaseType.CIVIL: frozenset((*_COMMON_ROLES, Role.PLAINTIFF, Role.DEFENDANT)),
    CaseType.ADMINISTRATIVE: frozenset((*_COMMON_ROLES, Role.PLAINTIFF, Role.DEFENDANT)),
}


class Case(models.Model):
    id = models.UUIDField(primary_key=True, default=uuid.uuid4, editable=False)
    court = models.ForeignKey(Court, on_delete=models.PROTECT, related_name="cases", verbose_name=_("court"))
    number = models.CharField(_("case number"), max_length=100)
    case_type = models.CharField(_("case type"), max_length=32, choices=CaseType.choices)
    # The parties as the court writes them ("Budi Santoso v. PT Maju Jaya"): never shown in
    # public for a closed hearing.
    parties = models.CharField(_("parties"), max_length=500)
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        ordering = ["court", "number"]
        verbose_name = _("case")
        verbose_name_plural = _("cases")
        constraints = [models.UniqueConstraint(fields=["court", "number"], name="case_number_unique_per_court")]

    def __str__(self):
        return self.number


class Status(models.TextChoices):
    SCHEDULED = "scheduled", _("Scheduled")
    OPEN = "open", _("Lobby open")
    IN_SESSION = "in_session", _("In session")
    RECESS = "recess", _("Recess")
    CONCLUDED = "concluded", _("Concluded")
    ADJOURNED = "adjourned", _("Adjourned")
    POSTPONED = "postponed", _("Postponed")
    CANCELLED = "cancelled", _("Cancelled")


TRANSITIONS: dict[str, tuple[str, ...]] = {
    Status.SCHEDULED: (Status.OPEN, Status.POSTPONED, Status.CANCELLED),
    Status.OPEN: (Status.IN_SESSION,),
    Status.IN_SESSION: (Status.RECESS, Status.CONCLUDED, Status.ADJOURNED),
    Status.RECESS: (Status.IN_SESSION, Status.CONCLUDED, Status.ADJOURNED),
    # A postponed hearing sits again on its new date.
    Status.POSTPONED: (Status.OPEN, Status.CANCELLED),
    Status.CONCLUDED: (),
    Status.ADJOURNED: (),
    Status.CANCELLED: (),
}
FINAL_STATUSES = (Status.CONCLUDED, Status.ADJOURNED, Status.CANCELLED)
# Transitions that need a reason; those in NEEDS_DATE also a future date.
NEEDS_REASON = (Status.ADJOURNED, Status.POSTPONED, Status.CANCELLED)
NEEDS_DATE = (Status.ADJOURNED, Status.POSTPONED)


class Hearing(models.Model):
    id = models.UUIDField(primary_key=True, default=uuid.uuid4, editable=False)
    case = models.ForeignKey(Case, on_delete=models.PROTECT, related_name="hearings", verbose_name=_("case"))
    event = models.OneToOneField("scheduling.Event", on_delete=models.PROTECT, related_name="hearing")
    occurrence = models.OneToOneField("scheduling.Occurrence", on_delete=models.PROTECT, related_name="hearing")
    agenda = models.CharField(_("agenda"), max_length=500)
    is_public = models.BooleanField(_("public hearing"), default=True)
    courtroom = models.CharField(_("courtroom"), max_length=200)
    status = models.CharField(_("status"), max_length=16, choices=Status.choices, default=Status.SCHEDULED)
    # The latest postponement or adjournment: its reason and the date it points to.
    status_reason = models.CharField(_("reason"), max_length=500, blank=True)
    next_at = models.DateTimeField(_("next date"), null=True, blank=True)
    # Where a postponed hearing was first due, so that day's docket still explains it.
    postponed_from = models.DateTimeField(null=True, blank=True)
    started_at = models.DateTimeField(_("actual start"), null=True, blank=True)
    ended_at = models.DateTimeField(_("actual end"), null=True, blank=True)
    previous = models.OneToOneField(
        "self", null=True, blank=True, on_delete=models.PROTECT, related_name="next_hearing",
        verbose_name=_("previous hearing"),
    )
    observer_capacity = models.PositiveIntegerField(_("observer places"), default=50)
    observer_salt = models.CharField(max_length=64, default=tokens.new_salt, editable=False)
    observer_token_hash = models.CharField(max_length=64, unique=True, editable=False)
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        ordering = ["occurrence__start"]
        verbose_name = _("hearing")
        verbose_name_plural = _("hearings")
        constraints = [
            models.CheckConstraint(
                condition=Q(status__in=Status.values), name="hearing_status_known",
            ),
            models.CheckConstraint(
                condition=~Q(status__in=NEEDS_DATE) | Q(next_at__isnull=False), name="hearing_next_date_set",
            ),
            models.CheckConstraint(
                condition=Q(ended_at__isnull=True) | Q(started_at__isnull=False), name="hearing_end_after_start",
            ),
        ]

    def __str__(self):
        return f"{self.case.number}: {self.agenda}"

    def save(self, *args, **kwargs):
        if not self.observer_token_hash:
            self.observer_token_hash = tokens.token_hash(self.observer_token)
        super().save(*args, **kwargs)

    @property
    def observer_token(self) -> str:
        return tokens.token_for("observe", self.observer_salt)

    @property
    def is_final(self) -> bool:
        return self.status in FINAL_STATUSES


class HearingParticipant(models.Model):
    """One person in one hearing: their invitation (an ``Attendee``) and their role in court."""

    hearing = models.ForeignKey(Hearing, on_delete=models.CASCADE, related_name="participants")
    attendee = models.OneToOneField("scheduling.Attendee", on_delete=models.CASCADE, related_name="hearing_role")
    role = models.CharField(_("role"), max_length=32, choices=Role.choices)
    represents = models.ForeignKey(
        "self", null=True, blank=True, on_delete=models.PROTECT, related_name="counsel",
        verbose_name=_("represents"),
    )
    interprets_for = models.ForeignKey(
        "self", null=True, blank=True, on_delete=models.PROTECT, related_name="interpreters",
        verbose_name=_("interprets for"),
    )
    # An observer's place: which browser session and which client address took it, as keyed hashes
    # (``hearings.observers.observer_join``), so that neither can be hoarded; never the raw values.
    observer_session = models.CharField(max_length=32, blank=True, editable=False, db_index=True)
    observer_address = models.CharField(max_length=32, blank=True, editable=False, db_index=True)
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        ordering = ["hearing", "created_at"]
        verbose_name = _("hearing participant")
        verbose_name_plural = _("hearing participants")
        constraints = [
            models.CheckConstraint(
                condition=Q(role=Role.COUNSEL, represents__isnull=False)
                | (~Q(role=Role.COUNSEL) & Q(represents__isnull=True)),
                name="participant_counsel_represents",
            ),
            models.CheckConstraint(
                condition=Q(role=Role.INTERPRETER, interprets_for__isnull=False)
                | (~Q(role=Role.INTERPRETER) & Q(interprets_for__isnull=True)),
                name="participant_interpreter_for",
            ),
            models.UniqueConstraint(
                fields=["hearing", "role"], condition=Q(role__in=SINGLE_ROLES), name="participant_single_role",
            ),
        ]

    def __str__(self):
        return f"{self.attendee.name} ({self.get_role_display()})"


class StatusLogEntry(models.Model):
    """Append-only: who changed a hearing's status, when, from what to what, and why; and when its
    recording started and stopped (``kind``; then ``previous`` and ``status`` are the status it had)."""

    class Kind(models.TextChoices):
        STATUS = "status", _("Status changed")
        RECORDING_STARTED = "recording_started", _("Recording started")
        RECORDING_STOPPED = "recording_stopped", _("Recording stopped")

    hearing = models.ForeignKey(Hearing, on_delete=models.PROTECT, related_name="status_log")
    at = models.DateTimeField()
    previous = models.CharField(max_length=16, choices=Status.choices)
    status = models.CharField(max_length=16, choices=Status.choices)
    by_name = models.CharField(max_length=200, blank=True)
    by_role = models.CharField(max_length=32, blank=True, choices=Role.choices)
    by_user = models.ForeignKey(settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL)
    reason = models.CharField(max_length=500, blank=True)
    next_at = models.DateTimeField(null=True, blank=True)
    kind = models.CharField(max_length=20, choices=Kind.choices, default=Kind.STATUS)

    class Meta:
        ordering = ["at", "id"]
        verbose_name = _("status log entry")
        verbose_name_plural = _("status log")

    def __str__(self):
        return f"{self.hearing_id}: {self.previous} → {self.status} at {self.at.isoformat()}"

    def save(self, *args, **kwargs):
        if self.pk is not None:
            raise ValueError("The status log is append-only.")
        super().save(*args, **kwargs)

    def delete(self, *args, **kwargs):
        raise ValueError("The status log is append-only.")
