"""Attendance (API): one meeting's and the term's."""

from __future__ import annotations

from drf_spectacular.utils import extend_schema
from rest_framework import serializers
from rest_framework.response import Response
from rest_framework.views import APIView

from classrooms import attendance, policies, selectors
from classrooms.api.common import TAGS, _classroom


class ClassAttendanceRowSerializer(serializers.Serializer):
    name = serializers.CharField(source="enrollment.name")
    email = serializers.CharField(source="enrollment.email")
    status = serializers.CharField(help_text="present, late, left_early or absent")
    status_label = serializers.CharField()
    first_join = serializers.DateTimeField(allow_null=True)
    last_leave = serializers.DateTimeField(allow_null=True)
    minutes = serializers.IntegerField()


class ClassStudentRateSerializer(serializers.Serializer):
    name = serializers.CharField(source="enrollment.name")
    email = serializers.CharField(source="enrollment.email")
    counts = serializers.DictField(child=serializers.IntegerField())
    attended = serializers.IntegerField()
    expected = serializers.IntegerField()
    rate = serializers.IntegerField(allow_null=True, help_text="Percent of expected meetings attended.")


def _rows(summary) -> list[dict]:
    return ClassAttendanceRowSerializer(summary.rows, many=True).data


class MeetingAttendanceView(APIView):
    @extend_schema(tags=TAGS, responses=ClassAttendanceRowSerializer(many=True))
    def get(self, request, classroom_id, occurrence_id):
        classroom = _classroom(request, classroom_id)
        policies.require_staff(request.user, classroom)
        summary = attendance.meeting_attendance(classroom, selectors.class_occurrence(classroom, occurrence_id))
        return Response(_rows(summary))


class TermAttendanceView(APIView):
    @extend_schema(tags=TAGS, responses=ClassStudentRateSerializer(many=True))
    def get(self, request, classroom_id):
        classroom = _classroom(request, classroom_id)
        policies.require_staff(request.user, classroom)
        _meetings, rates = attendance.term_attendance(classroom)
        return Response(ClassStudentRateSerializer(rates, many=True).data)
