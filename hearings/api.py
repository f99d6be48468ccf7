"""The hearings API: thin views over the same services and selectors as the pages.

Party names reach only court staff and the hearing's own participants; the docket endpoint is
public and carries exactly what the public docket page shows.
"""

from datetime import timedelta

from django.http import Http404
from django.shortcuts import get_object_or_404
from django.urls import path
from django.utils.translation import gettext as _
from drf_spectacular.utils import extend_schema
from rest_framework import serializers, status
from rest_framework.permissions import AllowAny
from rest_framework.response import Response
from rest_framework.views import APIView

from hearings import selectors, services
from hearings.errors import HearingError, HearingForbidden
from hearings.models import Case, CaseType, Court, Hearing, HearingParticipant, Role, Status
from scheduling.text import has_control_characters


class CaseSerializer(serializers.ModelSerializer):
    court = serializers.SlugRelatedField(slug_field="slug", read_only=True)

    class Meta:
        model = Case
        fields = ["id", "court", "number", "case_type", "parties", "created_at"]


class CaseCreateSerializer(serializers.Serializer):
    court = serializers.SlugField()
    number = serializers.CharField(max_length=100)
    case_type = serializers.ChoiceField(choices=CaseType.choices)
    parties = serializers.CharField(max_length=500)


class ParticipantSerializer(serializers.ModelSerializer):
    name = serializers.CharField(source="attendee.name")
    attendee_id = serializers.UUIDField(source="attendee.id")

    class Meta:
        model = HearingParticipant
        fields = ["id", "attendee_id", "name", "role", "represents", "interprets_for"]


class HearingSerializer(serializers.ModelSerializer):
    court = serializers.CharField(source="case.court.slug")
    case_number = serializers.CharField(source="case.number")
    case_type = serializers.CharField(source="case.case_type")
    start = serializers.DateTimeField(source="occurrence.start")
    end = serializers.DateTimeField(source="occurrence.end")
    timezone = serializers.CharField(source="event.timezone")
    occurrence_id = serializers.UUIDField(source="occurrence.id")
    next_hearing = serializers.SerializerMethodField()

    class Meta:
        model = Hearing
        fields = [
            "id", "court", "case", "case_number", "case_type", "agenda", "courtroom", "is_public", "status",
            "status_reason", "next_at", "start", "end", "timezone", "started_at", "ended_at", "occurrence_id",
            "previous", "next_hearing",
        ]

    def get_next_hearing(self, hearing) -> str | None:
        following = Hearing.objects.filter(previous=hearing).values_list("pk", flat=True).first()
        return str(following) if following else None


class HearingDetailSerializer(HearingSerializer):
    participants = ParticipantSerializer(many=True, source="visible_participants")
    status_log = serializers.SerializerMethodField()

    class Meta(HearingSerializer.Meta):
        fields = [*HearingSerializer.Meta.fields, "participants", "status_log"]

    def get_status_log(self, hearing) -> list[dict]:
        return [
            {"at": entry.at, "previous": entry.previous, "status": entry.status, "by": entry.by_name,
             "by_role": entry.by_role, "reason": entry.reason, "next_at": entry.next_at, "kind": entry.kind}
            for entry in hearing.status_log.all()
        ]


class PersonSerializer(serializers.Serializer):
    name = serializers.CharField(max_length=200)
    email = serializers.EmailField(required=False, allow_blank=True, default="")

    def validate_name(self, value: str) -> str:
        """The service checks it too (as ``judge_name``); here the error lands on the field as sent."""
        if has_control_characters(value):
            raise serializers.ValidationError(
                _("Only letters, digits, punctuation and spaces are allowed (no line breaks or control characters).")
            )
        return value


class HearingCreateSerializer(serializers.Serializer):
    case = serializers.UUIDField()
    start = serializers.DateTimeField()
    duration_minutes = serializers.IntegerField(min_value=5, max_value=12 * 60)
    courtroom = serializers.CharField(max_length=200)
    agenda = serializers.CharField(max_length=500)
    is_public = serializers.BooleanField(default=True)
    observer_capacity = serializers.IntegerField(min_value=0, max_value=1000, default=50)
    presiding_judge = PersonSerializer()
    allow_conflicts = serializers.BooleanField(default=False)


class ParticipantCreateSerializer(serializers.Serializer):
    role = serializers.ChoiceField(choices=[c for c in Role.choices if c[0] != Role.OBSERVER])
    name = serializers.CharField(max_length=200)
    email = serializers.EmailField(required=False, allow_blank=True, default="")
    represents = serializers.IntegerField(required=False, allow_null=True, default=None)
    interprets_for = serializers.IntegerField(required=False, allow_null=True, default=None)
    allow_conflicts = serializers.BooleanField(default=False)


class StatusChangeSerializer(serializers.Serializer):
    status = serializers.ChoiceField(choices=Status.choices)
    reason = serializers.CharField(max_length=500, required=False, allow_blank=True, default="")
    next_at = serializers.DateTimeField(required=False, allow_null=True, default=None)


class DocketEntrySerializer(serializers.Serializer):
    start = serializers.DateTimeField()
    time = serializers.CharField()
    zone = serializers.CharField()
    case_number = serializers.CharField()
    closed = serializers.BooleanField()
    id = serializers.UUIDField(required=False)
    case_type = serializers.CharField(required=False)
    agenda = serializers.CharField(required=False)
    courtroom = serializers.CharField(required=False)
    status = serializers.CharField(required=False)
    reason = serializers.CharField(required=False)
    next_at = serializers.CharField(required=False)
    next_local = serializers.CharField(required=False)


class InSessionSerializer(serializers.Serializer):
    courtroom = serializers.CharField()
    closed = serializers.BooleanField()
    case_number = serializers.CharField(required=False)
    status = serializers.CharField(required=False)
    id = serializers.UUIDField(required=False)


class ProgressSerializer(serializers.Serializer):
    held = serializers.IntegerField()
    to_come = serializers.IntegerField()
    in_session = InSessionSerializer(many=True)
    median_delay_minutes = serializers.FloatField(allow_null=True)


class DocketSerializer(serializers.Serializer):
    court = serializers.CharField()
    date = serializers.DateField()
    zone = serializers.CharField()
    hearings = DocketEntrySerializer(many=True)
    progress = ProgressSerializer()


def _visible(request, hearing_id) -> Hearing:
    hearing = selectors.hearings_visible_to(request.user).filter(pk=hearing_id).first()
    if hearing is None:
        raise Http404
    hearing.visible_participants = selectors.participants_of(hearing)
    return hearing


class CaseListView(APIView):
    @extend_schema(responses=CaseSerializer(many=True), operation_id="hearings_cases_list")
    def get(self, request):
        cases = Case.objects.filter(court__in=selectors.courts_of(request.user)).select_related("court")
        return Response(CaseSerializer(cases, many=True).data)

    @extend_schema(request=CaseCreateSerializer, responses={201: CaseSerializer}, operation_id="hearings_cases_create")
    def post(self, request):
        data = CaseCreateSerializer(data=request.data)
        data.is_valid(raise_exception=True)
        court = Court.objects.filter(slug=data.validated_data["court"]).first()  # courts are public (the docket)
        if court is None:
            raise HearingError(_("No such court."), field="court")
        case = services.case_create(
            court=court, number=data.validated_data["number"], case_type=data.validated_data["case_type"],
            parties=data.validated_data["parties"], by=request.user,
        )
        return Response(CaseSerializer(case).data, status=status.HTTP_201_CREATED)


class HearingListView(APIView):
    @extend_schema(responses=HearingSerializer(many=True), operation_id="hearings_list")
    def get(self, request):
        return Response(HearingSerializer(selectors.hearings_visible_to(request.user), many=True).data)

    @extend_schema(request=HearingCreateSerializer, responses={201: HearingDetailSerializer},
                   operation_id="hearings_create")
    def post(self, request):
        data = HearingCreateSerializer(data=request.data)
        data.is_valid(raise_exception=True)
        values = data.validated_data
        # Among the cases of the caller's courts: a case's existence is not revealed to anyone else.
        case = Case.objects.select_related("court").filter(
            pk=values["case"], court__in=selectors.courts_of(request.user),
        ).first()
        if case is None:
            raise HearingForbidden(_("Only the court's clerks may schedule hearings."))
        hearing = services.hearing_schedule(
            case=case, start=values["start"], duration=timedelta(minutes=values["duration_minutes"]),
            courtroom=values["courtroom"], agenda=values["agenda"], by=request.user, is_public=values["is_public"],
            observer_capacity=values["observer_capacity"], allow_conflicts=values["allow_conflicts"],
            presiding_judge=services.Person(**values["presiding_judge"]),
        )
        return Response(HearingDetailSerializer(_visible(request, hearing.pk)).data, status=status.HTTP_201_CREATED)


class HearingDetailView(APIView):
    @extend_schema(responses=HearingDetailSerializer, operation_id="hearings_retrieve")
    def get(self, request, hearing_id):
        return Response(HearingDetailSerializer(_visible(request, hearing_id)).data)


class ParticipantCreateView(APIView):
    @extend_schema(request=ParticipantCreateSerializer, responses={201: ParticipantSerializer},
                   operation_id="hearings_participants_create")
    def post(self, request, hearing_id):
        hearing = _visible(request, hearing_id)
        data = ParticipantCreateSerializer(data=request.data)
        data.is_valid(raise_exception=True)
        values = data.validated_data
        seated = {p.pk: p for p in hearing.visible_participants}
        participant = services.participant_add(
            hearing=hearing, role=values["role"], by=request.user, allow_conflicts=values["allow_conflicts"],
            person=services.Person(name=values["name"], email=values["email"]),
            represents=seated.get(values["represents"]) if values["represents"] is not None else None,
            interprets_for=seated.get(values["interprets_for"]) if values["interprets_for"] is not None else None,
        )
        return Response(ParticipantSerializer(participant).data, status=status.HTTP_201_CREATED)


class StatusView(APIView):
    @extend_schema(request=StatusChangeSerializer, responses=HearingDetailSerializer,
                   operation_id="hearings_status_set")
    def post(self, request, hearing_id):
        hearing = _visible(request, hearing_id)
        data = StatusChangeSerializer(data=request.data)
        data.is_valid(raise_exception=True)
        services.hearing_status_set(hearing=hearing, by=request.user, **data.validated_data)
        return Response(HearingDetailSerializer(_visible(request, hearing_id)).data)


class DocketView(APIView):
    permission_classes = [AllowAny]
    authentication_classes = []

    @extend_schema(responses=DocketSerializer, operation_id="hearings_docket")
    def get(self, request, court_slug):
        court = get_object_or_404(Court, slug=court_slug)
        return Response(selectors.docket_today(court=court))


urlpatterns = [
    path("", HearingListView.as_view(), name="api-hearings"),
    path("cases/", CaseListView.as_view(), name="api-cases"),
    path("docket/<slug:court_slug>/", DocketView.as_view(), name="api-docket"),
    path("<uuid:hearing_id>/", HearingDetailView.as_view(), name="api-hearing"),
    path("<uuid:hearing_id>/participants/", ParticipantCreateView.as_view(), name="api-participant-add"),
    path("<uuid:hearing_id>/status/", StatusView.as_view(), name="api-status"),
]
