"""The scheduling API (DRF): thin views that parse, authorise, call one service, answer.

Bad input is a 400 with field errors (``SchedulingError`` through ``config.api``); a clash is a
409 naming the clashing sittings; changing someone else's event is a 403 saying why.
"""

from datetime import datetime, time, timedelta

from django.shortcuts import get_object_or_404
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy
from drf_spectacular.types import OpenApiTypes
from drf_spectacular.utils import OpenApiParameter, extend_schema, inline_serializer
from rest_framework import generics, serializers, status
from rest_framework.response import Response
from rest_framework.views import APIView

from scheduling import policies, selectors, services
from scheduling.errors import Conflict, SchedulingError
from scheduling.models import Attendee, Event, Occurrence
from scheduling.services.validation import EARLIEST, LATEST

MAX_RANGE = timedelta(days=366)


# ---------------------------------------------------------------- serializers


class SittingAnswerSerializer(serializers.Serializer):
    occurrence = serializers.UUIDField(source="occurrence_id", read_only=True)
    rsvp = serializers.ChoiceField(choices=Attendee.Rsvp.choices, read_only=True)
    comment = serializers.CharField(read_only=True)


class AttendeeSerializer(serializers.ModelSerializer):
    sitting_answers = SittingAnswerSerializer(many=True, read_only=True, help_text="Sittings answered otherwise.")

    class Meta:
        model = Attendee
        fields = ["id", "name", "email", "role", "rsvp", "rsvp_comment", "sitting_answers", "language", "timezone",
                  "removed_at"]
        read_only_fields = fields


class OccurrenceSerializer(serializers.ModelSerializer):
    event = serializers.UUIDField(source="event_id", read_only=True)
    title = serializers.CharField(source="event.title", read_only=True)
    timezone = serializers.CharField(source="event.timezone", read_only=True)
    event_status = serializers.CharField(source="event.status", read_only=True)

    class Meta:
        model = Occurrence
        fields = [
            "id",
            "event",
            "title",
            "timezone",
            "recurrence_id",
            "start",
            "end",
            "status",
            "event_status",
            "is_override",
            "sequence",
        ]
        read_only_fields = fields


class EventSerializer(serializers.ModelSerializer):
    organizer = serializers.CharField(source="organizer.get_username", read_only=True)
    duration_minutes = serializers.SerializerMethodField()
    attendees = serializers.SerializerMethodField()

    class Meta:
        model = Event
        fields = [
            "id",
            "uid",
            "kind",
            "title",
            "description",
            "organizer",
            "timezone",
            "start",
            "duration_minutes",
            "rrule",
            "exdates",
            "resource",
            "sequence",
            "status",
            "reminder_minutes",
            "attendees",
        ]
        read_only_fields = fields

    def get_duration_minutes(self, event) -> int:
        return int(event.duration.total_seconds() // 60)

    def get_attendees(self, event) -> list[dict]:
        """The organiser sees everyone invited; an attendee sees only their own invitation."""
        request = self.context.get("request")
        user = getattr(request, "user", None)
        rows = [a for a in event.attendees.all() if a.removed_at is None]
        if not policies.can_change_event(user, event):
            email = (getattr(user, "email", "") or "").lower()
            rows = [
                a
                for a in rows
                if a.user_id == getattr(user, "pk", None) or (a.user_id is None and email and a.email.lower() == email)
            ]
        return AttendeeSerializer(rows, many=True).data


class InstantField(serializers.DateTimeField):
    """A date and time far from the calendar's ends: DRF's own zone check overflows on 0001-01-01."""

    default_error_messages = {"range": gettext_lazy("Enter a date and time between 1970 and 9000.")}

    def enforce_timezone(self, value):
        if not EARLIEST.year <= value.year < LATEST.year:
            self.fail("range")
        return super().enforce_timezone(value)


class AttendeeInputSerializer(serializers.Serializer):
    name = serializers.CharField(max_length=200, required=False, allow_blank=True, default="")
    email = serializers.CharField(max_length=254, required=False, allow_blank=True, default="")
    role = serializers.CharField(max_length=32, required=False, default="participant")
    language = serializers.CharField(max_length=8, required=False, allow_blank=True, default="")
    timezone = serializers.CharField(max_length=64, required=False, allow_blank=True, default="")


class EventCreateSerializer(serializers.Serializer):
    title = serializers.CharField(max_length=200)
    description = serializers.CharField(required=False, allow_blank=True, default="")
    start = InstantField(help_text="ISO 8601; without an offset it is read in your own time zone.")
    duration_minutes = serializers.IntegerField(min_value=1, max_value=24 * 60)
    timezone = serializers.CharField(max_length=64, default="Asia/Jakarta")
    rrule = serializers.CharField(
        max_length=500,
        required=False,
        allow_blank=True,
        default="",
        help_text="RFC 5545 RRULE bounded by COUNT or UNTIL, e.g. FREQ=WEEKLY;COUNT=10",
    )
    resource = serializers.CharField(max_length=200, required=False, allow_blank=True, default="")
    reminder_minutes = serializers.ListField(child=serializers.IntegerField(), required=False, default=list)
    attendees = AttendeeInputSerializer(many=True, required=False, default=list)
    allow_conflicts = serializers.BooleanField(required=False, default=False)


class EventUpdateSerializer(serializers.Serializer):
    title = serializers.CharField(max_length=200, required=False)
    description = serializers.CharField(required=False, allow_blank=True)
    start = InstantField(required=False)
    duration_minutes = serializers.IntegerField(min_value=1, max_value=24 * 60, required=False)
    timezone = serializers.CharField(max_length=64, required=False)
    rrule = serializers.CharField(max_length=500, required=False, allow_blank=True)
    allow_conflicts = serializers.BooleanField(required=False, default=False)


class OccurrenceMoveSerializer(serializers.Serializer):
    start = InstantField()
    end = InstantField(required=False, help_text="Defaults to the start plus the sitting's length.")
    allow_conflicts = serializers.BooleanField(required=False, default=False)


class BusySerializer(serializers.Serializer):
    """One of the caller's own requested windows that clashes with a sitting they may not see."""

    start = serializers.DateTimeField()
    end = serializers.DateTimeField()


ConflictSerializer = inline_serializer(
    name="ConflictResponse",
    fields={
        "start": serializers.ListField(child=serializers.CharField()),
        "clashes": OccurrenceSerializer(many=True, help_text="Clashing sittings you organise or attend."),
        "busy": BusySerializer(many=True, help_text="Your requested times that clash with sittings of others."),
    },
)


def _conflict_response(error: Conflict) -> Response:
    return Response(
        {
            "start": error.messages,
            "clashes": OccurrenceSerializer(error.clashes, many=True).data,
            "busy": BusySerializer([{"start": start, "end": end} for start, end in error.busy], many=True).data,
        },
        status=status.HTTP_409_CONFLICT,
    )


def _visible_events(user):
    return (
        selectors.events_for_person(user=user)
        .select_related("organizer")
        .prefetch_related("attendees__sitting_answers")
        .order_by("start")
    )


def _my_event(request, pk) -> Event:
    """An event the requester may change: 404 when they cannot see it, 403 (with why) when not theirs."""
    event = get_object_or_404(_visible_events(request.user), pk=pk)
    policies.require_change(request.user, event)
    return event


def _my_occurrence(request, pk) -> Occurrence:
    occurrence = get_object_or_404(Occurrence.objects.select_related("event"), pk=pk)
    _my_event(request, occurrence.event_id)
    return occurrence


# ---------------------------------------------------------------- views


class EventListCreate(generics.ListAPIView):
    """Events I organise or attend; POST creates one (single or recurring)."""

    serializer_class = EventSerializer

    def get_queryset(self):
        return _visible_events(self.request.user)

    @extend_schema(request=EventCreateSerializer, responses={201: EventSerializer, 409: ConflictSerializer})
    def post(self, request):
        data = _valid(EventCreateSerializer, request.data)
        try:
            event = services.event_create(
                organizer=request.user,
                title=data["title"],
                description=data["description"],
                start=data["start"],
                duration=timedelta(minutes=data["duration_minutes"]),
                timezone=data["timezone"],
                rrule=data["rrule"],
                resource=data["resource"],
                reminder_minutes=data["reminder_minutes"],
                allow_conflicts=data["allow_conflicts"],
                attendees=[services.AttendeeSpec(**spec) for spec in data["attendees"]],
            )
        except Conflict as error:
            return _conflict_response(error)
        return Response(EventSerializer(event, context={"request": request}).data, status=status.HTTP_201_CREATED)


class EventDetail(APIView):
    serializer_class = EventSerializer

    @extend_schema(responses=EventSerializer)
    def get(self, request, pk):
        return Response(
            EventSerializer(get_object_or_404(_visible_events(request.user), pk=pk), context={"request": request}).data
        )

    @extend_schema(request=EventUpdateSerializer, responses={200: EventSerializer, 409: ConflictSerializer})
    def patch(self, request, pk):
        """Change the whole series: future sittings follow, past ones stay."""
        event = _my_event(request, pk)
        data = _valid(EventUpdateSerializer, request.data)
        minutes = data.pop("duration_minutes", None)
        try:
            event = services.event_update(
                event=event, by=request.user, duration=timedelta(minutes=minutes) if minutes else None, **data
            )
        except Conflict as error:
            return _conflict_response(error)
        return Response(EventSerializer(event, context={"request": request}).data)


class EventCancel(APIView):
    @extend_schema(request=None, responses=EventSerializer)
    def post(self, request, pk):
        """Cancel the whole series."""
        event = services.event_cancel(event=_my_event(request, pk), by=request.user)
        return Response(EventSerializer(event, context={"request": request}).data)


class AttendeeCreate(APIView):
    @extend_schema(request=AttendeeInputSerializer, responses={201: AttendeeSerializer})
    def post(self, request, pk):
        """Invite one person (they get an invite with their personal link)."""
        event = _my_event(request, pk)
        data = _valid(AttendeeInputSerializer, request.data)
        attendee = services.attendee_add(event=event, **data)
        return Response(AttendeeSerializer(attendee).data, status=status.HTTP_201_CREATED)


class AttendeeDelete(APIView):
    @extend_schema(request=None, responses={204: None})
    def delete(self, request, pk):
        """Uninvite one person (they get a cancellation; their link stops working)."""
        attendee = get_object_or_404(Attendee.objects.select_related("event"), pk=pk, removed_at__isnull=True)
        _my_event(request, attendee.event_id)
        services.attendee_remove(attendee=attendee, by=request.user)
        return Response(status=status.HTTP_204_NO_CONTENT)


LinkStateSerializer = inline_serializer(
    name="LinkState",
    fields={
        "id": serializers.UUIDField(),
        "link": serializers.ChoiceField(choices=["active", "revoked"]),
    },
)


class AttendeeLink(APIView):
    """Rotate, revoke or resend one person's personal link: the event's organiser or its staff."""

    link_action = ""
    SERVICES = {
        "rotate": services.attendee_token_rotate,
        "revoke": services.attendee_token_revoke,
        "resend": services.attendee_invite_resend,
    }

    @extend_schema(request=None, responses=LinkStateSerializer)
    def post(self, request, pk):
        """rotate: a new link, the old one and every browser that entered with it stop working;
        revoke: the link stops working; resend: the invitation with the current link is sent again.
        The link itself is never returned: it is the person's own."""
        attendee = get_object_or_404(Attendee.objects.select_related("event"), pk=pk, removed_at__isnull=True)
        attendee = self.SERVICES[self.link_action](attendee=attendee, by=request.user)
        return Response({"id": attendee.pk, "link": "revoked" if attendee.join_token_revoked_at else "active"})


class OccurrenceMove(APIView):
    @extend_schema(request=OccurrenceMoveSerializer, responses={200: OccurrenceSerializer, 409: ConflictSerializer})
    def post(self, request, pk):
        """Move one sitting; the rest of the series stays."""
        occurrence = _my_occurrence(request, pk)
        data = _valid(OccurrenceMoveSerializer, request.data)
        try:
            occurrence = services.occurrence_move(occurrence=occurrence, by=request.user, **data)
        except Conflict as error:
            return _conflict_response(error)
        return Response(OccurrenceSerializer(occurrence).data)


class OccurrenceCancel(APIView):
    @extend_schema(request=None, responses=OccurrenceSerializer)
    def post(self, request, pk):
        """Cancel one sitting (a single event's only sitting cancels the event)."""
        occurrence = services.occurrence_cancel(occurrence=_my_occurrence(request, pk), by=request.user)
        return Response(OccurrenceSerializer(occurrence).data)


class MyOccurrences(generics.ListAPIView):
    """My sittings (organising or attending) overlapping [start, end); default the next 30 days."""

    serializer_class = OccurrenceSerializer

    @extend_schema(
        parameters=[
            OpenApiParameter("start", OpenApiTypes.DATETIME, description="ISO date or date-time; default now"),
            OpenApiParameter(
                "end", OpenApiTypes.DATETIME, description="ISO date or date-time; default start + 30 days"
            ),
        ]
    )
    def get(self, request, *args, **kwargs):
        return super().get(request, *args, **kwargs)

    def get_queryset(self):
        start = _when(self.request.query_params.get("start"), "start") or timezone.now()
        end = _when(self.request.query_params.get("end"), "end") or start + timedelta(days=30)
        if end <= start:
            raise SchedulingError(_("The end must be after the start."), field="end")
        if end - start > MAX_RANGE:
            raise SchedulingError(_("Ask for at most one year at a time."), field="end")
        return selectors.occurrences_for_user(user=self.request.user, start=start, end=end)


def _when(value: str | None, field: str) -> datetime | None:
    if not value:
        return None
    try:
        parsed = datetime.fromisoformat(value)
    except ValueError:
        try:
            parsed = datetime.combine(datetime.fromisoformat(value[:10]).date(), time.min)
        except ValueError:
            raise SchedulingError(_("Enter a date or a date and time (ISO 8601)."), field=field) from None
    # Far from both ends of the calendar, so that no offset or range arithmetic overflows.
    if not EARLIEST.year <= parsed.year < LATEST.year:
        raise SchedulingError(_("Enter a date and time between 1970 and 9000."), field=field)
    return timezone.make_aware(parsed) if timezone.is_naive(parsed) else parsed


def _valid(serializer_class, data) -> dict:
    serializer = serializer_class(data=data)
    serializer.is_valid(raise_exception=True)
    return dict(serializer.validated_data)
