"""Class pages: creating, editing and the class's own page."""

from __future__ import annotations

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import ValidationError
from django.shortcuts import redirect, render
from django.utils import timezone
from django.utils.translation import gettext as _

from classrooms import policies, selectors, services
from classrooms.forms import ClassroomForm, EnrollmentForm, MeetingForm, RosterUploadForm, ScheduleForm
from classrooms.views.common import _error_text, class_lookup, classroom_view
from feedback.selectors import events_feedback
from scheduling.models import Event


@login_required
def classroom_create(request):
    schools = selectors.administered_schools(request.user)
    if not schools.exists():
        if not policies.may_found_school(request.user):
            messages.info(request, _("A school's administrators create its classes: ask yours to create the class."))
            return redirect("classrooms:dashboard")
        messages.info(request, _("Create a school first: classes belong to a school."))
        return redirect("classrooms:school_create")
    form = ClassroomForm(request.POST or None, schools=schools, initial={"school": request.GET.get("school") or None})
    if request.method == "POST" and form.is_valid():
        data = dict(form.cleaned_data)
        try:
            classroom = services.classroom_create(by=request.user, **data)
        except ValidationError as exc:
            form.add_error(None, _error_text(exc))
        else:
            messages.success(request, _("Class created. Now add students and schedule its meetings."))
            return redirect("classrooms:detail", classroom_id=classroom.pk)
    return render(request, "classrooms/classroom_form.html", {"form": form})


@class_lookup
def classroom_edit(request, classroom):
    initial = {
        "name": classroom.name,
        "subject": classroom.subject,
        "term_start": classroom.term_start,
        "term_end": classroom.term_end,
        "size_limit": classroom.size_limit,
        "late_after_minutes": classroom.late_after_minutes,
        "left_early_minutes": classroom.left_early_minutes,
        "students_wait": classroom.students_wait,
        "lecture_audience": classroom.lecture_audience,
        "teachers": ", ".join(teacher.username for teacher in classroom.teachers.all()),
    }
    form = ClassroomForm(request.POST or None, initial=initial)
    if request.method == "POST" and form.is_valid():
        data = dict(form.cleaned_data)
        data["teachers"] = data["teachers"] or None
        try:
            services.classroom_update(classroom=classroom, by=request.user, **data)
        except ValidationError as exc:
            form.add_error(None, _error_text(exc))
        else:
            messages.success(request, _("Class saved."))
            return redirect("classrooms:detail", classroom_id=classroom.pk)
    else:
        policies.require_manager(request.user, classroom)  # the edit page itself; a save is the service's
    return render(request, "classrooms/classroom_form.html", {"form": form, "classroom": classroom})


@classroom_view(*policies.STAFF_ROLES)
def classroom_detail(request, classroom, role):
    return classroom_page(request, classroom, role)


REMOVED_SESSION_KEY = "classrooms_removed_{}"


def failed_form_page(request, classroom, *, failed: str, form):
    """The class page again after a managing form failed (as sent, with its errors): only for the
    class's managers, whom the service would have let through."""
    role = policies.require_role(request.user, classroom, policies.MANAGER_ROLES)
    return classroom_page(request, classroom, role, failed=failed, form=form)


def classroom_page(request, classroom, role, *, failed: str = "", form=None):
    """The class's page; after a failed form (``failed`` names it: "enrollment", "schedule",
    "meeting") that form comes back as it was sent, its errors on its fields and summed up above it."""
    occurrences = list(selectors.class_occurrences(classroom))
    recipients = selectors.meeting_recipients(occurrences)
    for occurrence in occurrences:
        occurrence.recipients = recipients.get(occurrence.event_id, 0)
    forms = {"enrollment": EnrollmentForm(), "schedule": ScheduleForm(), "meeting": MeetingForm()}
    if failed:
        forms[failed] = form
    return render(
        request,
        "classrooms/classroom_detail.html",
        {
            "classroom": classroom,
            "role": role,
            "manager": role in policies.MANAGER_ROLES,
            "enrollments": classroom.enrollments.select_related("user"),
            "teachers": classroom.teachers.all(),
            "occurrences": occurrences,
            "now": timezone.now(),
            "student_count": selectors.student_count(classroom),
            "enrol_url": request.build_absolute_uri(f"/classrooms/enrol/{classroom.enrolment_code}/"),
            "enrollment_form": forms["enrollment"],
            "upload_form": RosterUploadForm(),
            "schedule_form": forms["schedule"],
            "meeting_form": forms["meeting"],
            "failed": failed,
            "removed": request.session.get(REMOVED_SESSION_KEY.format(classroom.pk)),
            "has_schedule": classroom.class_events.filter(is_term_schedule=True).exists(),
            "feedback": events_feedback(events=Event.objects.filter(class_event__classroom=classroom))
            if role in policies.MANAGER_ROLES else None,
        },
    )
