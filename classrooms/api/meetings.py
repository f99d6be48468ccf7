"""Meetings (API): the term schedule, extra meetings, moving and cancelling one."""

from __future__ import annotations

from drf_spectacular.utils import extend_schema
from rest_framework import serializers, status
from rest_framework.parsers import FormParser
from rest_framework.response import Response
from rest_framework.views import APIView

from classrooms import policies, selectors, services
from classrooms.api.common import TAGS, _classroom
from config.api import JSONParser
from scheduling.models import Occurrence


class ClassMeetingSerializer(serializers.ModelSerializer):
    cancelled = serializers.BooleanField(source="is_cancelled", read_only=True)
    moved = serializers.BooleanField(source="is_override", read_only=True)

    class Meta:
        model = Occurrence
        fields = ["id", "start", "end", "cancelled", "moved"]


class ClassMeetingTimesSerializer(serializers.Serializer):
    start = serializers.DateTimeField()
    end = serializers.DateTimeField()
    allow_conflicts = serializers.BooleanField(default=False)


class ClassScheduleSerializer(serializers.Serializer):
    weekdays = serializers.ListField(
        child=serializers.IntegerField(min_value=0, max_value=6), min_length=1, help_text="0 is Monday."
    )
    start_time = serializers.TimeField(help_text="In the school's time zone.")
    end_time = serializers.TimeField(help_text="In the school's time zone.")
    allow_conflicts = serializers.BooleanField(default=False)


class ClassScheduleResultSerializer(serializers.Serializer):
    event_id = serializers.UUIDField()
    rrule = serializers.CharField()
    exdates = serializers.ListField(child=serializers.CharField())
    meetings = ClassMeetingSerializer(many=True)


class MeetingListView(APIView):
    parser_classes = [JSONParser, FormParser]

    @extend_schema(tags=TAGS, responses=ClassMeetingSerializer(many=True))
    def get(self, request, classroom_id):
        classroom = _classroom(request, classroom_id)
        policies.require_staff(request.user, classroom)
        return Response(ClassMeetingSerializer(selectors.class_occurrences(classroom), many=True).data)

    @extend_schema(tags=TAGS, request=ClassMeetingTimesSerializer, responses={201: ClassMeetingSerializer(many=True)})
    def post(self, request, classroom_id):
        """Add one extra meeting."""
        classroom = _classroom(request, classroom_id)
        data = ClassMeetingTimesSerializer(data=request.data)
        data.is_valid(raise_exception=True)
        event = services.meeting_add(classroom=classroom, by=request.user, **data.validated_data)
        return Response(ClassMeetingSerializer(event.occurrences.all(), many=True).data, status=status.HTTP_201_CREATED)


class ScheduleView(APIView):
    @extend_schema(tags=TAGS, request=ClassScheduleSerializer, responses={201: ClassScheduleResultSerializer})
    def post(self, request, classroom_id):
        """The term's recurring meetings, skipping the school's holidays."""
        classroom = _classroom(request, classroom_id)
        data = ClassScheduleSerializer(data=request.data)
        data.is_valid(raise_exception=True)
        event = services.meetings_schedule(classroom=classroom, by=request.user, **data.validated_data)
        return Response(
            {
                "event_id": event.pk,
                "rrule": event.rrule,
                "exdates": event.exdates,
                "meetings": ClassMeetingSerializer(event.occurrences.all(), many=True).data,
            },
            status=status.HTTP_201_CREATED,
        )


class MeetingMoveView(APIView):
    @extend_schema(tags=TAGS, request=ClassMeetingTimesSerializer, responses=ClassMeetingSerializer)
    def post(self, request, classroom_id, occurrence_id):
        classroom = _classroom(request, classroom_id)
        occurrence = selectors.class_occurrence(classroom, occurrence_id)
        data = ClassMeetingTimesSerializer(data=request.data)
        data.is_valid(raise_exception=True)
        occurrence = services.meeting_move(
            classroom=classroom, occurrence=occurrence, by=request.user, **data.validated_data
        )
        return Response(ClassMeetingSerializer(occurrence).data)


class MeetingCancelView(APIView):
    @extend_schema(tags=TAGS, request=None, responses=ClassMeetingSerializer)
    def post(self, request, classroom_id, occurrence_id):
        classroom = _classroom(request, classroom_id)
        occurrence = selectors.class_occurrence(classroom, occurrence_id)
        occurrence = services.meeting_cancel(classroom=classroom, occurrence=occurrence, by=request.user)
        return Response(ClassMeetingSerializer(occurrence).data)
