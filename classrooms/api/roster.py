"""The roster (API): enrolments, the CSV import, the enrolment code and self-enrolment."""

from __future__ import annotations

from django.shortcuts import get_object_or_404
from django.utils.translation import gettext as _
from drf_spectacular.utils import extend_schema, inline_serializer
from rest_framework import serializers, status
from rest_framework.parsers import FormParser, MultiPartParser
from rest_framework.response import Response
from rest_framework.views import APIView

from classrooms import policies, roster, selectors, services
from classrooms.api.common import TAGS, User, _classroom
from classrooms.models import Enrollment


class ClassEnrollmentSerializer(serializers.ModelSerializer):
    username = serializers.CharField(
        required=False,
        allow_blank=True,
        write_only=True,
        help_text="An existing account to enrol (instead of name and e-mail).",
    )
    has_account = serializers.SerializerMethodField()

    class Meta:
        model = Enrollment
        fields = ["id", "name", "email", "student_number", "role", "username", "has_account"]
        extra_kwargs = {"name": {"required": False}, "email": {"required": False}}
        # Uniqueness is the service's to check (one clear message), not the serializer's.
        validators = []

    def get_has_account(self, enrollment) -> bool:
        return enrollment.user_id is not None


class ClassSelfEnrolSerializer(serializers.Serializer):
    code = serializers.CharField(max_length=16)


class ClassRosterPreviewSerializer(serializers.Serializer):
    file_errors = serializers.ListField(child=serializers.CharField())
    rows = serializers.ListField(child=serializers.DictField())
    can_confirm = serializers.BooleanField()
    imported = serializers.IntegerField(help_text="Students enrolled (0 for a preview).")


class EnrolmentCodeView(APIView):
    @extend_schema(
        tags=TAGS,
        request=None,
        responses=inline_serializer("EnrolmentCode", {"enrolment_code": serializers.CharField()}),
    )
    def post(self, request, classroom_id):
        """Make a new self-enrolment code; the old one stops working."""
        classroom = services.enrolment_code_reset(classroom=_classroom(request, classroom_id), by=request.user)
        return Response({"enrolment_code": classroom.enrolment_code})


class SelfEnrolView(APIView):
    @extend_schema(tags=TAGS, request=ClassSelfEnrolSerializer, responses={201: ClassEnrollmentSerializer})
    def post(self, request):
        data = ClassSelfEnrolSerializer(data=request.data)
        data.is_valid(raise_exception=True)
        enrollment = services.enrollment_self_enrol(code=data.validated_data["code"], user=request.user)
        return Response(ClassEnrollmentSerializer(enrollment).data, status=status.HTTP_201_CREATED)


class EnrollmentListView(APIView):
    @extend_schema(tags=TAGS, responses=ClassEnrollmentSerializer(many=True))
    def get(self, request, classroom_id):
        classroom = _classroom(request, classroom_id)
        policies.require_staff(request.user, classroom)
        return Response(ClassEnrollmentSerializer(classroom.enrollments.all(), many=True).data)

    @extend_schema(tags=TAGS, request=ClassEnrollmentSerializer, responses={201: ClassEnrollmentSerializer})
    def post(self, request, classroom_id):
        classroom = _classroom(request, classroom_id)
        data = ClassEnrollmentSerializer(data=request.data)
        data.is_valid(raise_exception=True)
        values = dict(data.validated_data)
        username = values.pop("username", "")
        user = None
        if username:
            user = User.objects.filter(username__iexact=username).first()
            if user is None:
                raise serializers.ValidationError({"username": [_("No account has this username.")]})
        enrollment = services.enrollment_add(classroom=classroom, by=request.user, user=user, **values)
        return Response(ClassEnrollmentSerializer(enrollment).data, status=status.HTTP_201_CREATED)


class EnrollmentDetailView(APIView):
    @extend_schema(tags=TAGS, responses={204: None})
    def delete(self, request, classroom_id, enrollment_id):
        classroom = _classroom(request, classroom_id)
        enrollment = get_object_or_404(Enrollment, pk=enrollment_id, classroom=classroom)
        services.enrollment_remove(enrollment=enrollment, by=request.user)
        return Response(status=status.HTTP_204_NO_CONTENT)


class RosterImportView(APIView):
    parser_classes = [MultiPartParser, FormParser]

    @extend_schema(
        tags=TAGS,
        request={
            "multipart/form-data": inline_serializer(
                "RosterUpload",
                {"file": serializers.FileField(), "confirm": serializers.BooleanField(default=False)},
            )
        },
        responses=ClassRosterPreviewSerializer,
    )
    def post(self, request, classroom_id):
        """Preview a CSV roster (``confirm`` false: nothing is saved), or import its valid rows (true).

        With ``confirm`` true the file is checked again and imported only if it has no file-level
        error; rows with errors are skipped and listed."""
        classroom = _classroom(request, classroom_id)
        confirm = str(request.data.get("confirm", "")).lower() in ("1", "true", "yes", "on")
        upload = request.FILES.get("file")
        if upload is None:
            raise serializers.ValidationError({"file": [_("Upload a CSV file.")]})
        enrolled = {email.lower() for email in classroom.enrollments.values_list("email", flat=True) if email}
        preview = roster.parse_roster(
            upload.read(roster.MAX_BYTES + 1),
            enrolled_emails=enrolled,
            free_places=max(classroom.size_limit - selectors.student_count(classroom), 0),
        )
        imported = 0
        if confirm and preview.can_confirm:
            imported = len(
                services.roster_import(
                    classroom=classroom, by=request.user, rows=[row.as_dict() for row in preview.valid_rows]
                )
            )
        else:
            policies.require_manager(request.user, classroom)  # a preview writes nothing: no service says who
        body = {
            "file_errors": preview.file_errors,
            "rows": [row.as_dict() for row in preview.rows],
            "can_confirm": preview.can_confirm,
            "imported": imported,
        }
        return Response(body, status=status.HTTP_400_BAD_REQUEST if confirm and not imported else status.HTTP_200_OK)
