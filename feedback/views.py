"""Pages: an attendee's answer about a sitting (the join link is the key), and what the public
writes to a court or a school (form, receipt and follow-up, public list, the staff's inbox)."""

from __future__ import annotations

import uuid

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied, ValidationError
from django.http import Http404, HttpResponseRedirect
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import get_language
from django.utils.translation import gettext as _
from django.views.decorators.http import require_GET, require_http_methods, require_POST

from config.proxy import request_address
from feedback import chart, selectors, services
from feedback.forms import DecisionForm, SessionFeedbackForm, SubmissionForm
from feedback.links import follow_path
from feedback.models import Submission
from scheduling.selectors import attendee_by_join_token


def _form_errors(request, form, exc: ValidationError) -> None:
    for field, errors in getattr(exc, "message_dict", {"__all__": exc.messages}).items():
        for message in errors:
            if form is not None and field in form.fields:
                form.add_error(field, message)
            else:
                messages.error(request, message)


def _uuid(value):
    try:
        return uuid.UUID(str(value)) if value else None
    except ValueError:
        return "bad"


@require_http_methods(["GET", "POST"])
def session_feedback(request, join_token: str):
    """GET the form for the attendee's latest ended sitting (``?occurrence=`` another); POST answers."""
    attendee = attendee_by_join_token(join_token)
    if attendee is None:
        raise Http404(_("This link is not valid."))
    occurrence_id = _uuid(request.GET.get("occurrence") or request.POST.get("occurrence"))
    if occurrence_id == "bad":
        occurrence, problem = None, _("This link is not for this session.")
    else:
        occurrence, problem = selectors.feedback_sitting(attendee=attendee, occurrence_id=occurrence_id,
                                                         now=timezone.now())
    context = {"attendee": attendee, "event": attendee.event, "occurrence": occurrence, "problem": problem}
    if problem:
        return render(request, "feedback/session.html", context, status=400 if request.method == "POST" else 200)
    previous = selectors.answer_of(attendee=attendee, occurrence=occurrence)
    initial = ({"rating": previous.rating, "connection": previous.connection, "comment": previous.comment,
                "anonymous": previous.anonymous} if previous else None)
    form = SessionFeedbackForm(request.POST or None, initial=initial)
    if request.method == "POST" and form.is_valid():
        try:
            services.feedback_record(attendee=attendee, occurrence=occurrence, **form.cleaned_data)
        except ValidationError as exc:
            _form_errors(request, form, exc)
        else:
            messages.success(request, _("Thank you: your answer is recorded. You can change it here."))
            url = reverse("feedback:session", args=[join_token]) + f"?occurrence={occurrence.pk}"
            return redirect(url, permanent=False)
    return render(request, "feedback/session.html", {**context, "form": form, "previous": previous},
                  status=400 if request.method == "POST" else 200)


def _organisation(kind_key: str, url_kwargs: dict):
    """The organisation a URL names: ``organisation_kind`` ("court") is fixed by the route, the slug
    is ``<kind>_slug`` ("court_slug", as the other court pages name it)."""
    kind, organisation = selectors.organisation_by_slug(kind_key, url_kwargs.get(f"{kind_key}_slug", ""))
    if organisation is None:
        raise Http404(_("No such organisation."))
    return kind, organisation


def _see_other(url: str) -> HttpResponseRedirect:
    response = HttpResponseRedirect(url)
    response.status_code = 303
    return response


@require_http_methods(["GET", "POST"])
def submit(request, organisation_kind: str, **kwargs):
    kind, organisation = _organisation(organisation_kind, kwargs)
    form = SubmissionForm(request.POST or None)
    status = 200
    if request.method == "POST" and form.is_valid():
        data = form.cleaned_data
        if data["website"]:
            # A robot filled the field people never see: it gets what a person gets, nothing is kept.
            return _see_other(reverse(f"feedback:{kind.key}_public", args=[kind.slug(organisation)]))
        try:
            submission = services.submission_create(
                organisation_kind=kind, organisation=organisation, kind=data["kind"], text=data["text"],
                contact=data["contact"] or "", case_number=data["case_number"] or "",
                client_address=request_address(request), language=get_language() or "",
            )
        except ValidationError as exc:
            _form_errors(request, form, exc)
            status = 429 if getattr(exc, "code", None) == "rate_limited" else 400
        else:
            return _see_other(follow_path(kind, organisation, submission) + "&new=1")
    elif request.method == "POST":
        status = 400
    return render(request, "feedback/submit.html", {"kind": kind, "organisation": organisation, "form": form},
                  status=status)


@require_GET
def follow(request, organisation_kind: str, reference: str, **kwargs):
    """The author's receipt and follow-up page: its private token is the key."""
    kind, organisation = _organisation(organisation_kind, kwargs)
    submission = selectors.submission_for_author(kind=kind, organisation=organisation, reference=reference,
                                                 token=request.GET.get("token", ""))
    if submission is None:
        raise Http404(_("No such message, or the link is not complete."))
    return render(request, "feedback/follow.html", {
        "kind": kind, "organisation": organisation, "submission": submission, "new": "new" in request.GET,
        "follow_url": request.build_absolute_uri(follow_path(kind, organisation, submission)),
    })


@require_GET
def public_list(request, organisation_kind: str, **kwargs):
    kind, organisation = _organisation(organisation_kind, kwargs)
    return render(request, "feedback/public.html", {
        "kind": kind, "organisation": organisation,
        "items": selectors.published_items(kind=kind, organisation=organisation),
    })


def _staff_organisation(request, kind_key: str, url_kwargs: dict):
    kind, organisation = _organisation(kind_key, url_kwargs)
    if not kind.is_staff(request.user, organisation):
        raise PermissionDenied(_("Only the organisation's staff see its inbox."))
    return kind, organisation


@login_required
@require_GET
def inbox(request, organisation_kind: str, **kwargs):
    kind, organisation = _staff_organisation(request, organisation_kind, kwargs)
    wanted = request.GET.get("status", "")
    items = selectors.submissions_of(kind=kind, organisation=organisation)
    if wanted in Submission.Status.values:
        items = items.filter(status=wanted)
    trend = selectors.organisation_trend(kind=kind, organisation=organisation, now=timezone.now())
    return render(request, "feedback/inbox.html", {
        "kind": kind, "organisation": organisation, "items": items[:200], "wanted": wanted,
        "statuses": Submission.Status.choices, "chart": chart.trend_chart(trend), "form": DecisionForm(),
    })


@login_required
@require_POST
def decide(request, organisation_kind: str, reference: str, **kwargs):
    kind, organisation = _staff_organisation(request, organisation_kind, kwargs)
    submission = selectors.submission_by_reference(kind=kind, organisation=organisation, reference=reference)
    if submission is None:
        raise Http404(_("No such message."))
    form = DecisionForm(request.POST)
    if not form.is_valid():
        messages.error(request, _("Choose what to do with the message."))
    else:
        try:
            services.submission_decide(submission=submission, by=request.user, **form.cleaned_data)
        except ValidationError as exc:
            _form_errors(request, None, exc)
        else:
            messages.success(request, _("%(reference)s saved.") % {"reference": submission.reference})
    return redirect(reverse(f"feedback:{kind.key}_inbox", args=[kind.slug(organisation)]))
