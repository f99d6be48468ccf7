"""The court's open figures and a case's public timeline as JSON (in the API schema); anyone may
read them. Shapes: ``docs/protocol.md``."""

from __future__ import annotations

from django.http import Http404
from django.shortcuts import get_object_or_404
from drf_spectacular.types import OpenApiTypes
from drf_spectacular.utils import OpenApiParameter, extend_schema
from rest_framework import serializers
from rest_framework.permissions import AllowAny
from rest_framework.response import Response
from rest_framework.views import APIView

from hearings import selectors
from hearings.models import Court
from hearings.statistics import court_statistics, statistics_range
from hearings.timeline import case_timeline


class HearingCountsSerializer(serializers.Serializer):
    scheduled = serializers.IntegerField()
    held = serializers.IntegerField()
    concluded = serializers.IntegerField()
    adjourned = serializers.IntegerField()
    postponed = serializers.IntegerField()
    cancelled = serializers.IntegerField()


class FeedbackFiguresSerializer(serializers.Serializer):
    count = serializers.IntegerField()
    average_rating = serializers.FloatField(allow_null=True)


class DayFiguresSerializer(serializers.Serializer):
    date = serializers.DateField()
    scheduled = serializers.IntegerField()
    held = serializers.IntegerField()
    median_start_delay_minutes = serializers.FloatField(allow_null=True)


class StatisticsSerializer(serializers.Serializer):
    court = serializers.CharField()
    # "from" is a keyword: declared below
    to = serializers.DateField()
    hearings = HearingCountsSerializer()
    on_time_rate = serializers.FloatField(allow_null=True)
    median_start_delay_minutes = serializers.FloatField(allow_null=True)
    average_duration_minutes = serializers.FloatField(allow_null=True)
    observers = serializers.IntegerField()
    feedback = FeedbackFiguresSerializer()
    by_day = DayFiguresSerializer(many=True)


StatisticsSerializer._declared_fields["from"] = serializers.DateField()


class StatisticsView(APIView):
    permission_classes = [AllowAny]
    authentication_classes = []

    @extend_schema(
        responses=StatisticsSerializer, operation_id="courts_statistics",
        parameters=[OpenApiParameter("from", OpenApiTypes.DATE), OpenApiParameter("to", OpenApiTypes.DATE)],
    )
    def get(self, request, court_slug):
        court = get_object_or_404(Court, slug=court_slug)
        start, end = statistics_range(court=court, start=request.query_params.get("from"),
                                      end=request.query_params.get("to"), today=selectors.court_day(court=court))
        return Response(StatisticsSerializer(court_statistics(court=court, start=start, end=end)).data)


class TimelineHearingSerializer(serializers.Serializer):
    date = serializers.DateField()
    start = serializers.DateTimeField()
    agenda = serializers.CharField(required=False)
    status = serializers.CharField(required=False)
    status_label = serializers.CharField(required=False)
    reason = serializers.CharField(required=False, allow_blank=True)
    next_at = serializers.DateTimeField(required=False, allow_null=True)
    next_date = serializers.CharField(required=False, allow_blank=True)


class TimelineSerializer(serializers.Serializer):
    court = serializers.CharField()
    case_number = serializers.CharField()
    closed = serializers.BooleanField()
    case_type = serializers.CharField(allow_blank=True)
    hearings = TimelineHearingSerializer(many=True)


class CaseTimelineView(APIView):
    permission_classes = [AllowAny]
    authentication_classes = []

    @extend_schema(responses=TimelineSerializer, operation_id="docket_case_timeline",
                   parameters=[OpenApiParameter("number", OpenApiTypes.STR, required=True)])
    def get(self, request, court_slug):
        court = get_object_or_404(Court, slug=court_slug)
        timeline = case_timeline(court=court, number=request.query_params.get("number", ""))
        if timeline is None:
            raise Http404
        return Response(timeline)
