import zoneinfo
from urllib.parse import urlsplit

from django.conf import settings
from django.core.exceptions import DisallowedHost
from django.core.handlers.exception import response_for_exception
from django.http import Http404
from django.utils import timezone, translation

from config.errors import NotFound

SESSION_TIMEZONE_KEY = "hadir_timezone"


def timezone_name_for(request) -> str:
    """The viewer's zone: their profile's, else the one they picked this session, else the default."""
    user = getattr(request, "user", None)
    profile = getattr(user, "profile", None) if user is not None and user.is_authenticated else None
    name = getattr(profile, "timezone", "") or request.session.get(SESSION_TIMEZONE_KEY, "")
    return name or settings.TIME_ZONE


def profile_language(request) -> str:
    """A signed-in person's chosen language (their profile), or "" to leave it to the browser."""
    user = getattr(request, "user", None)
    profile = getattr(user, "profile", None) if user is not None and user.is_authenticated else None
    code = getattr(profile, "language", "") or ""
    return code if code in dict(settings.LANGUAGES) else ""


class TimezoneMiddleware:
    """The viewer's zone, and a signed-in person's language from their profile (which the header's
    language switch and the profile page keep), on every device they sign in from."""

    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        language = profile_language(request)
        if language and language != translation.get_language():
            translation.activate(language)
            request.LANGUAGE_CODE = language
        try:
            timezone.activate(zoneinfo.ZoneInfo(timezone_name_for(request)))
        except (zoneinfo.ZoneInfoNotFoundError, ValueError):
            timezone.activate(zoneinfo.ZoneInfo(settings.TIME_ZONE))
        try:
            return self.get_response(request)
        finally:
            timezone.deactivate()


# The pages that may use the camera and the microphone (by URL name): the live room, and the
# check people make of their devices before joining.
MEDIA_PAGES = {"rooms:room", "device_check"}


def content_security_policy(request) -> str:
    """Scripts and styles from Hadir's own files only (no inline code, no other origin); sockets to
    the page's own origin; never framed."""
    sockets = ""
    try:
        sockets = f" {'wss' if request.is_secure() else 'ws'}://{request.get_host()}"
    except DisallowedHost:
        pass  # the response already says the host is wrong; 'self' alone will do
    # The browsers' Janus servers (media/), reached directly by the room page.
    janus = "".join(f" {urlsplit(url).scheme}://{urlsplit(url).netloc}" for url in settings.JANUS_URL)
    return (
        "default-src 'self'; script-src 'self'; style-src 'self'; img-src 'self' data:; "
        f"connect-src 'self'{sockets}{janus}; object-src 'none'; base-uri 'none'; form-action 'self'; "
        "frame-ancestors 'none'"
    )


def permissions_policy(request) -> str:
    match = getattr(request, "resolver_match", None)
    allowed = "(self)" if match is not None and match.view_name in MEDIA_PAGES else "()"
    return f"camera={allowed}, microphone={allowed}, display-capture=(), geolocation=()"


class SecurityHeadersMiddleware:
    """Content-Security-Policy and Permissions-Policy on every response when DEBUG is off.

    Django 5.2 has no CSP of its own; this policy is fixed (no nonces: no page has inline
    script or style), so a few lines do it without another dependency. With DEBUG on they are
    left out, because Django's debug pages are built from inline script and style.
    """

    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        response = self.get_response(request)
        if not settings.DEBUG:
            response.setdefault("Content-Security-Policy", content_security_policy(request))
            response.setdefault("Permissions-Policy", permissions_policy(request))
        return response


class HadirErrorMiddleware:
    """Pages answer the project's errors (``config.errors``) as the API does, in this one place:
    ``NotFound`` is Django's 404 (with its message), ``Forbidden`` a 403 (it is a PermissionDenied,
    which Django answers itself). Bad input is shown on the form by the view that has one."""

    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        return self.get_response(request)

    def process_exception(self, request, exception):
        if isinstance(exception, NotFound):
            return response_for_exception(request, Http404(exception.message))
        return None
