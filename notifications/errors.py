from config.errors import HadirError


class NotificationError(HadirError):
    """A notification action that cannot be done now; ``message`` is translated for the user."""


class RetryRefused(NotificationError):
    """The message is not failed, or still cannot be delivered (no address)."""
