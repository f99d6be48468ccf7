"""What the classrooms pages share: the class looked up for a view, and a service's failure shown."""

from __future__ import annotations

from functools import wraps

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import ValidationError
from django.http import HttpResponse
from django.shortcuts import get_object_or_404, redirect

from classrooms import policies
from classrooms.models import Classroom


def _error_text(exc: ValidationError) -> str:
    return " ".join(exc.messages)


def _classroom(classroom_id) -> Classroom:
    return get_object_or_404(Classroom.objects.select_related("school"), pk=classroom_id)


def classroom_view(*roles):
    """Login required; the class by id; the viewer's role in it checked (404 outsiders, 403 others)."""

    def decorator(view):
        @wraps(view)
        @login_required
        def wrapper(request, classroom_id, *args, **kwargs):
            classroom = _classroom(classroom_id)
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


def _csv_response(text: str, filename: str) -> HttpResponse:
    response = HttpResponse(text, content_type="text/csv; charset=utf-8")
    response["Content-Disposition"] = f'attachment; filename="{filename}"'
    return response
