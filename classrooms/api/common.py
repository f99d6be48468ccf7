"""What the classrooms API shares: the tag and the look-ups."""

from __future__ import annotations

from django.contrib.auth import get_user_model
from django.shortcuts import get_object_or_404

from classrooms import policies
from classrooms.models import Classroom, School

TAGS = ["classrooms"]
User = get_user_model()


def _classroom(classroom_id) -> Classroom:
    return get_object_or_404(Classroom.objects.select_related("school"), pk=classroom_id)


def _school(request, school_id) -> School:
    school = get_object_or_404(School, pk=school_id)
    policies.require_school_admin(request.user, school)
    return school
