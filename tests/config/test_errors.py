"""One error story (``config.errors``): every app's errors derive from ``HadirError``, and the API
and the pages answer each kind in one place with the status codes they always had."""

import pytest
from django.core.exceptions import PermissionDenied, ValidationError
from django.test import RequestFactory

from classrooms.errors import ClassroomError, ClassroomForbidden, ClassroomNotFound
from config.errors import Forbidden, HadirError, InvalidInput, NotFound
from config.middleware import HadirErrorMiddleware
from hearings.errors import HearingError, HearingForbidden
from notifications.errors import NotificationError
from rooms.errors import RoomError
from rooms.policies import TransitionRefused
from scheduling.errors import NotAllowed, SchedulingError


@pytest.mark.parametrize("base", [SchedulingError, NotAllowed, HearingError, HearingForbidden, ClassroomError,
                                  ClassroomForbidden, ClassroomNotFound, RoomError, TransitionRefused,
                                  NotificationError])
def test_every_app_error_is_a_hadir_error(base):
    assert issubclass(base, HadirError)


def test_bad_input_is_a_validation_error_with_its_field():
    error = SchedulingError("Give the event a title.", field="title")
    assert isinstance(error, ValidationError) and isinstance(error, InvalidInput)
    assert (error.code, error.field, error.message_dict) == ("invalid", "title", {"title": ["Give the event a title."]})
    assert ClassroomError({"name": "The class needs a name."}).field == "name"


@pytest.mark.parametrize(("error", "status", "body"), [
    (HearingError("Name the courtroom.", field="courtroom"), 400, {"courtroom": ["Name the courtroom."]}),
    (RoomError("No."), 400, {"detail": ["No."]}),
    (NotificationError("Not now.", field="message"), 400, {"message": ["Not now."]}),
    (NotAllowed("Only the organiser."), 403, {"detail": "Only the organiser."}),
    (ClassroomNotFound("No such class."), 404, None),
])
def test_the_api_answers_each_kind(error, status, body):
    import config.urls  # noqa: F401 (DRF's settings import config.api: load them as the site does)
    from config.api import exception_handler

    response = exception_handler(error, {})
    assert response.status_code == status
    if body is not None:
        assert response.data == body


def test_a_page_answers_not_found_with_a_404():
    middleware = HadirErrorMiddleware(lambda request: None)
    request = RequestFactory().get("/classes/1/")
    assert middleware.process_exception(request, ClassroomNotFound("No such class.")).status_code == 404
    assert middleware.process_exception(request, Forbidden("No.")) is None  # Django answers a PermissionDenied
    assert isinstance(Forbidden("No."), PermissionDenied) and issubclass(ClassroomNotFound, NotFound)
