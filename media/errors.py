"""What the media control plane refuses (``config.errors``); the room socket answers ``error``."""

from rooms.errors import RoomError


class MediaUnavailable(RoomError):
    """No Janus server answers (the page tries again)."""

    code = "unavailable"
