"""Classes (API)."""

from __future__ import annotations

from drf_spectacular.utils import extend_schema
from rest_framework import serializers, status
from rest_framework.response import Response
from rest_framework.views import APIView

from classrooms import policies, selectors, services
from classrooms.api.common import TAGS, User, _classroom
from classrooms.models import Classroom, School


class ClassroomSerializer(serializers.ModelSerializer):
    school = serializers.PrimaryKeyRelatedField(queryset=School.objects.all())
    teachers = serializers.SlugRelatedField(
        slug_field="username",
        many=True,
        required=False,
        queryset=User.objects.all(),
    )
    enrolment_code = serializers.SerializerMethodField()

    class Meta:
        model = Classroom
        fields = [
            "id",
            "school",
            "name",
            "subject",
            "term_start",
            "term_end",
            "teachers",
            "size_limit",
            "late_after_minutes",
            "left_early_minutes",
            "students_wait",
            "lecture_audience",
            "enrolment_code",
        ]

    def get_enrolment_code(self, classroom) -> str | None:
        """Only the class's teachers and school administrators see the code."""
        user = self.context["request"].user
        return classroom.enrolment_code if policies.classroom_role(user, classroom) in policies.MANAGER_ROLES else None


class ClassroomUpdateSerializer(ClassroomSerializer):
    class Meta(ClassroomSerializer.Meta):
        read_only_fields = ["school"]


class ClassroomListView(APIView):
    @extend_schema(tags=TAGS, responses=ClassroomSerializer(many=True))
    def get(self, request):
        """Classes the caller runs or assists in (students: ``/api/classrooms/mine/``)."""
        classrooms = selectors.staff_classrooms(request.user).prefetch_related("teachers")
        return Response(ClassroomSerializer(classrooms, many=True, context={"request": request}).data)

    @extend_schema(tags=TAGS, request=ClassroomSerializer, responses={201: ClassroomSerializer})
    def post(self, request):
        data = ClassroomSerializer(data=request.data, context={"request": request})
        data.is_valid(raise_exception=True)
        values = dict(data.validated_data)
        classroom = services.classroom_create(school=values.pop("school"), by=request.user, **values)
        return Response(
            ClassroomSerializer(classroom, context={"request": request}).data, status=status.HTTP_201_CREATED
        )


class ClassroomDetailView(APIView):
    @extend_schema(tags=TAGS, responses=ClassroomSerializer)
    def get(self, request, classroom_id):
        classroom = _classroom(request, classroom_id)
        policies.require_staff(request.user, classroom)
        return Response(ClassroomSerializer(classroom, context={"request": request}).data)

    @extend_schema(tags=TAGS, request=ClassroomUpdateSerializer, responses=ClassroomSerializer)
    def patch(self, request, classroom_id):
        classroom = _classroom(request, classroom_id)
        data = ClassroomUpdateSerializer(classroom, data=request.data, partial=True, context={"request": request})
        data.is_valid(raise_exception=True)
        classroom = services.classroom_update(classroom=classroom, by=request.user, **data.validated_data)
        return Response(ClassroomSerializer(classroom, context={"request": request}).data)
