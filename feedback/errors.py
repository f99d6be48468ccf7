"""The feedback app's errors, in the project's one error story (``config.errors``)."""

from config.errors import Forbidden, InvalidInput, NotFound


class FeedbackError(InvalidInput):
    """Bad input or a refused answer: shown on the form field it names, a 400 in the API."""


class FeedbackForbidden(Forbidden):
    pass


class FeedbackNotFound(NotFound):
    pass
