"""Forms parse and show errors; the services decide."""

import zoneinfo
from datetime import datetime, timedelta

from django import forms
from django.contrib.auth import get_user_model
from django.utils.translation import gettext_lazy as _

from hearings.models import CaseType, CourtMembership, HearingParticipant, Role, Status


class LocalDateTimeField(forms.DateTimeField):
    """A date and time typed in the court's zone (not the viewer's)."""

    widget = forms.DateTimeInput(attrs={"type": "datetime-local"}, format="%Y-%m-%dT%H:%M")

    def __init__(self, *args, **kwargs):
        kwargs.setdefault("input_formats", ["%Y-%m-%dT%H:%M", "%Y-%m-%d %H:%M"])
        super().__init__(*args, **kwargs)
        self.zone = None

    def to_python(self, value):
        if value in self.empty_values:
            return None
        if isinstance(value, datetime):
            return value
        for fmt in self.input_formats:
            try:
                naive = datetime.strptime(value.strip(), fmt)
            except (ValueError, TypeError):
                continue
            return naive.replace(tzinfo=self.zone) if self.zone else naive
        raise forms.ValidationError(self.error_messages["invalid"], code="invalid")


class CourtZoneForm(forms.Form):
    def __init__(self, *args, court, **kwargs):
        super().__init__(*args, **kwargs)
        zone = zoneinfo.ZoneInfo(court.timezone)
        for field in self.fields.values():
            if isinstance(field, LocalDateTimeField):
                field.zone = zone


def court_judges(court):
    """The court's judges, as accounts: the bench of its hearings is chosen among them."""
    return get_user_model().objects.filter(
        court_memberships__court=court, court_memberships__role=CourtMembership.Role.JUDGE,
    ).order_by("first_name", "last_name", "username")


class JudgeField(forms.ModelChoiceField):
    def label_from_instance(self, user):
        return user.get_full_name() or user.username


class CaseForm(forms.Form):
    court = forms.ModelChoiceField(queryset=None, label=_("Court"))
    number = forms.CharField(label=_("Case number"), max_length=100)
    case_type = forms.ChoiceField(label=_("Case type"), choices=CaseType.choices)
    parties = forms.CharField(label=_("Parties"), max_length=500, help_text=_("As the court writes them."))

    def __init__(self, *args, courts, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["court"].queryset = courts


class HearingForm(CourtZoneForm):
    start = LocalDateTimeField(label=_("Date and time (court's time zone)"))
    duration_minutes = forms.IntegerField(label=_("Duration (minutes)"), min_value=5, max_value=12 * 60, initial=60)
    courtroom = forms.CharField(label=_("Courtroom"), max_length=200)
    agenda = forms.CharField(label=_("Agenda"), max_length=500)
    is_public = forms.BooleanField(label=_("Public hearing"), required=False, initial=True)
    observer_capacity = forms.IntegerField(label=_("Observer places"), min_value=0, max_value=1000, initial=50)
    judge = JudgeField(queryset=None, label=_("Presiding judge"),
                       help_text=_("One of the court's judges: they see the hearing in their schedule."))
    allow_conflicts = forms.BooleanField(label=_("Schedule even if it clashes"), required=False)

    def __init__(self, *args, court, **kwargs):
        super().__init__(*args, court=court, **kwargs)
        self.fields["judge"].queryset = court_judges(court)

    @property
    def duration(self) -> timedelta:
        return timedelta(minutes=self.cleaned_data["duration_minutes"])


class ParticipantForm(forms.Form):
    role = forms.ChoiceField(label=_("Role"), choices=[c for c in Role.choices if c[0] != Role.OBSERVER])
    name = forms.CharField(label=_("Name"), max_length=200)
    email = forms.EmailField(label=_("E-mail"), required=False)
    represents = forms.ModelChoiceField(queryset=None, label=_("Represents"), required=False)
    interprets_for = forms.ModelChoiceField(queryset=None, label=_("Interprets for"), required=False)
    allow_conflicts = forms.BooleanField(label=_("Add even if it clashes"), required=False)

    def __init__(self, *args, hearing, **kwargs):
        super().__init__(*args, **kwargs)
        seated = HearingParticipant.objects.filter(hearing=hearing).select_related("attendee")
        self.fields["represents"].queryset = seated
        self.fields["interprets_for"].queryset = seated


class StatusForm(CourtZoneForm):
    status = forms.ChoiceField(label=_("New status"), choices=Status.choices)
    reason = forms.CharField(label=_("Reason"), max_length=500, required=False)
    next_at = LocalDateTimeField(label=_("Next date (court's time zone)"), required=False)


class ObserverForm(forms.Form):
    name = forms.CharField(label=_("Your name"), max_length=200)
