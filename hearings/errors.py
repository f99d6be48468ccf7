"""What can go wrong with a hearing, one exception per kind; views show the translated message.

``HearingError`` is the project's ``InvalidInput`` (``config.errors``; like
``scheduling.errors.SchedulingError``), so forms show it on the field it names and the API answers
400 with the same field errors. ``HearingForbidden`` is the project's ``Forbidden``.
"""

from config.errors import Forbidden, InvalidInput


class HearingError(InvalidInput):
    """Bad input for a hearing service: nothing was changed."""


class HearingForbidden(Forbidden):
    """The person may not do this to this hearing; the message says why (a 403 in the API)."""
