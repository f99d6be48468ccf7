"""Top navigation: each app registers its entries in AppConfig.ready; the layout shows them."""

from collections.abc import Callable
from dataclasses import dataclass

from django.urls import NoReverseMatch, reverse


@dataclass(frozen=True)
class NavItem:
    label: str  # a lazy translation
    url_name: str
    visible: Callable = lambda user: True
    order: int = 50


_items: list[NavItem] = []


def register_nav(label, url_name: str, *, visible: Callable = lambda user: True, order: int = 50) -> None:
    if all(item.url_name != url_name for item in _items):
        _items.append(NavItem(label, url_name, visible, order))


# The pages of the way into a session (the join link's landing and waiting page, the room, the
# observer's form): each offers the device check (``config.views.device_check``).
JOIN_FLOW = {"rooms:join", "rooms:room", "hearings:observe"}


def nav_context(request) -> dict:
    """Context processor: ``hadir_nav`` is the signed-in user's entries, in order;
    ``hadir_device_check`` is true on the pages of the way into a session."""
    match = getattr(request, "resolver_match", None)
    joining = {"hadir_device_check": match is not None and match.view_name in JOIN_FLOW}
    user = getattr(request, "user", None)
    if user is None or not user.is_authenticated:
        return {"hadir_nav": [], **joining}
    entries = []
    for item in sorted(_items, key=lambda item: item.order):
        try:
            if item.visible(user):
                entries.append({"label": item.label, "url": reverse(item.url_name)})
        except NoReverseMatch:
            continue
    return {"hadir_nav": entries, **joining}
