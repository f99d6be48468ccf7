"""API conventions shared by every app: one error shape, translated messages, bounded input."""

from django.core.exceptions import PermissionDenied, RequestDataTooBig, ValidationError
from django.http import Http404, JsonResponse
from django.utils.translation import gettext_lazy as _
from django.views import defaults
from rest_framework import exceptions, parsers, status
from rest_framework.pagination import LimitOffsetPagination
from rest_framework.response import Response

from config.errors import HadirError, NotFound

# No Hadir request nests deeper than a few levels; a body nested far deeper is an attack, refused
# before any code walks it (Python's JSON decoder itself fails past about 1,000 levels).
MAX_JSON_DEPTH = 32


class RequestTooLarge(exceptions.APIException):
    status_code = status.HTTP_413_REQUEST_ENTITY_TOO_LARGE
    default_detail = _("The request body is too large.")
    default_code = "too_large"


def _depth(value) -> int:
    """How deep a parsed JSON value nests, without recursion."""
    deepest, stack = 0, [(value, 1)]
    while stack:
        item, level = stack.pop()
        if isinstance(item, dict | list):
            deepest = max(deepest, level)
            if level > MAX_JSON_DEPTH:
                break
            stack.extend((child, level + 1) for child in (item.values() if isinstance(item, dict) else item))
    return deepest


class JSONParser(parsers.JSONParser):
    """DRF's JSON parser, with JSON nested too deep as a 400 (DRF's parser let the decoder's
    RecursionError through as a 500). The body's size is capped before: DRF reads it through
    Django's ``request.body``, which refuses more than DATA_UPLOAD_MAX_MEMORY_SIZE."""

    def parse(self, stream, media_type=None, parser_context=None):
        try:
            data = super().parse(stream, media_type, parser_context)
            if _depth(data) <= MAX_JSON_DEPTH:
                return data
        except RecursionError:
            pass
        raise exceptions.ParseError(
            _("The JSON is nested too deeply (at most %(depth)d levels).") % {"depth": MAX_JSON_DEPTH}
        )


class Pagination(LimitOffsetPagination):
    """Limit/offset pages with a ceiling: a ``?limit=`` above ``max_limit`` gives ``max_limit``
    (a huge one used to reach the database as a number too large for it: a 500)."""

    max_limit = 500


def not_found(request, exception):
    """Django's 404 for a URL no route matches (a malformed id, say); under /api/ in the API's
    error shape, since the client asked for JSON."""
    if request.path.startswith("/api/"):
        return JsonResponse({"detail": str(exceptions.NotFound.default_detail)}, status=status.HTTP_404_NOT_FOUND)
    return defaults.page_not_found(request, exception)


def exception_handler(exc, context):
    """DRF's handler, plus the project's errors (``config.errors``): bad input (and Django's
    ValidationError) as a 400 with field errors, ``Forbidden`` (and Django's PermissionDenied) as a
    403, ``NotFound`` (and Django's Http404) as a 404; and a body over Django's size cap as a 413
    (Django alone answers an HTML 400 and logs an error)."""
    if isinstance(exc, ValidationError):
        detail = exc.message_dict if hasattr(exc, "error_dict") else {"detail": exc.messages}
        return Response(detail, status=status.HTTP_400_BAD_REQUEST)
    if isinstance(exc, HadirError) and not isinstance(exc, PermissionDenied | NotFound):
        detail = {exc.field: [exc.message]} if exc.field else {"detail": [exc.message]}
        return Response(detail, status=status.HTTP_400_BAD_REQUEST)
    if isinstance(exc, RequestDataTooBig):
        exc = RequestTooLarge()
    elif isinstance(exc, Http404 | NotFound):
        exc = exceptions.NotFound()
    elif isinstance(exc, PermissionDenied):
        exc = exceptions.PermissionDenied(str(exc) or None)
    # Imported here: rest_framework.views reads the parser and pagination settings, which name
    # this module, when it is first imported; at the top it is a cycle whenever a system check
    # reads those settings before anything else has imported DRF's views.
    from rest_framework.views import exception_handler as drf_exception_handler

    return drf_exception_handler(exc, context)


# The errors any operation may answer, in the one error shape; drf-spectacular documents only the
# successes (and what a view names itself), so clients and schemathesis would see these as
# undocumented.
ERRORS = {
    "400": "Invalid input: a message (detail) or messages per field.",
    "401": "Not signed in.",
    "403": "Not allowed.",
}


def document_errors(result, generator, request, public):
    """drf-spectacular post-processing hook: list the common error answers on every operation."""
    result.setdefault("components", {}).setdefault("schemas", {})["Error"] = {
        "description": "A message (`detail`, with more fields for some errors), or messages per field.",
        "oneOf": [{"type": "object", "additionalProperties": True}, {"type": "array", "items": {"type": "string"}}],
    }
    error = {"application/json": {"schema": {"$ref": "#/components/schemas/Error"}}}
    for path, operations in result.get("paths", {}).items():
        for operation in operations.values():
            codes = dict(ERRORS)
            if "{" in path:
                codes["404"] = "No such object, or not one you may see."
            if "requestBody" in operation:
                codes["413"] = "The request body is too large."
            for code, description in codes.items():
                operation["responses"].setdefault(code, {"description": description, "content": error})
    return result
