"""Pages: the clerk's day, cases, a hearing, its record, the observer link and the public docket."""

from datetime import timedelta

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied, ValidationError
from django.http import Http404, HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import reverse
from django.utils import timezone, translation
from django.utils.translation import gettext as _
from django.utils.translation import ngettext
from django.views.decorators.http import condition, require_http_methods, require_POST, require_safe

from config.exports import table_response
from config.forms import add_service_error
from config.proxy import request_address
from feedback.selectors import event_feedback
from hearings import ical, observers, policies, selectors, services
from hearings.forms import CaseForm, HearingForm, ObserverForm, ParticipantForm, StatusForm
from hearings.listeners import listeners_of, listening_label, public_listeners
from hearings.models import FINAL_STATUSES, Case, CaseType, Court, Hearing, Status
from scheduling.ical import FEED_CONTENT_TYPE
from scheduling.tokens import token_hash, token_matches


def _show_errors(request, form, exc: ValidationError) -> None:
    """A service's error on the form (its field, else the form's summary above it)."""
    if form is not None:
        add_service_error(form, exc)
        return
    for message in exc.messages:
        messages.error(request, message)


def _visible_hearing(request, hearing_id) -> Hearing:
    hearing = selectors.hearings_visible_to(request.user).filter(pk=hearing_id).first()
    if hearing is None:
        raise Http404(_("No such hearing."))
    return hearing


@login_required
def index(request):
    now = timezone.now()
    is_staff = policies.is_any_court_staff(request.user)
    upcoming = (
        selectors.hearings_visible_to(request.user)
        .filter(occurrence__end__gte=now - timedelta(days=1))
        .exclude(status__in=FINAL_STATUSES)  # today's concluded hearings are no longer upcoming
        .order_by("occurrence__start")[:50]
    )
    today = selectors.today_for_clerk(user=request.user, now=now) if is_staff else []
    listeners = listeners_of([row["hearing"] for row in today])
    for row in today:
        row["listeners"] = listeners.get(str(row["hearing"].pk), 0)
        row["listeners_label"] = listening_label(row["listeners"])
    return render(request, "hearings/index.html", {
        "is_staff": is_staff,
        "today": today,
        "upcoming": upcoming,
        "may_schedule": selectors.clerk_courts(request.user).exists(),
    })


@login_required
@require_http_methods(["GET", "POST"])
def cases(request):
    courts = selectors.courts_of(request.user)
    if not courts.exists():
        raise PermissionDenied(_("Only court staff see the court's cases."))
    if request.method == "POST":
        # Any of the viewer's courts parses; the service says whether they may register a case there.
        form = CaseForm(request.POST, courts=courts)
        if form.is_valid():
            try:
                case = services.case_create(
                    court=form.cleaned_data["court"], number=form.cleaned_data["number"],
                    case_type=form.cleaned_data["case_type"], parties=form.cleaned_data["parties"], by=request.user,
                )
            except ValidationError as exc:
                _show_errors(request, form, exc)
            else:
                messages.success(request, _("Case %(number)s registered.") % {"number": case.number})
                return redirect("hearings:case", case_id=case.pk)
    else:
        clerk_courts = selectors.clerk_courts(request.user)
        form = CaseForm(courts=clerk_courts) if clerk_courts.exists() else None
    case_list = Case.objects.filter(court__in=courts).select_related("court").order_by("court__name", "-created_at")
    return render(request, "hearings/cases.html", {"form": form, "cases": case_list[:200]})


@login_required
@require_http_methods(["GET", "POST"])
def case_detail(request, case_id):
    case = get_object_or_404(Case.objects.select_related("court"), pk=case_id)
    if not policies.is_court_staff(request.user, case.court):
        raise Http404(_("No such case."))
    if request.method == "POST":  # the service says who may schedule a hearing
        form = HearingForm(request.POST, court=case.court)
        if form.is_valid():
            data = form.cleaned_data
            try:
                hearing = services.hearing_schedule(
                    case=case, start=data["start"], duration=form.duration, courtroom=data["courtroom"],
                    agenda=data["agenda"], by=request.user, is_public=data["is_public"],
                    observer_capacity=data["observer_capacity"], allow_conflicts=data["allow_conflicts"],
                    presiding_judge=services.person_for(data["judge"]),
                )
            except ValidationError as exc:
                _show_errors(request, form, exc)
            else:
                messages.success(request, _("Hearing scheduled; the invitations are on their way."))
                return redirect("hearings:hearing", hearing_id=hearing.pk)
    else:
        form = HearingForm(court=case.court) if policies.is_court_clerk(request.user, case.court) else None
    hearings = case.hearings.select_related("occurrence").order_by("occurrence__start")
    return render(request, "hearings/case.html", {"case": case, "form": form, "hearings": hearings})


@login_required
def hearing_detail(request, hearing_id):
    hearing = _visible_hearing(request, hearing_id)
    return _hearing_page(request, hearing)


def _next_statuses(request, hearing) -> list[dict]:
    """The statuses the hearing may take next, each with what choosing it does when that cannot be
    undone (the page asks before it sends: templates' ``data-confirm``)."""
    notified = hearing.event.attendees.filter(removed_at__isnull=True).exclude(user=request.user).count()
    warnings = {
        Status.CANCELLED: ngettext(
            "Cancel this hearing? %(count)d participant will be e-mailed that it is cancelled. This cannot be undone.",
            "Cancel this hearing? %(count)d participants will be e-mailed that it is cancelled. "
            "This cannot be undone.", notified,
        ) % {"count": notified},
        Status.POSTPONED: ngettext(
            "Postpone this hearing? %(count)d participant will be e-mailed the new date.",
            "Postpone this hearing? %(count)d participants will be e-mailed the new date.", notified,
        ) % {"count": notified},
        Status.ADJOURNED: _("Adjourn this hearing? Everyone still in the room is disconnected, and the next "
                            "hearing is scheduled on the date given."),
        Status.CONCLUDED: _("Conclude this hearing? Everyone still in the room is disconnected. This cannot be "
                            "undone."),
    }
    return [
        {"value": status, "label": Status(status).label, "confirm": warnings.get(status, "")}
        for status in policies.HearingRoomPolicy.transitions.get(hearing.status, ())
    ]


def _hearing_page(request, hearing, *, participant_form=None, status_form=None):
    court = hearing.case.court
    may_manage = policies.may_manage(request.user, hearing)
    is_moderator = policies.moderator_attendee(request.user, hearing) is not None
    mine = policies.participant_of(request.user, hearing)
    context = {
        "hearing": hearing,
        "court": court,
        "participants": selectors.participants_of(hearing),
        "log": hearing.status_log.all(),
        "may_manage": may_manage,
        "may_see_record": policies.is_court_staff(request.user, court),
        "is_moderator": is_moderator,
        "my_seat": mine,
        "participant_form": participant_form or (ParticipantForm(hearing=hearing) if may_manage else None),
        "status_form": status_form or (StatusForm(court=court) if is_moderator else None),
        "next_statuses": _next_statuses(request, hearing),
        "observer_url": request.build_absolute_uri(reverse("hearings:observe", args=[hearing.observer_token]))
        if may_manage and hearing.is_public else "",
        "feedback": event_feedback(event=hearing.event) if policies.is_court_staff(request.user, court) else None,
    }
    return render(request, "hearings/hearing.html", context)


@login_required
@require_POST
def hearing_status(request, hearing_id):
    hearing = _visible_hearing(request, hearing_id)
    form = StatusForm(request.POST, court=hearing.case.court)
    if form.is_valid():
        data = form.cleaned_data
        try:
            hearing = services.hearing_status_set(
                hearing=hearing, status=data["status"], by=request.user, reason=data["reason"] or "",
                next_at=data["next_at"],
            )
        except ValidationError as exc:
            _show_errors(request, form, exc)
        else:
            messages.success(request, _("The hearing is now “%(status)s”.") % {"status": hearing.get_status_display()})
            if request.POST.get("next") == "index":
                return redirect("hearings:index")
            return redirect("hearings:hearing", hearing_id=hearing.pk)
    return _hearing_page(request, hearing, status_form=form)


@login_required
@require_POST
def participant_add(request, hearing_id):
    hearing = _visible_hearing(request, hearing_id)
    form = ParticipantForm(request.POST, hearing=hearing)
    if not form.is_valid() and not policies.may_manage(request.user, hearing):
        # The form goes back only to the clerks; a valid one is the service's to refuse.
        raise PermissionDenied(_("Only the court's clerks may add participants."))
    if form.is_valid():
        data = form.cleaned_data
        try:
            services.participant_add(
                hearing=hearing, role=data["role"], by=request.user, allow_conflicts=data["allow_conflicts"],
                person=services.Person(name=data["name"], email=data["email"] or ""),
                represents=data["represents"], interprets_for=data["interprets_for"],
            )
        except ValidationError as exc:
            _show_errors(request, form, exc)
        else:
            messages.success(request, _("%(name)s added.") % {"name": data["name"]})
            return redirect("hearings:hearing", hearing_id=hearing.pk)
    return _hearing_page(request, hearing, participant_form=form)


@login_required
def hearing_record(request, hearing_id):
    hearing = _visible_hearing(request, hearing_id)
    if not policies.is_court_staff(request.user, hearing.case.court):
        raise PermissionDenied(_("Only court staff see a hearing's record."))
    return render(request, "hearings/record.html", {**selectors.hearing_record(hearing=hearing),
                                                    "court": hearing.case.court})


@login_required
def participants_export(request, hearing_id, fmt):
    """The participant list as CSV or .xlsx (``config.exports``); court staff only, as the record."""
    hearing = _visible_hearing(request, hearing_id)
    if not policies.is_court_staff(request.user, hearing.case.court):
        raise PermissionDenied(_("Only court staff download a hearing's participants."))
    header, rows = selectors.participants_table(hearing)
    number = "".join(char if char.isalnum() else "-" for char in hearing.case.number)
    return table_response(request, header=header, rows=rows, filename=f"participants-{number}", fmt=fmt)


@require_http_methods(["GET", "POST"])
def observe(request, token):
    hearing = Hearing.objects.select_related("case__court", "occurrence").filter(
        observer_token_hash=token_hash(token), is_public=True,
    ).first() if len(token) <= 128 else None
    if hearing is not None and not token_matches("observe", hearing.observer_salt, token):
        hearing = None
    if hearing is None:
        raise Http404(_("This observer link is not valid."))
    form = ObserverForm(request.POST or None)
    status = 200
    if request.session.session_key is None:
        # A place belongs to the browser's session: it starts with the form, so that a second
        # submit (a double click, a burst) finds the place the first one took.
        request.session.save()
    if request.method == "POST" and form.is_valid():
        try:
            attendee = observers.observer_join(
                hearing=hearing, name=form.cleaned_data["name"], session_key=request.session.session_key,
                client_address=request_address(request),
            )
        except ValidationError as exc:
            _show_errors(request, form, exc)
            status = 429 if getattr(exc, "code", None) == "rate_limited" else 200
        else:
            from rooms.sessions import remember_attendee

            remember_attendee(request.session, attendee)
            return redirect("rooms:room", occurrence_id=hearing.occurrence_id)
    listeners = public_listeners(court=hearing.case.court).get(str(hearing.pk), 0)
    return render(request, "hearings/observe.html", {
        "hearing": hearing, "form": form, "court": hearing.case.court,
        "listeners_label": listening_label(listeners) if listeners else "",
    }, status=status)


def docket(request, court_slug):
    court = get_object_or_404(Court, slug=court_slug)
    state = selectors.docket_today(court=court)
    status_labels = {s.value: str(s.label) for s in Status}
    case_type_labels = {c.value: str(c.label) for c in CaseType}
    for entry in state["hearings"]:
        if not entry["closed"]:
            entry["status"] = status_labels[entry["status"]]
            entry["case_type"] = case_type_labels[entry["case_type"]]
    return render(request, "hearings/docket.html", {
        "court": court,
        "docket": state,
        "status_labels": status_labels,
        "case_type_labels": case_type_labels,
        "closed_label": _("closed hearing"),
        # Each cell names its column, for the narrow screen where rows stack (static/css/hadir.css).
        "labels": {"time": _("Time"), "case_number": _("Case number"), "case_type": _("Case type"),
                   "agenda": _("Agenda"), "courtroom": _("Courtroom"), "status": _("Status"), "reason": _("Reason"),
                   "next": _("Next date")},
    })


def _docket_version(request, court_slug):
    """(court, ETag, Last-Modified) of the docket feed, computed once per request."""
    if not hasattr(request, "_hadir_docket"):
        court = Court.objects.filter(slug=court_slug).first()
        if court is None:
            request._hadir_docket = (None, None, None)
        else:
            with translation.override(court.language):
                request._hadir_docket = (court, *selectors.docket_feed_version(court=court))
    return request._hadir_docket


@require_safe
@condition(
    etag_func=lambda request, court_slug: _docket_version(request, court_slug)[1],
    last_modified_func=lambda request, court_slug: _docket_version(request, court_slug)[2],
)
def docket_ics(request, court_slug):
    """GET and HEAD, with ETag and Last-Modified (304); in the court's language."""
    court = _docket_version(request, court_slug)[0]
    if court is None:
        raise Http404
    with translation.override(court.language):
        body = ical.docket_calendar_bytes(court=court, hearings=selectors.docket_feed_hearings(court=court))
    response = HttpResponse(body, content_type=FEED_CONTENT_TYPE)
    response["Content-Disposition"] = f'inline; filename="{court.slug}.ics"'
    response["Cache-Control"] = "public, max-age=0, must-revalidate"
    return response
