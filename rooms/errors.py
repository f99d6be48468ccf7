"""What a room refuses, one exception per kind (``config.errors``); consumers send ``error``
with its ``code``."""

from config import errors


class RoomError(errors.HadirError):
    code = "invalid"


class Forbidden(RoomError, errors.Forbidden):
    code = "forbidden"


class Invalid(RoomError):
    code = "invalid"
