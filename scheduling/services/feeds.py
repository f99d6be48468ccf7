"""Personal calendar feeds (by account or by e-mail) and profiles."""

from django.db import transaction
from django.utils.translation import gettext as _

from config.types import User
from scheduling import recurrence, tokens
from scheduling.errors import SchedulingError
from scheduling.models import CalendarFeed, Profile
from scheduling.services import validation


def calendar_feed_for(*, user: User | None = None, email: str = "") -> CalendarFeed:
    """A person's feed, by account or (without one) by e-mail; created on first use."""
    if user is not None:
        feed, _created = CalendarFeed.objects.get_or_create(user=user)
        return feed
    email = validation.email(email)
    if not email:
        raise SchedulingError(_("A calendar feed needs an account or an e-mail address."), field="email")
    with transaction.atomic():
        found = CalendarFeed.objects.filter(user__isnull=True, email__iexact=email).first()
        return found or CalendarFeed.objects.create(email=email)


def calendar_feed_rotate(*, feed: CalendarFeed) -> CalendarFeed:
    """A new feed address; the old one answers 404."""
    feed.token_salt = tokens.new_salt()
    feed.token_hash = tokens.token_hash(tokens.token_for("feed", feed.token_salt))
    feed.revoked_at = None
    feed.save(update_fields=["token_salt", "token_hash", "revoked_at"])
    return feed


def calendar_feed_revoke(*, feed: CalendarFeed) -> CalendarFeed:
    feed.revoked_at = validation.now()
    feed.save(update_fields=["revoked_at"])
    return feed


def profile_for(*, user: User) -> Profile:
    profile, _created = Profile.objects.get_or_create(user=user)
    return profile


def profile_update(*, user: User, timezone: str | None = None, language: str | None = None) -> Profile:
    """A person's own zone and language: pages, e-mails and in-app notices follow them. ``None``
    leaves that one as it is; an empty string goes back to the default."""
    with transaction.atomic():
        profile, _created = Profile.objects.select_for_update().get_or_create(user=user)
        changed = []
        if timezone is not None:
            if timezone:
                recurrence.zone_for(timezone)
            profile.timezone = timezone
            changed.append("timezone")
        if language is not None:
            profile.language = validation.language(language)
            changed.append("language")
        if changed:
            profile.save(update_fields=changed)
    return profile
