"""Meeting pages: the term schedule, extra meetings, moving and cancelling one."""

from __future__ import annotations

import zoneinfo

from django.contrib import messages
from django.core.exceptions import ValidationError
from django.shortcuts import render
from django.utils import timezone
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from classrooms import policies, selectors, services
from classrooms.forms import MeetingForm, ScheduleForm
from classrooms.views.classes import failed_form_page
from classrooms.views.common import _back, _run, class_lookup
from config.forms import add_service_error


@require_POST
@class_lookup
def schedule(request, classroom):
    form = ScheduleForm(request.POST)
    if form.is_valid():
        try:
            services.meetings_schedule(classroom=classroom, by=request.user, **form.cleaned_data)
        except ValidationError as exc:
            add_service_error(form, exc)
        else:
            messages.success(request, _("The term's meetings are scheduled; invites are on their way."))
            return _back(classroom)
    # The chosen days and times stay as they were sent, the error next to them.
    return failed_form_page(request, classroom, failed="schedule", form=form)


def _meeting_form(request, classroom, **kwargs) -> MeetingForm:
    """Times typed into the form are read in the school's zone."""
    form = MeetingForm(request.POST or None, **kwargs)
    with timezone.override(zoneinfo.ZoneInfo(classroom.school.timezone)):
        form.is_valid()
    return form


@require_POST
@class_lookup
def meeting_add(request, classroom):
    form = _meeting_form(request, classroom)
    if not form.errors:
        try:
            services.meeting_add(classroom=classroom, by=request.user, **form.cleaned_data)
        except ValidationError as exc:
            add_service_error(form, exc)
        else:
            messages.success(request, _("Extra meeting scheduled; invites are on their way."))
            return _back(classroom)
    return failed_form_page(request, classroom, failed="meeting", form=form)


@class_lookup
def meeting_move(request, classroom, occurrence_id):
    occurrence = selectors.class_occurrence(classroom, occurrence_id)
    zone = zoneinfo.ZoneInfo(classroom.school.timezone)
    initial = {
        "start": occurrence.start.astimezone(zone).replace(tzinfo=None),
        "end": occurrence.end.astimezone(zone).replace(tzinfo=None),
    }
    form = _meeting_form(request, classroom) if request.method == "POST" else MeetingForm(initial=initial)
    if form.is_bound and not form.errors:
        # The service says who may move a meeting; the form is shown again only to them.
        if _run(
            request,
            lambda: services.meeting_move(
                classroom=classroom, occurrence=occurrence, by=request.user, **form.cleaned_data
            ),
            _("Meeting moved; everyone gets an updated invite."),
        ):
            return _back(classroom)
    else:
        policies.require_manager(request.user, classroom)  # the move page itself is the managers'
    return render(
        request,
        "classrooms/meeting_move.html",
        {"classroom": classroom, "occurrence": occurrence, "form": form},
    )


@require_POST
@class_lookup
def meeting_cancel(request, classroom, occurrence_id):
    occurrence = selectors.class_occurrence(classroom, occurrence_id)
    _run(
        request,
        lambda: services.meeting_cancel(classroom=classroom, occurrence=occurrence, by=request.user),
        _("Meeting cancelled; everyone is told."),
    )
    return _back(classroom)
