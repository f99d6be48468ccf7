from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.paginator import Paginator
from django.http import Http404, HttpResponseRedirect
from django.shortcuts import get_object_or_404, render
from django.urls import reverse
from django.utils.http import url_has_allowed_host_and_scheme
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from notifications import policies, selectors, services
from notifications.errors import NotificationError
from notifications.models import Message
from notifications.render import notice_text
from scheduling.models import Event


@login_required
def inbox(request):
    page = Paginator(selectors.inbox_for(user=request.user), 50).get_page(request.GET.get("page"))
    for notice in page:
        notice.text = notice_text(notice)
    return render(
        request,
        "notifications/inbox.html",
        {
            "page": page,
            "unread": selectors.unread_count(user=request.user),
            "events": selectors.organised_events_with_deliveries(user=request.user)[:50],
            "live_strings": {"new": _("New")},
        },
    )


@login_required
@require_POST
def mark_read(request):
    raw = request.POST.get("id", "")
    ids = None
    if raw:
        if not raw.isdigit():
            messages.error(request, _("That notice does not exist."))
            return HttpResponseRedirect(reverse("notifications:inbox"))
        ids = [int(raw)]
    services.notices_mark_read(user=request.user, ids=ids)
    target = request.POST.get("next", "")
    if not url_has_allowed_host_and_scheme(target, allowed_hosts={request.get_host()}):
        target = reverse("notifications:inbox")
    return HttpResponseRedirect(target)


def _event_for_organiser(request, event_id) -> Event:
    event = get_object_or_404(Event.objects.select_related("organizer"), pk=event_id)
    if not policies.may_manage_deliveries(request.user, event):
        raise Http404(_("No such event."))
    return event


@login_required
def event_log(request, event_id):
    event = _event_for_organiser(request, event_id)
    return render(
        request,
        "notifications/event_log.html",
        {
            "event": event,
            "deliveries": selectors.deliveries_for_event(event=event),
            "short_notices": selectors.short_notices_for(event=event),
        },
    )


@login_required
@require_POST
def retry(request, message_id):
    message = get_object_or_404(Message.objects.select_related("event"), pk=message_id)
    event = _event_for_organiser(request, message.event_id)
    try:
        services.message_retry(message=message, by=request.user)
    except NotificationError as exc:
        messages.error(request, exc.message)
    else:
        messages.success(request, _("The message will be sent again."))
    return HttpResponseRedirect(reverse("notifications:event_log", args=[event.pk]))
