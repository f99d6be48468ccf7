"""What the classrooms API shares: the tag and the look-ups."""

from __future__ import annotations

from django.contrib.auth import get_user_model

from classrooms import selectors
from classrooms.models import Classroom, School

TAGS = ["classrooms"]
User = get_user_model()


def _classroom(request, classroom_id) -> Classroom:
    """The class among the caller's (``selectors.classroom_for``: a 404 for outsiders, before the
    input is read). Who may do what in it: the service, or for a read ``policies.require_staff``."""
    return selectors.classroom_for(request.user, classroom_id)


def _school(request, school_id) -> School:
    """The school among those the caller administers (a 404 otherwise)."""
    return selectors.school_for(request.user, school_id)
