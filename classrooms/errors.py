"""The failures classroom services raise; views and the API show their message."""

from django.core.exceptions import ValidationError


class ClassroomError(ValidationError):
    """A request that cannot be carried out as asked (the message says why); nothing was changed."""


class RosterFull(ClassroomError):
    """The class has reached its size limit."""


class AlreadyEnrolled(ClassroomError):
    """The person is already on this class's roster."""


class InvalidEnrolmentCode(ClassroomError):
    """A self-enrolment code that matches no class (or was reset)."""
