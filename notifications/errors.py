class NotificationError(Exception):
    """A notification action that cannot be done now; ``message`` is translated for the user."""

    def __init__(self, message):
        super().__init__(message)
        self.message = message


class RetryRefused(NotificationError):
    """The message is not failed, or still cannot be delivered (no address)."""
