"""Schools, classes for a term, rosters, and the scheduling events that are a class's meetings.

A class's meetings are ``scheduling.Event`` rows of kind "class" (one recurring term schedule
and any one-off extra meetings), linked here by ``ClassEvent``. Attendance is not stored here:
it is read from ``rooms`` and classified on demand (see ``classrooms.attendance``).
"""

import secrets
import uuid

from django.conf import settings
from django.db import models
from django.db.models import F, Q
from django.db.models.functions import Lower
from django.utils.translation import gettext_lazy as _
from django.utils.translation import pgettext_lazy

from rooms.models import VideoSettings

# Unambiguous characters: a code read aloud or copied from a board survives it.
CODE_ALPHABET = "ABCDEFGHJKLMNPQRSTUVWXYZ23456789"
CODE_LENGTH = 8


def new_enrolment_code() -> str:
    return "".join(secrets.choice(CODE_ALPHABET) for _ in range(CODE_LENGTH))


class School(VideoSettings):
    id = models.UUIDField(primary_key=True, default=uuid.uuid4, editable=False)
    name = models.CharField(_("name"), max_length=200)
    # The school's public address (/schools/<slug>/feedback/); made from the name when founded.
    slug = models.SlugField(_("short name in links"), max_length=80, unique=True)
    timezone = models.CharField(_("time zone"), max_length=64, default="Asia/Jakarta")
    # What invitations, reminders and the docket are written in for people who chose no language.
    language = models.CharField(_("language"), max_length=8, choices=settings.LANGUAGES, default="id")
    admins = models.ManyToManyField(
        settings.AUTH_USER_MODEL,
        related_name="administered_schools",
        verbose_name=_("administrators"),
    )
    allow_recording = models.BooleanField(
        _("teachers may record classes"), default=False,
        help_text=_("A teacher may record a class meeting through the audio and video server; the students see "
                    "that it is recording, and only the class's teachers and the school's administrators get the "
                    "file."),
    )
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        ordering = ["name"]
        verbose_name = _("school")
        verbose_name_plural = _("schools")

    def __str__(self):
        return self.name


class Holiday(models.Model):
    school = models.ForeignKey(School, on_delete=models.CASCADE, related_name="holidays")
    date = models.DateField(_("date"))
    name = models.CharField(_("name"), max_length=200, blank=True)

    class Meta:
        ordering = ["date"]
        verbose_name = _("holiday")
        verbose_name_plural = _("holidays")
        constraints = [models.UniqueConstraint(fields=["school", "date"], name="holiday_unique_per_school")]

    def __str__(self):
        return f"{self.date} {self.name}"


class Classroom(models.Model):
    id = models.UUIDField(primary_key=True, default=uuid.uuid4, editable=False)
    school = models.ForeignKey(School, on_delete=models.PROTECT, related_name="classrooms", verbose_name=_("school"))
    name = models.CharField(_("name"), max_length=200)
    subject = models.CharField(pgettext_lazy("school subject", "subject"), max_length=200, blank=True)
    term_start = models.DateField(_("term starts"))
    term_end = models.DateField(_("term ends"))
    teachers = models.ManyToManyField(
        settings.AUTH_USER_MODEL,
        related_name="taught_classrooms",
        verbose_name=_("teachers"),
    )
    size_limit = models.PositiveIntegerField(_("size limit"), default=40)
    late_after_minutes = models.PositiveIntegerField(_("late after (minutes)"), default=10)
    left_early_minutes = models.PositiveIntegerField(
        _("left early when leaving more than (minutes before the end)"), default=10
    )
    # The room opens by itself at the start of each meeting unless students wait to be let in.
    students_wait = models.BooleanField(
        _("students wait in the lobby until a teacher opens the room"), default=False,
    )
    # Large lectures: students follow as the room's audience (counted, not listed; no chat, hand or
    # media until a teacher lets one speak). Teachers and assistants never listen only.
    lecture_audience = models.BooleanField(_("students listen (large lecture)"), default=False)
    enrolment_code = models.CharField(
        _("self-enrolment code"), max_length=16, unique=True, default=new_enrolment_code, editable=False
    )
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        ordering = ["school__name", "name"]
        verbose_name = _("class")
        verbose_name_plural = _("classes")
        constraints = [
            models.CheckConstraint(condition=Q(term_end__gte=F("term_start")), name="classroom_term_ordered"),
            models.CheckConstraint(condition=Q(size_limit__gte=1), name="classroom_size_limit_positive"),
            models.UniqueConstraint(fields=["school", "name"], name="classroom_unique_name_per_school"),
        ]

    def __str__(self):
        return self.name


class Enrollment(models.Model):
    class Role(models.TextChoices):
        STUDENT = "student", _("Student")
        ASSISTANT = "assistant", _("Assistant")

    id = models.UUIDField(primary_key=True, default=uuid.uuid4, editable=False)
    classroom = models.ForeignKey(Classroom, on_delete=models.CASCADE, related_name="enrollments")
    user = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="enrollments",
    )
    name = models.CharField(_("name"), max_length=200)
    email = models.EmailField(_("e-mail"), blank=True)
    student_number = models.CharField(_("student number"), max_length=64, blank=True)
    role = models.CharField(_("role"), max_length=16, choices=Role.choices, default=Role.STUDENT)
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        ordering = ["name"]
        verbose_name = _("enrolment")
        verbose_name_plural = _("enrolments")
        constraints = [
            models.CheckConstraint(condition=Q(user__isnull=False) | ~Q(email=""), name="enrollment_has_person"),
            models.CheckConstraint(condition=Q(role__in=["student", "assistant"]), name="enrollment_role_valid"),
            models.UniqueConstraint(
                fields=["classroom", "user"],
                condition=Q(user__isnull=False),
                name="enrollment_unique_user",
            ),
            models.UniqueConstraint(
                "classroom",
                Lower("email"),
                condition=~Q(email=""),
                name="enrollment_unique_email",
            ),
        ]

    def __str__(self):
        return f"{self.name} <{self.email or '-'}> ({self.role})"


class ClassEvent(models.Model):
    """A scheduling event that is a meeting series (or one extra meeting) of a class."""

    classroom = models.ForeignKey(Classroom, on_delete=models.CASCADE, related_name="class_events")
    event = models.OneToOneField("scheduling.Event", on_delete=models.CASCADE, related_name="class_event")
    is_term_schedule = models.BooleanField(default=False)

    class Meta:
        constraints = [
            models.UniqueConstraint(
                fields=["classroom"],
                condition=Q(is_term_schedule=True),
                name="classevent_one_term_schedule",
            ),
        ]

    def __str__(self):
        return f"{self.classroom}: {self.event}"
