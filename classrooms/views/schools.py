"""School pages: founding a school, its settings and its holidays."""

from __future__ import annotations

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import ValidationError
from django.shortcuts import get_object_or_404, redirect, render
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from classrooms import policies, selectors, services
from classrooms.forms import HolidayForm, SchoolForm, SchoolSettingsForm
from classrooms.models import Holiday
from classrooms.views.common import _error_text


@login_required
def school_create(request):
    form = SchoolForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        try:
            school = services.school_create(by=request.user, **form.cleaned_data)
        except ValidationError as exc:
            form.add_error(None, _error_text(exc))
        else:
            messages.success(request, _("School created."))
            return redirect("classrooms:school", school_id=school.pk)
    else:
        policies.require_found_school(request.user)  # the form itself; founding is the service's to allow
    return render(request, "classrooms/school_form.html", {"form": form})


@login_required
def school_detail(request, school_id):
    school = selectors.school_for(request.user, school_id)
    form = SchoolSettingsForm(request.POST or None, initial={"name": school.name, "timezone": school.timezone,
                                                             "allow_recording": school.allow_recording})
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
    school = selectors.school_for(request.user, school_id)
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
    holiday = get_object_or_404(Holiday.objects.select_related("school"), pk=holiday_id, school_id=school_id)
    services.holiday_remove(holiday=holiday, by=request.user)
    messages.success(request, _("Holiday removed."))
    return redirect("classrooms:school", school_id=holiday.school_id)
