"""The classrooms API: the same services and selectors as the pages, the same access rules."""

from __future__ import annotations

from django.contrib.auth import get_user_model
from django.shortcuts import get_object_or_404
from django.utils import timezone
from django.utils.translation import gettext as _
from drf_spectacular.utils import extend_schema, inline_serializer
from rest_framework import serializers, status
from rest_framework.parsers import FormParser, MultiPartParser
from rest_framework.response import Response
from rest_framework.views import APIView

from classrooms import attendance, policies, roster, selectors, services
from classrooms.models import Classroom, Enrollment, Holiday, School
from config.api import JSONParser
from scheduling.models import Occurrence

TAGS = ["classrooms"]
User = get_user_model()


# Serializers ---------------------------------------------------------------------------------


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
            "enrolment_code",
        ]

    def get_enrolment_code(self, classroom) -> str | None:
        """Only the class's teachers and school administrators see the code."""
        user = self.context["request"].user
        return classroom.enrolment_code if policies.classroom_role(user, classroom) in policies.MANAGER_ROLES else None


class ClassroomUpdateSerializer(ClassroomSerializer):
    class Meta(ClassroomSerializer.Meta):
        read_only_fields = ["school"]


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


class ClassRosterPreviewSerializer(serializers.Serializer):
    file_errors = serializers.ListField(child=serializers.CharField())
    rows = serializers.ListField(child=serializers.DictField())
    can_confirm = serializers.BooleanField()
    imported = serializers.IntegerField(help_text="Students enrolled (0 for a preview).")


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


# Helpers -------------------------------------------------------------------------------------


def _classroom(classroom_id) -> Classroom:
    return get_object_or_404(Classroom.objects.select_related("school"), pk=classroom_id)


def _school(request, school_id) -> School:
    school = get_object_or_404(School, pk=school_id)
    policies.require_school_admin(request.user, school)
    return school


# Schools -------------------------------------------------------------------------------------


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
        school = _school(request, school_id)
        services.holiday_remove(holiday=get_object_or_404(Holiday, pk=holiday_id, school=school), by=request.user)
        return Response(status=status.HTTP_204_NO_CONTENT)


# Classes -------------------------------------------------------------------------------------


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
        school = values.pop("school")
        policies.require_school_admin(request.user, school)
        classroom = services.classroom_create(school=school, by=request.user, **values)
        return Response(
            ClassroomSerializer(classroom, context={"request": request}).data, status=status.HTTP_201_CREATED
        )


class ClassroomDetailView(APIView):
    @extend_schema(tags=TAGS, responses=ClassroomSerializer)
    def get(self, request, classroom_id):
        classroom = _classroom(classroom_id)
        policies.require_staff(request.user, classroom)
        return Response(ClassroomSerializer(classroom, context={"request": request}).data)

    @extend_schema(tags=TAGS, request=ClassroomUpdateSerializer, responses=ClassroomSerializer)
    def patch(self, request, classroom_id):
        classroom = _classroom(classroom_id)
        policies.require_manager(request.user, classroom)
        data = ClassroomUpdateSerializer(classroom, data=request.data, partial=True, context={"request": request})
        data.is_valid(raise_exception=True)
        classroom = services.classroom_update(classroom=classroom, by=request.user, **data.validated_data)
        return Response(ClassroomSerializer(classroom, context={"request": request}).data)


class EnrolmentCodeView(APIView):
    @extend_schema(
        tags=TAGS,
        request=None,
        responses=inline_serializer("EnrolmentCode", {"enrolment_code": serializers.CharField()}),
    )
    def post(self, request, classroom_id):
        """Make a new self-enrolment code; the old one stops working."""
        classroom = services.enrolment_code_reset(classroom=_classroom(classroom_id), by=request.user)
        return Response({"enrolment_code": classroom.enrolment_code})


class SelfEnrolView(APIView):
    @extend_schema(tags=TAGS, request=ClassSelfEnrolSerializer, responses={201: ClassEnrollmentSerializer})
    def post(self, request):
        data = ClassSelfEnrolSerializer(data=request.data)
        data.is_valid(raise_exception=True)
        enrollment = services.enrollment_self_enrol(code=data.validated_data["code"], user=request.user)
        return Response(ClassEnrollmentSerializer(enrollment).data, status=status.HTTP_201_CREATED)


# Roster --------------------------------------------------------------------------------------


class EnrollmentListView(APIView):
    @extend_schema(tags=TAGS, responses=ClassEnrollmentSerializer(many=True))
    def get(self, request, classroom_id):
        classroom = _classroom(classroom_id)
        policies.require_staff(request.user, classroom)
        return Response(ClassEnrollmentSerializer(classroom.enrollments.all(), many=True).data)

    @extend_schema(tags=TAGS, request=ClassEnrollmentSerializer, responses={201: ClassEnrollmentSerializer})
    def post(self, request, classroom_id):
        classroom = _classroom(classroom_id)
        policies.require_manager(request.user, classroom)
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
        classroom = _classroom(classroom_id)
        policies.require_manager(request.user, classroom)
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
        classroom = _classroom(classroom_id)
        policies.require_manager(request.user, classroom)
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
        confirm = str(request.data.get("confirm", "")).lower() in ("1", "true", "yes", "on")
        if confirm and preview.can_confirm:
            imported = len(
                services.roster_import(
                    classroom=classroom, by=request.user, rows=[row.as_dict() for row in preview.valid_rows]
                )
            )
        body = {
            "file_errors": preview.file_errors,
            "rows": [row.as_dict() for row in preview.rows],
            "can_confirm": preview.can_confirm,
            "imported": imported,
        }
        return Response(body, status=status.HTTP_400_BAD_REQUEST if confirm and not imported else status.HTTP_200_OK)


# Meetings ------------------------------------------------------------------------------------


class MeetingListView(APIView):
    parser_classes = [JSONParser, FormParser]

    @extend_schema(tags=TAGS, responses=ClassMeetingSerializer(many=True))
    def get(self, request, classroom_id):
        classroom = _classroom(classroom_id)
        policies.require_staff(request.user, classroom)
        return Response(ClassMeetingSerializer(selectors.class_occurrences(classroom), many=True).data)

    @extend_schema(tags=TAGS, request=ClassMeetingTimesSerializer, responses={201: ClassMeetingSerializer(many=True)})
    def post(self, request, classroom_id):
        """Add one extra meeting."""
        classroom = _classroom(classroom_id)
        data = ClassMeetingTimesSerializer(data=request.data)
        data.is_valid(raise_exception=True)
        event = services.meeting_add(classroom=classroom, by=request.user, **data.validated_data)
        return Response(ClassMeetingSerializer(event.occurrences.all(), many=True).data, status=status.HTTP_201_CREATED)


class ScheduleView(APIView):
    @extend_schema(tags=TAGS, request=ClassScheduleSerializer, responses={201: ClassScheduleResultSerializer})
    def post(self, request, classroom_id):
        """The term's recurring meetings, skipping the school's holidays."""
        classroom = _classroom(classroom_id)
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
        classroom = _classroom(classroom_id)
        policies.require_manager(request.user, classroom)
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
        classroom = _classroom(classroom_id)
        policies.require_manager(request.user, classroom)
        occurrence = selectors.class_occurrence(classroom, occurrence_id)
        occurrence = services.meeting_cancel(classroom=classroom, occurrence=occurrence, by=request.user)
        return Response(ClassMeetingSerializer(occurrence).data)


# Attendance ----------------------------------------------------------------------------------


def _rows(summary) -> list[dict]:
    return ClassAttendanceRowSerializer(summary.rows, many=True).data


class MeetingAttendanceView(APIView):
    @extend_schema(tags=TAGS, responses=ClassAttendanceRowSerializer(many=True))
    def get(self, request, classroom_id, occurrence_id):
        classroom = _classroom(classroom_id)
        policies.require_staff(request.user, classroom)
        summary = attendance.meeting_attendance(classroom, selectors.class_occurrence(classroom, occurrence_id))
        return Response(_rows(summary))


class TermAttendanceView(APIView):
    @extend_schema(tags=TAGS, responses=ClassStudentRateSerializer(many=True))
    def get(self, request, classroom_id):
        classroom = _classroom(classroom_id)
        policies.require_staff(request.user, classroom)
        _meetings, rates = attendance.term_attendance(classroom)
        return Response(ClassStudentRateSerializer(rates, many=True).data)


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
