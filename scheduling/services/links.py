"""Every personal link replaced at once (``manage.py links_rekey``): a new salt per row.

A key rotation alone keeps old links working while the old key is in ``SECRET_KEY_FALLBACKS``
(``scheduling.tokens``); this is for when no old link may work a minute longer (a leaked
database together with a leaked key). Each attendee's sockets close as on a single rotation
(``signals.join_link_changed``); people need their new links, sent again from the event pages.
"""

import logging

from django.db import transaction

from scheduling import signals, tokens
from scheduling.models import Attendee, CalendarFeed

logger = logging.getLogger(__name__)
BATCH = 500


def links_rekey(*, dry_run: bool = False) -> dict[str, int]:
    """New salts for every active join link and calendar feed; returns how many of each."""
    attendees = Attendee.objects.filter(removed_at__isnull=True, join_token_revoked_at__isnull=True)
    feeds = CalendarFeed.objects.filter(revoked_at__isnull=True)
    counts = {"join links": attendees.count(), "calendar feeds": feeds.count()}
    if dry_run:
        return counts
    ids = list(attendees.order_by("pk").values_list("pk", flat=True))
    for start in range(0, len(ids), BATCH):
        with transaction.atomic():
            batch = list(Attendee.objects.select_related("event").filter(pk__in=ids[start:start + BATCH]))
            for attendee in batch:
                attendee.join_token_salt = tokens.new_salt()
                attendee.join_token_hash = tokens.token_hash(tokens.token_for("join", attendee.join_token_salt))
            Attendee.objects.bulk_update(batch, ["join_token_salt", "join_token_hash"])
            for attendee in batch:
                signals.join_link_changed.send(sender=Attendee, attendee=attendee)
    with transaction.atomic():
        rows = list(feeds.select_for_update())
        for feed in rows:
            feed.token_salt = tokens.new_salt()
            feed.token_hash = tokens.token_hash(tokens.token_for("feed", feed.token_salt))
        CalendarFeed.objects.bulk_update(rows, ["token_salt", "token_hash"], batch_size=BATCH)
    logger.warning("links re-keyed: %s", counts)
    return counts
