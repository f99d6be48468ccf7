"""What the classrooms pages share: the class looked up for a view, and a service's failure shown."""

from __future__ import annotations

from functools import wraps

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import ValidationError
from django.http import HttpResponse
from django.shortcuts import redirect

from classrooms import policies, selectors


def _error_text(exc: ValidationError) -> str:
    return " ".join(exc.messages)


def class_lookup(view):
    """Login required; the class by id among the viewer's (``selectors.classroom_for``: a 404 for
    outsiders). For a view that calls a service: the service says who may do it."""

    @wraps(view)
    @login_required
    def wrapper(request, classroom_id, *args, **kwargs):
        return view(request, selectors.classroom_for(request.user, classroom_id), *args, **kwargs)

    return wrapper


def classroom_view(*roles):
    """For a page that only reads: the class looked up as ``class_lookup`` does, and the viewer's
    role in it checked (a 403 for a role not in ``roles``)."""

    def decorator(view):
        @wraps(view)
        @class_lookup
        def wrapper(request, classroom, *args, **kwargs):
            role = policies.require_role(request.user, classroom, roles)
            return view(request, classroom, role, *args, **kwargs)

        return wrapper

    return decorator


def _back(classroom) -> HttpResponse:
    return redirect("classrooms:detail", classroom_id=classroom.pk)


def _run(request, call, success: str) -> bool:
    """Call one service; show its failure as a message. True when it succeeded."""
    try:
        call()
    except ValidationError as exc:
        messages.error(request, _error_text(exc))
        return False
    messages.success(request, success)
    return True

