"""How many people listen to a hearing now (its room's audience), for the clerk's pages and the public's.

The numbers come from the presence store, O(1) per hearing (``rooms.listeners.audience_sizes``), and
the public's are cached for a few seconds per process, so a docket watched by thousands costs the
store a handful of reads a minute. A closed hearing has no public: its number is never in what the
public sees (only the clerk's own pages show it).
"""

from __future__ import annotations

from django.core.cache import cache
from django.utils.formats import number_format
from django.utils.translation import ngettext

from hearings.models import Court, Hearing, Status
from hearings.selectors import court_day, docket_hearings
from rooms.listeners import audience_sizes

# A hearing's room holds an audience in these statuses (the lobby is open, in session, in recess).
LIVE_STATUSES = (Status.OPEN, Status.IN_SESSION, Status.RECESS)
PUBLIC_CACHE_SECONDS = 5


def listeners_of(hearings: list[Hearing]) -> dict[str, int]:
    """The audience of each live hearing among these, by hearing id (the clerk's pages)."""
    live = [h for h in hearings if h.status in LIVE_STATUSES]
    sizes = audience_sizes(h.occurrence_id for h in live)
    return {str(h.pk): sizes[str(h.occurrence_id)] for h in live}


def public_listeners(*, court: Court) -> dict[str, int]:
    """Today's public hearings of the court that are live and have listeners: their number, by hearing id."""
    key = f"hadir:listeners:{court.pk}"
    counts = cache.get(key)
    if counts is None:
        hearings = [h for h in docket_hearings(court=court, day=court_day(court=court)) if h.is_public]
        counts = {hearing_id: n for hearing_id, n in listeners_of(hearings).items() if n > 0}
        cache.set(key, counts, PUBLIC_CACHE_SECONDS)
    return counts


def listening_label(count: int) -> str:
    """"1,234 listening" / "1.234 mendengarkan": the number grouped as the current language writes it."""
    return ngettext("%(count)s listening", "%(count)s listening", count) % {
        "count": number_format(count, force_grouping=True)
    }
