"""The public docket's live channel: one group per court, one message per change.

The message carries the whole day's public docket, built once here (not per listener), so a
listener that missed an update is right again with the next one. Nothing in it names a party.
"""

from asgiref.sync import async_to_sync
from channels.layers import get_channel_layer


def docket_group(court_slug: str) -> str:
    return f"docket.{court_slug}"


def docket_changed(*, court_id: int) -> None:
    """Tell the court's docket pages the day's docket as it is now (run after commit)."""
    from hearings.models import Court
    from hearings.selectors import docket_today

    court = Court.objects.filter(pk=court_id).first()
    if court is None:
        return
    layer = get_channel_layer()
    if layer is None:
        return
    message = {"type": "docket.state", "docket": docket_today(court=court)}
    async_to_sync(layer.group_send)(docket_group(court.slug), message)
