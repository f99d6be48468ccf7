from datetime import timedelta

from django.contrib.auth import get_user_model
from django.utils import timezone

from scheduling.services import AttendeeSpec, event_create


def user(username: str, *, email: str = "", language: str = ""):
    account = get_user_model().objects.create_user(username=username, email=email, password="pw-secret-123")
    if language:
        from scheduling.models import Profile

        Profile.objects.update_or_create(user=account, defaults={"language": language})
    return account


def later(days: float = 2, hour: int = 9):
    """A whole hour some days ahead, so that sittings never start in the past."""
    return (timezone.now() + timedelta(days=days)).replace(minute=0, second=0, microsecond=0)


def meeting(organizer, *, people, title="Physics 10A", kind="class", days=2, rrule="", **extra):
    """``organizer`` becomes staff: an institution's organiser, who may invite any address
    (``scheduling.policies.strangers``)."""
    if not organizer.is_staff:
        organizer.is_staff = True
        organizer.save(update_fields=["is_staff"])
    return event_create(
        organizer=organizer,
        title=title,
        start=later(days),
        duration=timedelta(hours=1),
        timezone="Asia/Jakarta",
        rrule=rrule,
        kind=kind,
        allow_conflicts=True,
        attendees=[AttendeeSpec(**spec) for spec in people],
        **extra,
    )
