"""Pages: my schedule (week and list), the calendar feed, and the RSVP page behind an invite link."""

from datetime import date, datetime, time, timedelta

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.http import Http404, HttpResponse, HttpResponseRedirect
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import reverse
from django.utils import timezone, translation
from django.utils.http import url_has_allowed_host_and_scheme
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy
from django.views.decorators.http import condition, require_GET, require_http_methods, require_POST, require_safe

from scheduling import ical, languages, policies, selectors, services
from scheduling.errors import SchedulingError
from scheduling.models import Attendee, Event, Occurrence

# The answers a person can give, as the verbs on their buttons.
ANSWERS = {
    Attendee.Rsvp.ACCEPTED: gettext_lazy("Accept"),
    Attendee.Rsvp.TENTATIVE: gettext_lazy("Maybe"),
    Attendee.Rsvp.DECLINED: gettext_lazy("Decline"),
}


def _not_found(request, message: str, status: int = 404):
    return render(request, "scheduling/not_found.html", {"message": message}, status=status)


# ---------------------------------------------------------------- calendar feed


def _feed_version(request, token):
    """(ETag, Last-Modified) for a token, computed once per request; None for a bad token."""
    if not hasattr(request, "_hadir_feed"):
        feed = selectors.feed_by_token(token)
        if feed is None:
            request._hadir_feed = (None, None, None)
        else:
            with translation.override(languages.feed_language(feed=feed)):
                request._hadir_feed = (feed, *selectors.feed_version(feed=feed))
    return request._hadir_feed


@require_safe
@condition(
    etag_func=lambda request, token: _feed_version(request, token)[1],
    last_modified_func=lambda request, token: _feed_version(request, token)[2],
)
def calendar_feed(request, token: str):
    """GET and HEAD (Django drops HEAD's body); in its owner's language, whatever the client asks."""
    feed = _feed_version(request, token)[0]
    if feed is None:
        return _not_found(request, _("This calendar link is unknown or was replaced by a new one."))
    with translation.override(languages.feed_language(feed=feed)):
        calendar = ical.feed_calendar(feed=feed)
    response = HttpResponse(ical.calendar_bytes(calendar), content_type=ical.FEED_CONTENT_TYPE)
    response["Content-Disposition"] = 'inline; filename="hadir.ics"'
    response["Cache-Control"] = "private, max-age=0, must-revalidate"
    return response


# ---------------------------------------------------------------- RSVP by personal link


@require_http_methods(["GET", "POST"])
def rsvp(request, token: str):
    """GET shows the invitation and a confirm button (mail scanners prefetch links); POST records."""
    attendee = selectors.attendee_by_join_token(token)
    if attendee is None:
        return _not_found(request, _("This invitation link is unknown, was replaced, or was withdrawn."))
    event = attendee.event
    if event.status == event.Status.CANCELLED:
        return _not_found(request, _("This event was cancelled."), status=410)
    answer = request.POST.get("answer") if request.method == "POST" else request.GET.get("answer")
    error = ""
    if request.method == "POST":
        try:
            services.attendee_rsvp(attendee=attendee, rsvp=answer or "")
        except SchedulingError as exc:
            error = " ".join(exc.messages)
        else:
            messages.success(
                request,
                _("Thank you: your answer “%(answer)s” is recorded.")
                % {"answer": attendee.get_rsvp_display()},
            )
            return HttpResponseRedirect(request.path)
    upcoming = event.occurrences.filter(status=Occurrence.Status.SCHEDULED, end__gt=timezone.now())
    upcoming = upcoming.order_by("start")[:5]
    return render(
        request,
        "scheduling/rsvp.html",
        {
            "attendee": attendee,
            "event": event,
            "upcoming": upcoming,
            "answer": answer if answer in ANSWERS else "",
            "answer_label": ANSWERS.get(answer, ""),
            "answers": ANSWERS.items(),
            "error": error,
            "join_url": attendee.join_path,
        },
    )


# ---------------------------------------------------------------- my schedule


def _week_start(value: str) -> date:
    """The Monday of the week asked for; today's week for a bad date or one at the calendar's edges."""
    try:
        day = date.fromisoformat(value)
    except (TypeError, ValueError):
        day = timezone.localdate()
    if not 1970 <= day.year < 9000:
        day = timezone.localdate()
    return day - timedelta(days=day.weekday())


@login_required
@require_GET
def schedule(request):
    view = "list" if request.GET.get("view") == "list" else "week"
    zone = timezone.get_current_timezone()
    if view == "week":
        first = _week_start(request.GET.get("week", ""))
        days = [first + timedelta(days=offset) for offset in range(7)]
        start = datetime.combine(first, time.min, tzinfo=zone)
        end = datetime.combine(first + timedelta(days=7), time.min, tzinfo=zone)
    else:
        first = timezone.localdate()
        days = []
        start = datetime.combine(first, time.min, tzinfo=zone)
        end = start + timedelta(days=60)
    occurrences = list(selectors.occurrences_for_user(user=request.user, start=start, end=end))
    invitations = selectors.invitations_for_user(
        user=request.user, event_ids={o.event_id for o in occurrences}
    )
    rows = [
        {
            "occurrence": o,
            "event": o.event,
            "invitation": invitations.get(o.event_id),
            "organizing": o.event.organizer_id == request.user.pk,
            "own_zone": o.event.timezone != timezone.get_current_timezone_name(),
        }
        for o in occurrences
    ]
    feed = services.calendar_feed_for(user=request.user)
    feed_url = ical.absolute_url(feed.path)
    context = {
        "view": view,
        "rows": rows,
        "days": [
            {"day": day, "rows": [r for r in rows if timezone.localtime(r["occurrence"].start).date() == day]}
            for day in days
        ],
        "previous_week": (first - timedelta(days=7)).isoformat(),
        "next_week": (first + timedelta(days=7)).isoformat(),
        "this_week": first.isoformat(),
        "feed_url": feed_url,
        "webcal_url": "webcal://" + feed_url.split("://", 1)[1],
        "answers": ANSWERS.items(),
        "copied_label": _("Copied"),
    }
    return render(request, "scheduling/schedule.html", context)


@login_required
@require_POST
def schedule_answer(request, attendee_id):
    """Accept / Decline from my schedule: only for my own invitation."""
    attendee = get_object_or_404(Attendee, pk=attendee_id, removed_at__isnull=True)
    mine = selectors.invitations_for_user(user=request.user, event_ids=[attendee.event_id])
    if mine.get(attendee.event_id) != attendee:
        raise Http404
    try:
        services.attendee_rsvp(attendee=attendee, rsvp=request.POST.get("answer", ""))
    except SchedulingError as exc:
        messages.error(request, " ".join(exc.messages))
    else:
        messages.success(
            request, _("Your answer for “%(title)s” is recorded.") % {"title": attendee.event.title}
        )
    return redirect(_back(request))


@login_required
@require_POST
def feed_rotate(request):
    feed = services.calendar_feed_for(user=request.user)
    services.calendar_feed_rotate(feed=feed)
    messages.success(request, _("Your calendar link was replaced; the old one no longer works."))
    return redirect(_back(request))


def _back(request) -> str:
    target = request.POST.get("next", "")
    return target if target.startswith("/schedule/") else reverse("scheduling:schedule")


# ---------------------------------------------------------------- people's links

# What each link button does, and what the organiser is told afterwards.
LINK_ACTIONS = {
    "rotate": (services.attendee_token_rotate, gettext_lazy(
        "%(name)s has a new link; the old one, and every browser that entered with it, no longer work. "
        "Use “Send again” to send them the new one."
    )),
    "revoke": (services.attendee_token_revoke, gettext_lazy(
        "%(name)s's link was withdrawn; browsers that entered with it are out. “New link” gives them another."
    )),
    "resend": (services.attendee_invite_resend, gettext_lazy("The invitation was sent to %(name)s again.")),
}


@login_required
@require_GET
def event_people(request, event_id):
    """An event's invited people, with their answers and buttons for their links (the organiser and,
    for a class or a hearing, its staff)."""
    event = get_object_or_404(Event.objects.select_related("organizer"), pk=event_id)
    if not policies.can_manage_links(request.user, event):
        raise Http404
    people = event.attendees.filter(removed_at__isnull=True).order_by("name").prefetch_related(
        "sitting_answers__occurrence"
    )
    upcoming = event.occurrences.filter(end__gt=timezone.now()).order_by("start")[:5]
    return render(request, "scheduling/event_people.html", {"event": event, "people": people, "upcoming": upcoming})


@login_required
@require_POST
def attendee_link(request, attendee_id, action: str):
    """Rotate, revoke or resend one person's link (the service decides who may), then go back."""
    attendee = get_object_or_404(Attendee.objects.select_related("event"), pk=attendee_id, removed_at__isnull=True)
    if action not in LINK_ACTIONS:
        raise Http404
    service, done = LINK_ACTIONS[action]
    try:
        service(attendee=attendee, by=request.user)
    except SchedulingError as exc:
        messages.error(request, " ".join(exc.messages))
    else:
        messages.success(request, done % {"name": attendee.name})
    target = request.POST.get("next", "")
    safe = target.startswith("/") and url_has_allowed_host_and_scheme(
        target, allowed_hosts={request.get_host()}, require_https=request.is_secure()
    )
    return redirect(target if safe else reverse("scheduling:event_people", args=[attendee.event_id]))
