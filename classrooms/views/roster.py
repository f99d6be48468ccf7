"""Roster pages: adding and removing people, the CSV import, the enrolment code and self-enrolment."""

from __future__ import annotations

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import ValidationError
from django.shortcuts import get_object_or_404, redirect, render
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from classrooms import policies, roster, selectors, services
from classrooms.forms import EnrolCodeForm, EnrollmentForm, RosterUploadForm
from classrooms.models import Enrollment
from classrooms.views.classes import REMOVED_SESSION_KEY, failed_form_page
from classrooms.views.common import _back, _error_text, _run, class_lookup, classroom_view
from config.forms import add_service_error

IMPORT_SESSION_KEY = "classrooms_import_{}"


@require_POST
@class_lookup
def enrollment_add(request, classroom):
    """Add one person; also how a removed person is let back in (the page's undo sends their data)."""
    form = EnrollmentForm(request.POST)
    if form.is_valid():
        data = form.cleaned_data
        try:
            services.enrollment_add(
                classroom=classroom,
                by=request.user,
                user=data["user"],
                name=data["name"],
                email=data["email"],
                student_number=data["student_number"],
                role=data["role"],
            )
        except ValidationError as exc:
            add_service_error(form, exc)
        else:
            request.session.pop(REMOVED_SESSION_KEY.format(classroom.pk), None)
            messages.success(request, _("Added to the roster and invited."))
            return _back(classroom)
    return failed_form_page(request, classroom, failed="enrollment", form=form)


@require_POST
@class_lookup
def enrollment_remove(request, classroom, enrollment_id):
    enrollment = get_object_or_404(Enrollment.objects.select_related("user"), pk=enrollment_id, classroom=classroom)
    removed = {
        "name": enrollment.name,
        "email": enrollment.email,
        "student_number": enrollment.student_number,
        "role": enrollment.role,
        "username": enrollment.user.username if enrollment.user_id else "",
    }
    if _run(
        request,
        lambda: services.enrollment_remove(enrollment=enrollment, by=request.user),
        _("%(name)s was removed from the roster.") % {"name": enrollment.name},
    ):
        # The page offers to let them back in: the same data, sent to enrollment_add.
        request.session[REMOVED_SESSION_KEY.format(classroom.pk)] = removed
    return _back(classroom)


@classroom_view(*policies.MANAGER_ROLES)
def roster_import(request, classroom, role):
    form = RosterUploadForm(request.POST or None, request.FILES or None)
    preview = None
    if request.method == "POST" and form.is_valid():
        enrolled = {email.lower() for email in classroom.enrollments.values_list("email", flat=True) if email}
        preview = roster.parse_roster(
            form.cleaned_data["file"].read(roster.MAX_BYTES + 1),
            enrolled_emails=enrolled,
            free_places=max(classroom.size_limit - selectors.student_count(classroom), 0),
        )
        key = IMPORT_SESSION_KEY.format(classroom.pk)
        if preview.can_confirm:
            request.session[key] = [row.as_dict() for row in preview.valid_rows]
        else:
            request.session.pop(key, None)
    return render(request, "classrooms/roster_import.html", {"classroom": classroom, "form": form, "preview": preview})


@require_POST
@class_lookup
def roster_import_confirm(request, classroom):
    rows = request.session.get(IMPORT_SESSION_KEY.format(classroom.pk))
    if not rows:
        policies.require_manager(request.user, classroom)  # nothing to import: no service says it
        messages.error(request, _("Nothing to import: upload the file again."))
        return redirect("classrooms:roster_import", classroom_id=classroom.pk)
    try:
        enrolled = services.roster_import(classroom=classroom, rows=rows, by=request.user)
    except ValidationError as exc:
        messages.error(request, _error_text(exc))
        return redirect("classrooms:roster_import", classroom_id=classroom.pk)
    request.session.pop(IMPORT_SESSION_KEY.format(classroom.pk), None)
    messages.success(request, _("%(count)d students imported and invited.") % {"count": len(enrolled)})
    return _back(classroom)


@require_POST
@class_lookup
def code_reset(request, classroom):
    _run(
        request,
        lambda: services.enrolment_code_reset(classroom=classroom, by=request.user),
        _("New enrolment code made; the old code and link no longer work."),
    )
    return _back(classroom)


@login_required
def self_enrol(request, code: str = ""):
    form = EnrolCodeForm(request.POST or None, initial={"code": code})
    classroom = selectors.classroom_by_code(code)
    if code and classroom is None and request.method == "GET":
        messages.error(request, _("This enrolment code is not valid (it may have been reset)."))
    if request.method == "POST" and form.is_valid():
        try:
            enrollment = services.enrollment_self_enrol(code=form.cleaned_data["code"], user=request.user)
        except ValidationError as exc:
            form.add_error("code", _error_text(exc))
        else:
            messages.success(request, _("You are enrolled in %(name)s.") % {"name": enrollment.classroom.name})
            return redirect("classrooms:mine")
    return render(request, "classrooms/self_enrol.html", {"form": form, "classroom": classroom})
