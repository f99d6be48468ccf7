"""The caller's own view (API): the staff dashboard and a student's classes."""

from __future__ import annotations

from django.utils import timezone
from drf_spectacular.utils import extend_schema
from rest_framework import serializers
from rest_framework.response import Response
from rest_framework.views import APIView

from classrooms import attendance, selectors
from classrooms.api.attendance import ClassStudentRateSerializer
from classrooms.api.common import TAGS
from classrooms.api.meetings import ClassMeetingSerializer


class MyClassSerializer(serializers.Serializer):
    classroom_id = serializers.UUIDField(source="enrollment.classroom_id")
    name = serializers.CharField(source="enrollment.classroom.name")
    subject = serializers.CharField(source="enrollment.classroom.subject")
    school = serializers.CharField(source="enrollment.classroom.school.name")
    next_meeting = ClassMeetingSerializer(allow_null=True)
    join_url = serializers.CharField(allow_null=True)
    attendance = ClassStudentRateSerializer()


class MeetingCardSerializer(serializers.Serializer):
    occurrence_id = serializers.UUIDField(source="occurrence.pk")
    classroom_id = serializers.UUIDField(source="classroom.pk")
    classroom = serializers.CharField(source="classroom.name")
    start = serializers.DateTimeField(source="occurrence.start")
    end = serializers.DateTimeField(source="occurrence.end")
    status = serializers.CharField(help_text="The room's status: scheduled, open, live or ended.")
    status_label = serializers.CharField()
    present = serializers.IntegerField(help_text="Students in the room now.")
    expected = serializers.IntegerField(help_text="Students enrolled.")
    join_url = serializers.CharField(source="join_path", help_text="The caller's own way into the room.")


class DashboardView(APIView):
    @extend_schema(tags=TAGS, responses=MeetingCardSerializer(many=True))
    def get(self, request):
        """This week's meetings of the classes the caller runs or assists in, with live counts."""
        start, end = selectors.week_of(timezone.now())
        return Response(
            MeetingCardSerializer(selectors.meeting_cards(request.user, start=start, end=end), many=True).data
        )


class MyClassesView(APIView):
    @extend_schema(tags=TAGS, responses=MyClassSerializer(many=True))
    def get(self, request):
        """The caller's classes as a student: next meeting, their own join link and attendance."""
        entries = []
        for enrollment in selectors.student_enrollments(request.user):
            occurrence, attendee = selectors.next_meeting_for(enrollment)
            entries.append(
                {
                    "enrollment": enrollment,
                    "next_meeting": occurrence,
                    "join_url": attendee.join_path if attendee else None,
                    "attendance": attendance.own_attendance(enrollment),
                }
            )
        return Response(MyClassSerializer(entries, many=True).data)
