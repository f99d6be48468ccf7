"""Schools and their holidays (API)."""

from __future__ import annotations

from django.shortcuts import get_object_or_404
from drf_spectacular.utils import extend_schema
from rest_framework import serializers, status
from rest_framework.response import Response
from rest_framework.views import APIView

from classrooms import selectors, services
from classrooms.api.common import TAGS, _school
from classrooms.models import Holiday, School


class SchoolHolidaySerializer(serializers.ModelSerializer):
    class Meta:
        model = Holiday
        fields = ["id", "date", "name"]
        read_only_fields = ["id"]


class SchoolSerializer(serializers.ModelSerializer):
    holidays = SchoolHolidaySerializer(many=True, read_only=True)
    timezone = serializers.CharField(default="Asia/Jakarta")

    class Meta:
        model = School
        fields = ["id", "name", "timezone", "holidays"]


class SchoolListView(APIView):
    @extend_schema(tags=TAGS, responses=SchoolSerializer(many=True))
    def get(self, request):
        return Response(SchoolSerializer(selectors.schools_for_user(request.user), many=True).data)

    @extend_schema(tags=TAGS, request=SchoolSerializer, responses={201: SchoolSerializer})
    def post(self, request):
        data = SchoolSerializer(data=request.data)
        data.is_valid(raise_exception=True)
        school = services.school_create(by=request.user, **data.validated_data)
        return Response(SchoolSerializer(school).data, status=status.HTTP_201_CREATED)


class SchoolDetailView(APIView):
    @extend_schema(tags=TAGS, responses=SchoolSerializer)
    def get(self, request, school_id):
        """Administrators and the school's teachers see it; only administrators change it."""
        return Response(
            SchoolSerializer(get_object_or_404(selectors.schools_for_user(request.user), pk=school_id)).data
        )

    @extend_schema(tags=TAGS, request=SchoolSerializer, responses=SchoolSerializer)
    def patch(self, request, school_id):
        school = _school(request, school_id)
        data = SchoolSerializer(school, data=request.data, partial=True)
        data.is_valid(raise_exception=True)
        school = services.school_update(school=school, by=request.user, **data.validated_data)
        return Response(SchoolSerializer(school).data)


class HolidayListView(APIView):
    @extend_schema(tags=TAGS, request=SchoolHolidaySerializer, responses={201: SchoolHolidaySerializer})
    def post(self, request, school_id):
        school = _school(request, school_id)
        data = SchoolHolidaySerializer(data=request.data)
        data.is_valid(raise_exception=True)
        holiday = services.holiday_add(
            school=school,
            day=data.validated_data["date"],
            name=data.validated_data.get("name", ""),
            by=request.user,
        )
        return Response(SchoolHolidaySerializer(holiday).data, status=status.HTTP_201_CREATED)


class HolidayDetailView(APIView):
    @extend_schema(tags=TAGS, responses={204: None})
    def delete(self, request, school_id, holiday_id):
        holiday = get_object_or_404(Holiday.objects.select_related("school"), pk=holiday_id, school_id=school_id)
        services.holiday_remove(holiday=holiday, by=request.user)
        return Response(status=status.HTTP_204_NO_CONTENT)
