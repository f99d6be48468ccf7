"""The feedback API: thin views over the same services and selectors as the pages.

``/api/events/<id>/feedback/`` for the organiser (and the school's or court's staff); the
attendee's answer by their join link; what the public writes to a court or a school, the author's
follow-up, and the staff's inbox and decisions."""

from __future__ import annotations

import uuid

from django.http import Http404
from django.utils import timezone
from django.utils.translation import get_language
from django.utils.translation import gettext as _
from drf_spectacular.types import OpenApiTypes
from drf_spectacular.utils import OpenApiParameter, OpenApiResponse, extend_schema
from rest_framework import serializers, status
from rest_framework.exceptions import PermissionDenied
from rest_framework.permissions import AllowAny
from rest_framework.response import Response
from rest_framework.views import APIView

from config.proxy import request_address
from feedback import registry, selectors, services
from feedback.errors import FeedbackError
from feedback.links import follow_path
from feedback.models import COMMENT_MAX, TEXT_MAX, Submission
from scheduling.models import Event
from scheduling.selectors import attendee_by_join_token

RATE_LIMITED = OpenApiResponse(description="Too many messages from this client address just now.")


class SittingSummarySerializer(serializers.Serializer):
    occurrence_id = serializers.UUIDField()
    starts_at = serializers.DateTimeField()
    count = serializers.IntegerField()
    average_rating = serializers.FloatField(allow_null=True)
    average_connection = serializers.FloatField(allow_null=True)


class CommentSerializer(serializers.Serializer):
    occurrence_id = serializers.UUIDField()
    rating = serializers.IntegerField()
    text = serializers.CharField()
    name = serializers.CharField(allow_null=True)


class EventFeedbackSerializer(serializers.Serializer):
    count = serializers.IntegerField()
    average_rating = serializers.FloatField(allow_null=True)
    average_connection = serializers.FloatField(allow_null=True)
    by_occurrence = SittingSummarySerializer(many=True)
    comments = CommentSerializer(many=True)


class EventFeedbackView(APIView):
    @extend_schema(responses=EventFeedbackSerializer, operation_id="events_feedback")
    def get(self, request, id):
        event = Event.objects.filter(pk=id).first()
        if event is None:
            raise Http404
        if not registry.sitting_policy_for(event).may_read(request.user, event):
            raise PermissionDenied(_("Only the organiser and the school's or court's staff see the feedback."))
        return Response(EventFeedbackSerializer(selectors.event_feedback(event=event)).data)


class AnswerInSerializer(serializers.Serializer):
    rating = serializers.IntegerField(min_value=1, max_value=5)
    connection = serializers.IntegerField(min_value=1, max_value=5, required=False, allow_null=True)
    comment = serializers.CharField(max_length=COMMENT_MAX, required=False, allow_blank=True, default="")
    anonymous = serializers.BooleanField(required=False, default=False)
    occurrence = serializers.UUIDField(required=False, allow_null=True)


class AnswerOutSerializer(serializers.Serializer):
    occurrence_id = serializers.UUIDField(allow_null=True)
    starts_at = serializers.DateTimeField(allow_null=True)
    problem = serializers.CharField(allow_blank=True)
    rating = serializers.IntegerField(allow_null=True)
    connection = serializers.IntegerField(allow_null=True)
    comment = serializers.CharField(allow_blank=True)
    anonymous = serializers.BooleanField()


def _answer(occurrence, problem: str, answer) -> dict:
    return {
        "occurrence_id": str(occurrence.pk) if occurrence else None,
        "starts_at": occurrence.start.isoformat() if occurrence else None,
        "problem": problem,
        "rating": answer.rating if answer else None,
        "connection": answer.connection if answer else None,
        "comment": answer.comment if answer else "",
        "anonymous": answer.anonymous if answer else False,
    }


class SessionFeedbackView(APIView):
    """The join link is the key: no account, no session."""

    permission_classes = [AllowAny]
    authentication_classes = []

    def _sitting(self, join_token: str, occurrence_id):
        attendee = attendee_by_join_token(join_token)
        if attendee is None:
            raise Http404
        occurrence, problem = selectors.feedback_sitting(attendee=attendee, occurrence_id=occurrence_id,
                                                         now=timezone.now())
        return attendee, occurrence, problem

    @extend_schema(
        responses=AnswerOutSerializer, operation_id="feedback_session_retrieve",
        parameters=[OpenApiParameter("occurrence", OpenApiTypes.UUID, required=False)],
    )
    def get(self, request, join_token):
        try:
            occurrence_id = uuid.UUID(request.query_params["occurrence"]) if request.query_params.get("occurrence") \
                else None
        except ValueError:
            raise FeedbackError(_("This link is not for this session."), field="occurrence") from None
        attendee, occurrence, problem = self._sitting(join_token, occurrence_id)
        answer = selectors.answer_of(attendee=attendee, occurrence=occurrence) if occurrence and not problem else None
        return Response(_answer(occurrence, problem, answer))

    @extend_schema(request=AnswerInSerializer, responses=AnswerOutSerializer, operation_id="feedback_session_answer")
    def post(self, request, join_token):
        data = AnswerInSerializer(data=request.data)
        data.is_valid(raise_exception=True)
        values = dict(data.validated_data)
        attendee, occurrence, problem = self._sitting(join_token, values.pop("occurrence", None))
        if problem:
            raise FeedbackError(problem, code="not_allowed")
        answer = services.feedback_record(attendee=attendee, occurrence=occurrence, **values)
        return Response(_answer(occurrence, "", answer))


class SubmissionInSerializer(serializers.Serializer):
    kind = serializers.ChoiceField(choices=Submission.Kind.choices)
    text = serializers.CharField(max_length=TEXT_MAX)
    contact = serializers.CharField(max_length=254, required=False, allow_blank=True, default="")
    case_number = serializers.CharField(max_length=100, required=False, allow_blank=True, default="")


class ReceiptSerializer(serializers.Serializer):
    reference = serializers.CharField()
    status = serializers.ChoiceField(choices=Submission.Status.choices)
    follow_url = serializers.CharField()


class PublicItemSerializer(serializers.Serializer):
    reference = serializers.CharField()
    kind = serializers.ChoiceField(choices=Submission.Kind.choices)
    text = serializers.CharField()
    case_number = serializers.CharField(allow_blank=True)
    answer = serializers.CharField()
    published_at = serializers.DateTimeField()


class SubmissionSerializer(serializers.ModelSerializer):
    class Meta:
        model = Submission
        fields = ["reference", "kind", "text", "contact", "case_number", "status", "answer", "reject_reason",
                  "created_at", "answered_at", "published_at"]


class AuthorViewSerializer(serializers.ModelSerializer):
    class Meta:
        model = Submission
        fields = ["reference", "kind", "text", "case_number", "status", "answer", "reject_reason", "created_at"]


class DecisionSerializer(serializers.Serializer):
    action = serializers.ChoiceField(choices=sorted(services.SUBMISSION_ACTIONS))
    answer = serializers.CharField(max_length=TEXT_MAX, required=False, allow_blank=True, default="")
    reason = serializers.CharField(max_length=500, required=False, allow_blank=True, default="")


def _organisation(organisation_kind: str, kwargs: dict):
    kind, organisation = selectors.organisation_by_slug(organisation_kind, kwargs.get(f"{organisation_kind}_slug", ""))
    if organisation is None:
        raise Http404
    return kind, organisation


class PublicFeedbackView(APIView):
    """Anyone: the published list, and a new submission (rate-limited per client address)."""

    permission_classes = [AllowAny]
    authentication_classes = []

    @extend_schema(responses=PublicItemSerializer(many=True))
    def get(self, request, organisation_kind, **kwargs):
        kind, organisation = _organisation(organisation_kind, kwargs)
        return Response(PublicItemSerializer(selectors.published_items(kind=kind, organisation=organisation),
                                             many=True).data)

    @extend_schema(request=SubmissionInSerializer, responses={201: ReceiptSerializer, 429: RATE_LIMITED})
    def post(self, request, organisation_kind, **kwargs):
        kind, organisation = _organisation(organisation_kind, kwargs)
        data = SubmissionInSerializer(data=request.data)
        data.is_valid(raise_exception=True)
        try:
            submission = services.submission_create(
                organisation_kind=kind, organisation=organisation, client_address=request_address(request),
                language=get_language() or "", **data.validated_data,
            )
        except FeedbackError as exc:
            if exc.code != "rate_limited":
                raise
            return Response({"detail": [exc.message]}, status=status.HTTP_429_TOO_MANY_REQUESTS)
        body = {"reference": submission.reference, "status": submission.status,
                "follow_url": request.build_absolute_uri(follow_path(kind, organisation, submission))}
        return Response(body, status=status.HTTP_201_CREATED)


class AuthorFeedbackView(APIView):
    permission_classes = [AllowAny]
    authentication_classes = []

    @extend_schema(responses=AuthorViewSerializer,
                   parameters=[OpenApiParameter("token", OpenApiTypes.STR, required=True)])
    def get(self, request, organisation_kind, reference, **kwargs):
        kind, organisation = _organisation(organisation_kind, kwargs)
        submission = selectors.submission_for_author(kind=kind, organisation=organisation, reference=reference,
                                                     token=request.query_params.get("token", ""))
        if submission is None:
            raise Http404
        return Response(AuthorViewSerializer(submission).data)


def _staff(request, organisation_kind, kwargs):
    kind, organisation = _organisation(organisation_kind, kwargs)
    if not kind.is_staff(request.user, organisation):
        raise PermissionDenied(_("Only the organisation's staff see its inbox."))
    return kind, organisation


class InboxView(APIView):
    @extend_schema(responses=SubmissionSerializer(many=True),
                   parameters=[OpenApiParameter("status", OpenApiTypes.STR, enum=Submission.Status.values)])
    def get(self, request, organisation_kind, **kwargs):
        kind, organisation = _staff(request, organisation_kind, kwargs)
        items = selectors.submissions_of(kind=kind, organisation=organisation)
        wanted = request.query_params.get("status", "")
        if wanted:
            if wanted not in Submission.Status.values:
                raise FeedbackError(_("Unknown status."), field="status")
            items = items.filter(status=wanted)
        return Response(SubmissionSerializer(items[:500], many=True).data)


class DecisionView(APIView):
    @extend_schema(request=DecisionSerializer, responses=SubmissionSerializer)
    def post(self, request, organisation_kind, reference, **kwargs):
        kind, organisation = _staff(request, organisation_kind, kwargs)
        submission = selectors.submission_by_reference(kind=kind, organisation=organisation, reference=reference)
        if submission is None:
            raise Http404
        data = DecisionSerializer(data=request.data)
        data.is_valid(raise_exception=True)
        submission = services.submission_decide(submission=submission, by=request.user, **data.validated_data)
        return Response(SubmissionSerializer(submission).data)
