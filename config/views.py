import zoneinfo

from django.conf import settings
from django.http import HttpResponseRedirect, JsonResponse
from django.shortcuts import render
from django.templatetags.static import static
from django.utils.http import url_has_allowed_host_and_scheme
from django.views.decorators.http import require_GET, require_POST

from config.health import health_report
from config.middleware import SESSION_TIMEZONE_KEY


async def healthz(request):
    report = await health_report()
    return JsonResponse(report, status=200 if report["status"] == "ok" else 503)


@require_GET
def favicon(request):
    """Browsers ask for /favicon.ico whatever the page links; the icon is the SVG in static/."""
    return HttpResponseRedirect(static("img/favicon.svg"))


def home(request):
    return render(request, "config/home.html")


@require_POST
def set_timezone(request):
    """Remember the viewer's zone for this browser session (signed-in users also keep it on their profile)."""
    name = request.POST.get("timezone", "")
    # Only a name the zone database lists: ZoneInfo opens any file under it, and a directory
    # ("Asia") or an overlong name raises OSError (a 500 here, and in every later request).
    if name not in zoneinfo.available_timezones():
        name = settings.TIME_ZONE
    request.session[SESSION_TIMEZONE_KEY] = name
    profile = getattr(request.user, "profile", None) if request.user.is_authenticated else None
    if profile is not None:
        profile.timezone = name
        profile.save(update_fields=["timezone"])
    target = request.POST.get("next", "/")
    if not url_has_allowed_host_and_scheme(target, allowed_hosts={request.get_host()}):
        target = "/"
    return HttpResponseRedirect(target)
