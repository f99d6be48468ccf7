"""Type names that services and selectors share (checked by mypy in ``make lint``)."""

from collections.abc import Iterable

from django.contrib.auth.models import AnonymousUser, User

# settings.AUTH_USER_MODEL is Django's own User. A request's user may also be anonymous.
AnyUser = User | AnonymousUser
# People to match or invite: accounts and/or e-mail addresses (None and blanks are skipped).
People = Iterable[User | str | None]

__all__ = ["AnyUser", "People", "User"]
