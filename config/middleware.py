import zoneinfo

from django.conf import settings
from django.utils import timezone

SESSION_TIMEZONE_KEY = "hadir_timezone"


def timezone_name_for(request) -> str:
    """The viewer's zone: their profile's, else the one they picked this session, else the default."""
    user = getattr(request, "user", None)
    profile = getattr(user, "profile", None) if user is not None and user.is_authenticated else None
    name = getattr(profile, "timezone", "") or request.session.get(SESSION_TIMEZONE_KEY, "")
    return name or settings.TIME_ZONE


class TimezoneMiddleware:
    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        try:
            timezone.activate(zoneinfo.ZoneInfo(timezone_name_for(request)))
        except (zoneinfo.ZoneInfoNotFoundError, ValueError):
            timezone.activate(zoneinfo.ZoneInfo(settings.TIME_ZONE))
        try:
            return self.get_response(request)
        finally:
            timezone.deactivate()
