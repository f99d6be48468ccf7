"""What a room refuses, one exception per kind; consumers send ``error`` with its ``code``."""


class RoomError(Exception):
    code = "invalid"

    def __init__(self, message: str):
        super().__init__(message)
        self.message = message


class Forbidden(RoomError):
    code = "forbidden"


class Invalid(RoomError):
    code = "invalid"
