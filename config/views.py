import zoneinfo

from django.conf import settings
from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import ValidationError
from django.http import HttpResponse, HttpResponseRedirect, JsonResponse
from django.shortcuts import render
from django.templatetags.static import static
from django.utils import timezone, translation
from django.utils.http import url_has_allowed_host_and_scheme
from django.utils.translation import gettext as _
from django.views.decorators.http import require_GET, require_http_methods, require_POST
from django.views.i18n import set_language as django_set_language

from config.attention import attention_for
from config.forms import ProfileForm, add_service_error
from config.health import details_report, health_report
from config.metrics import allowed
from config.middleware import SESSION_TIMEZONE_KEY
from scheduling import services as scheduling
from scheduling.selectors import next_sittings_for_user


async def healthz(request):
    report = await health_report()
    return JsonResponse(report, status=200 if report["status"] == "ok" else 503)


@require_GET
async def healthz_details(request):
    """Every part with its figures, for the operator (the metrics token or network)."""
    if not allowed(request, token=settings.HADIR_METRICS_TOKEN, networks=settings.HADIR_METRICS_ALLOW):
        return HttpResponse(status=403)
    report = await details_report()
    return JsonResponse(report, status=503 if report["status"] == "unavailable" else 200)


@require_GET
def favicon(request):
    """Browsers ask for /favicon.ico whatever the page links; the icon is the SVG in static/."""
    return HttpResponseRedirect(static("img/favicon.svg"))


def home(request):
    """Signed in: today's and the next sessions, each with its Enter button, and what needs attention."""
    if not request.user.is_authenticated:
        return render(request, "config/home.html")
    sittings = next_sittings_for_user(user=request.user, now=timezone.now())
    return render(request, "config/home.html", {
        "sittings": [{"occurrence": occurrence, "seat": seat} for occurrence, seat in sittings],
        "attention": attention_for(request.user),
        "now": timezone.now(),
    })


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


def set_language(request):
    """Django's language switch; a signed-in person's choice is also kept on their profile, so that
    e-mails and in-app notices follow it and it holds on every device."""
    response = django_set_language(request)
    code = request.POST.get("language", "")
    chosen = code in dict(settings.LANGUAGES)
    if request.method == "POST" and request.user.is_authenticated and chosen:
        scheduling.profile_update(user=request.user, language=code)
    return response


@login_required
@require_http_methods(["GET", "POST"])
def profile(request):
    """A person's own time zone and language (reachable from the name in the header)."""
    current = scheduling.profile_for(user=request.user)
    initial = {
        "timezone": current.timezone or timezone.get_current_timezone_name(),
        "language": current.language or translation.get_language(),
    }
    form = ProfileForm(request.POST or None, initial=initial)
    if request.method == "POST" and form.is_valid():
        try:
            scheduling.profile_update(
                user=request.user, timezone=form.cleaned_data["timezone"], language=form.cleaned_data["language"],
            )
        except ValidationError as exc:
            add_service_error(form, exc)
        else:
            request.session[SESSION_TIMEZONE_KEY] = form.cleaned_data["timezone"]
            translation.activate(form.cleaned_data["language"])
            messages.success(request, _("Your profile is saved."))
            response = HttpResponseRedirect(request.path)
            response.set_cookie(settings.LANGUAGE_COOKIE_NAME, form.cleaned_data["language"],
                                samesite=settings.LANGUAGE_COOKIE_SAMESITE, secure=settings.LANGUAGE_COOKIE_SECURE)
            return response
    return render(request, "config/profile.html", {"form": form})


@require_GET
def device_check(request):
    """Camera, microphone, speakers and the connection, checked before joining (static/js/check.js).
    ``?next=`` is where "Back to the session" leads (a path on this site only)."""
    back = request.GET.get("next", "")
    if not url_has_allowed_host_and_scheme(back, allowed_hosts={request.get_host()}):
        back = ""
    strings = {
        "checking": _("checking…"),
        "problem": _("needs attention"),
        "camera_ok": _("works: you should see yourself"),
        "camera_denied": _("The browser is not allowed to use the camera: click the camera icon in the address "
                           "bar, allow it, and start the check again."),
        "camera_missing": _("No camera was found: connect one (or use a phone), then start the check again."),
        "camera_busy": _("The camera is in use by another program (a video call?): close it and start the check "
                         "again."),
        "camera_failed": _("The camera could not be started: restart the browser and start the check again."),
        "microphone_ok": _("works: we hear you"),
        "microphone_denied": _("The browser is not allowed to use the microphone: click the microphone icon in the "
                               "address bar, allow it, and start the check again."),
        "microphone_missing": _("No microphone was found: connect a headset or one built in, then start the check "
                                "again."),
        "microphone_busy": _("The microphone is in use by another program: close it and start the check again."),
        "microphone_failed": _("The microphone could not be started: restart the browser and start the check again."),
        "microphone_silent": _("We hear nothing: check that the microphone is not muted (a switch on the headset, "
                               "or the system's sound settings) and speak."),
        "speakers_waiting": _("play the test tone"),
        "tone_playing": _("a tone is playing…"),
        "speakers_ok": _("work"),
        "speakers_silent": _("Turn the volume up, or choose other speakers or headphones in your system's sound "
                             "settings, and play the tone again."),
        "connection_ok": _("works (%(ms)s ms)"),
        "connection_slow": _("The connection is slow: video may stutter. Move closer to the Wi-Fi or use audio "
                             "only."),
        "connection_failed": _("Your browser cannot keep a live connection to Hadir: a firewall or proxy may block "
                               "WebSockets. Try another network (a phone's hotspot) or ask your IT department."),
        "summary_ok": _("Everything works: you are ready to join."),
        "summary_problems": _("%(count)s checks need attention: see what to fix above."),
    }
    return render(request, "config/device_check.html", {"strings": strings, "back": back})
