import zoneinfo

from django.conf import settings
from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import ValidationError
from django.http import HttpResponseRedirect, JsonResponse
from django.shortcuts import render
from django.templatetags.static import static
from django.utils import timezone, translation
from django.utils.http import url_has_allowed_host_and_scheme
from django.utils.translation import gettext as _
from django.views.decorators.http import require_GET, require_http_methods, require_POST
from django.views.i18n import set_language as django_set_language

from config.forms import ProfileForm, add_service_error
from config.health import health_report
from config.middleware import SESSION_TIMEZONE_KEY
from scheduling import services as scheduling


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
