"""Pages of the classrooms app: thin; every write is a service, every read a selector."""

from __future__ import annotations

import zoneinfo
from datetime import timedelta
from functools import wraps

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import ValidationError
from django.http import HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.utils import timezone
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from classrooms import attendance, policies, roster, selectors, services
from classrooms.chart import term_chart
from classrooms.forms import (
    ClassroomForm,
    EnrolCodeForm,
    EnrollmentForm,
    HolidayForm,
    MeetingForm,
    RosterUploadForm,
    ScheduleForm,
    SchoolForm,
)
from classrooms.models import Classroom, Enrollment, Holiday, School
from scheduling import services as scheduling

IMPORT_SESSION_KEY = "classrooms_import_{}"


def _error_text(exc: ValidationError) -> str:
    return " ".join(exc.messages)


def _classroom(classroom_id) -> Classroom:
    return get_object_or_404(Classroom.objects.select_related("school"), pk=classroom_id)


def classroom_view(*roles):
    """Login required; the class by id; the viewer's role in it checked (404 outsiders, 403 others)."""

    def decorator(view):
        @wraps(view)
        @login_required
        def wrapper(request, classroom_id, *args, **kwargs):
            classroom = _classroom(classroom_id)
            role = policies.require_role(request.user, classroom, roles)
            return view(request, classroom, role, *args, **kwargs)

        return wrapper

    return decorator


# Dashboard and student page ------------------------------------------------------------------


@login_required
def dashboard(request):
    now = timezone.now()
    week_start, week_end = selectors.week_of(now)
    today_start = timezone.localtime(now).replace(hour=0, minute=0, second=0, microsecond=0)
    cards_week = selectors.meeting_cards(request.user, start=week_start, end=week_end)
    today = [
        card
        for card in cards_week
        if today_start <= card.occurrence.start < today_start + timedelta(days=1)
        or card.occurrence.start <= now < card.occurrence.end
    ]
    return render(
        request,
        "classrooms/dashboard.html",
        {
            "today": today,
            "week": cards_week,
            "classrooms": selectors.staff_classrooms(request.user),
            "schools": selectors.administered_schools(request.user),
            "may_found_school": policies.may_found_school(request.user),
            "enrollments": selectors.student_enrollments(request.user).exists(),
        },
    )


@login_required
def student_home(request):
    entries = []
    for enrollment in selectors.student_enrollments(request.user):
        occurrence, attendee = selectors.next_meeting_for(enrollment)
        entries.append(
            {
                "enrollment": enrollment,
                "occurrence": occurrence,
                "attendee": attendee,
                "record": attendance.own_attendance(enrollment),
            }
        )
    feed = scheduling.calendar_feed_for(user=request.user)
    return render(
        request,
        "classrooms/student_home.html",
        {
            "entries": entries,
            "feed_url": request.build_absolute_uri(feed.path),
            "webcal_url": request.build_absolute_uri(feed.path)
            .replace("https://", "webcal://", 1)
            .replace("http://", "webcal://", 1),
            "now": timezone.now(),
        },
    )


# Schools -------------------------------------------------------------------------------------


@login_required
def school_create(request):
    policies.require_found_school(request.user)  # the service checks it again; this spares a form for nothing
    form = SchoolForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        try:
            school = services.school_create(by=request.user, **form.cleaned_data)
        except ValidationError as exc:
            form.add_error(None, _error_text(exc))
        else:
            messages.success(request, _("School created."))
            return redirect("classrooms:school", school_id=school.pk)
    return render(request, "classrooms/school_form.html", {"form": form})


def _admin_school(request, school_id) -> School:
    school = get_object_or_404(School, pk=school_id)
    policies.require_school_admin(request.user, school)
    return school


@login_required
def school_detail(request, school_id):
    school = _admin_school(request, school_id)
    form = SchoolForm(request.POST or None, initial={"name": school.name, "timezone": school.timezone})
    if request.method == "POST" and form.is_valid():
        try:
            services.school_update(school=school, by=request.user, **form.cleaned_data)
        except ValidationError as exc:
            form.add_error(None, _error_text(exc))
        else:
            messages.success(request, _("School saved."))
            return redirect("classrooms:school", school_id=school.pk)
    return render(
        request,
        "classrooms/school_detail.html",
        {
            "school": school,
            "form": form,
            "holiday_form": HolidayForm(),
            "classrooms": school.classrooms.all(),
        },
    )


@login_required
@require_POST
def holiday_add(request, school_id):
    school = _admin_school(request, school_id)
    form = HolidayForm(request.POST)
    if form.is_valid():
        try:
            services.holiday_add(
                school=school, day=form.cleaned_data["date"], name=form.cleaned_data["name"], by=request.user
            )
            messages.success(request, _("Holiday added; meetings on that day were cancelled."))
        except ValidationError as exc:
            messages.error(request, _error_text(exc))
    else:
        messages.error(request, " ".join(" ".join(errors) for errors in form.errors.values()))
    return redirect("classrooms:school", school_id=school.pk)


@login_required
@require_POST
def holiday_remove(request, school_id, holiday_id):
    school = _admin_school(request, school_id)
    holiday = get_object_or_404(Holiday, pk=holiday_id, school=school)
    services.holiday_remove(holiday=holiday, by=request.user)
    messages.success(request, _("Holiday removed."))
    return redirect("classrooms:school", school_id=school.pk)


# Classes -------------------------------------------------------------------------------------


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


@classroom_view(*policies.MANAGER_ROLES)
def classroom_edit(request, classroom, role):
    initial = {
        "name": classroom.name,
        "subject": classroom.subject,
        "term_start": classroom.term_start,
        "term_end": classroom.term_end,
        "size_limit": classroom.size_limit,
        "late_after_minutes": classroom.late_after_minutes,
        "left_early_minutes": classroom.left_early_minutes,
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
    return render(request, "classrooms/classroom_form.html", {"form": form, "classroom": classroom})


@classroom_view(*policies.STAFF_ROLES)
def classroom_detail(request, classroom, role):
    now = timezone.now()
    return render(
        request,
        "classrooms/classroom_detail.html",
        {
            "classroom": classroom,
            "role": role,
            "manager": role in policies.MANAGER_ROLES,
            "enrollments": classroom.enrollments.select_related("user"),
            "teachers": classroom.teachers.all(),
            "occurrences": selectors.class_occurrences(classroom),
            "now": now,
            "student_count": selectors.student_count(classroom),
            "enrol_url": request.build_absolute_uri(f"/classrooms/enrol/{classroom.enrolment_code}/"),
            "enrollment_form": EnrollmentForm(),
            "upload_form": RosterUploadForm(),
            "schedule_form": ScheduleForm(),
            "meeting_form": MeetingForm(),
            "has_schedule": classroom.class_events.filter(is_term_schedule=True).exists(),
        },
    )


def _back(classroom) -> HttpResponse:
    return redirect("classrooms:detail", classroom_id=classroom.pk)


def _run(request, call, success: str) -> bool:
    """Call one service; show its failure as a message. True when it succeeded."""
    try:
        call()
    except ValidationError as exc:
        messages.error(request, _error_text(exc))
        return False
    messages.success(request, success)
    return True


@require_POST
@classroom_view(*policies.MANAGER_ROLES)
def enrollment_add(request, classroom, role):
    form = EnrollmentForm(request.POST)
    if not form.is_valid():
        for errors in form.errors.values():
            messages.error(request, " ".join(errors))
        return _back(classroom)
    data = form.cleaned_data
    _run(
        request,
        lambda: services.enrollment_add(
            classroom=classroom,
            by=request.user,
            user=data["user"],
            name=data["name"],
            email=data["email"],
            student_number=data["student_number"],
            role=data["role"],
        ),
        _("Added to the roster and invited."),
    )
    return _back(classroom)


@require_POST
@classroom_view(*policies.MANAGER_ROLES)
def enrollment_remove(request, classroom, role, enrollment_id):
    enrollment = get_object_or_404(Enrollment, pk=enrollment_id, classroom=classroom)
    _run(
        request,
        lambda: services.enrollment_remove(enrollment=enrollment, by=request.user),
        _("Removed from the roster."),
    )
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
@classroom_view(*policies.MANAGER_ROLES)
def roster_import_confirm(request, classroom, role):
    rows = request.session.get(IMPORT_SESSION_KEY.format(classroom.pk))
    if not rows:
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
@classroom_view(*policies.MANAGER_ROLES)
def code_reset(request, classroom, role):
    _run(
        request,
        lambda: services.enrolment_code_reset(classroom=classroom, by=request.user),
        _("New enrolment code made; the old code and link no longer work."),
    )
    return _back(classroom)


# Meetings ------------------------------------------------------------------------------------


@require_POST
@classroom_view(*policies.MANAGER_ROLES)
def schedule(request, classroom, role):
    form = ScheduleForm(request.POST)
    if not form.is_valid():
        messages.error(request, _("Choose the days and the start and end times."))
        return _back(classroom)
    _run(
        request,
        lambda: services.meetings_schedule(classroom=classroom, by=request.user, **form.cleaned_data),
        _("The term's meetings are scheduled; invites are on their way."),
    )
    return _back(classroom)


def _meeting_form(request, classroom, **kwargs) -> MeetingForm:
    """Times typed into the form are read in the school's zone."""
    form = MeetingForm(request.POST or None, **kwargs)
    with timezone.override(zoneinfo.ZoneInfo(classroom.school.timezone)):
        form.is_valid()
    return form


@require_POST
@classroom_view(*policies.MANAGER_ROLES)
def meeting_add(request, classroom, role):
    form = _meeting_form(request, classroom)
    if form.errors:
        messages.error(request, " ".join(" ".join(errors) for errors in form.errors.values()))
        return _back(classroom)
    _run(
        request,
        lambda: services.meeting_add(classroom=classroom, by=request.user, **form.cleaned_data),
        _("Extra meeting scheduled; invites are on their way."),
    )
    return _back(classroom)


@classroom_view(*policies.MANAGER_ROLES)
def meeting_move(request, classroom, role, occurrence_id):
    occurrence = selectors.class_occurrence(classroom, occurrence_id)
    zone = zoneinfo.ZoneInfo(classroom.school.timezone)
    initial = {
        "start": occurrence.start.astimezone(zone).replace(tzinfo=None),
        "end": occurrence.end.astimezone(zone).replace(tzinfo=None),
    }
    if request.method == "POST":
        form = _meeting_form(request, classroom)
        if not form.errors and _run(
            request,
            lambda: services.meeting_move(
                classroom=classroom, occurrence=occurrence, by=request.user, **form.cleaned_data
            ),
            _("Meeting moved; everyone gets an updated invite."),
        ):
            return _back(classroom)
    else:
        form = MeetingForm(initial=initial)
    return render(
        request,
        "classrooms/meeting_move.html",
        {"classroom": classroom, "occurrence": occurrence, "form": form},
    )


@require_POST
@classroom_view(*policies.MANAGER_ROLES)
def meeting_cancel(request, classroom, role, occurrence_id):
    occurrence = selectors.class_occurrence(classroom, occurrence_id)
    _run(
        request,
        lambda: services.meeting_cancel(classroom=classroom, occurrence=occurrence, by=request.user),
        _("Meeting cancelled; everyone is told."),
    )
    return _back(classroom)


# Attendance ----------------------------------------------------------------------------------


def _csv_response(text: str, filename: str) -> HttpResponse:
    response = HttpResponse(text, content_type="text/csv; charset=utf-8")
    response["Content-Disposition"] = f'attachment; filename="{filename}"'
    return response


@classroom_view(*policies.STAFF_ROLES)
def meeting_attendance(request, classroom, role, occurrence_id):
    occurrence = selectors.class_occurrence(classroom, occurrence_id)
    summary = attendance.meeting_attendance(classroom, occurrence)
    return render(
        request,
        "classrooms/meeting_attendance.html",
        {
            "classroom": classroom,
            "occurrence": occurrence,
            "summary": summary,
            "labels": attendance.STATUS_LABELS,
            "manager": role in policies.MANAGER_ROLES,
            "join": selectors.own_attendee(occurrence, request.user),
            "not_over": attendance.effective_end(occurrence) > timezone.now(),
            # Managers rotate, withdraw or resend the meeting's links here (scheduling's buttons).
            "people": occurrence.event.attendees.filter(removed_at__isnull=True).order_by("name")
            if role in policies.MANAGER_ROLES else [],
        },
    )


@classroom_view(*policies.STAFF_ROLES)
def meeting_attendance_csv(request, classroom, role, occurrence_id):
    occurrence = selectors.class_occurrence(classroom, occurrence_id)
    summary = attendance.meeting_attendance(classroom, occurrence)
    local = occurrence.start.astimezone(zoneinfo.ZoneInfo(classroom.school.timezone))
    return _csv_response(attendance.meeting_csv(classroom, summary), f"attendance-{local:%Y%m%d-%H%M}.csv")


@classroom_view(*policies.STAFF_ROLES)
def term_attendance(request, classroom, role):
    meetings, rates = attendance.term_attendance(classroom)
    return render(
        request,
        "classrooms/term_attendance.html",
        {
            "classroom": classroom,
            "meetings": meetings,
            "rates": rates,
            "labels": attendance.STATUS_LABELS,
            "chart": term_chart(meetings, zone_name=classroom.school.timezone),
        },
    )


@classroom_view(*policies.STAFF_ROLES)
def term_attendance_csv(request, classroom, role):
    meetings, _rates = attendance.term_attendance(classroom)
    return _csv_response(attendance.term_csv(classroom, meetings), "attendance-term.csv")


# Self-enrolment ------------------------------------------------------------------------------


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
