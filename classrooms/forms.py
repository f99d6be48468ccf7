from django import forms
from django.contrib.auth import get_user_model
from django.db.models import Q
from django.utils.translation import gettext_lazy as _

from classrooms.models import Enrollment
from classrooms.services import MAX_MINUTES, MAX_SIZE_LIMIT
from config.forms import zone_choices

User = get_user_model()
WEEKDAYS = [
    (0, _("Monday")),
    (1, _("Tuesday")),
    (2, _("Wednesday")),
    (3, _("Thursday")),
    (4, _("Friday")),
    (5, _("Saturday")),
    (6, _("Sunday")),
]


class DateInput(forms.DateInput):
    input_type = "date"


class TimeInput(forms.TimeInput):
    input_type = "time"


class DateTimeInput(forms.DateTimeInput):
    input_type = "datetime-local"

    def __init__(self, **kwargs):
        super().__init__(format="%Y-%m-%dT%H:%M", **kwargs)


class SchoolForm(forms.Form):
    name = forms.CharField(label=_("Name"), max_length=200)
    timezone = forms.ChoiceField(label=_("Time zone"), choices=zone_choices, initial="Asia/Jakarta")


class SchoolSettingsForm(SchoolForm):
    allow_recording = forms.BooleanField(
        label=_("teachers may record classes"), required=False,
        help_text=_("A teacher may record a class meeting through the audio and video server; the students see "
                    "that it is recording, and only the class's teachers and the school's administrators get the "
                    "file."),
    )


class HolidayForm(forms.Form):
    date = forms.DateField(label=_("Date"), widget=DateInput)
    name = forms.CharField(label=_("Name"), max_length=200, required=False)


class UsersField(forms.CharField):
    """Usernames or e-mail addresses of existing accounts, separated by commas."""

    def clean(self, value):
        value = super().clean(value)
        names = [part.strip() for part in (value or "").split(",") if part.strip()]
        users, unknown = [], []
        for name in names:
            user = User.objects.filter(Q(username__iexact=name) | Q(email__iexact=name)).order_by("pk").first()
            (users.append(user) if user else unknown.append(name))
        if unknown:
            raise forms.ValidationError(_("No account found for: %(names)s") % {"names": ", ".join(unknown)})
        return users


class ClassroomForm(forms.Form):
    name = forms.CharField(label=_("Name"), max_length=200)
    subject = forms.CharField(label=_("Subject"), max_length=200, required=False)
    term_start = forms.DateField(label=_("Term starts"), widget=DateInput)
    term_end = forms.DateField(label=_("Term ends"), widget=DateInput)
    teachers = UsersField(
        label=_("Teachers"),
        required=False,
        help_text=_("Usernames or e-mail addresses, separated by commas. Empty: you."),
    )
    size_limit = forms.IntegerField(label=_("Size limit"), min_value=1, max_value=MAX_SIZE_LIMIT, initial=40)
    late_after_minutes = forms.IntegerField(
        label=_("Late after (minutes from the start)"), min_value=0, max_value=MAX_MINUTES, initial=10
    )
    left_early_minutes = forms.IntegerField(
        label=_("Left early (leaving more than this many minutes before the end)"),
        min_value=0,
        max_value=MAX_MINUTES,
        initial=10,
    )
    students_wait = forms.BooleanField(
        label=_("Students wait in the lobby until a teacher opens the room"), required=False,
        help_text=_("Otherwise the room opens by itself at the start of each meeting."),
    )

    lecture_audience = forms.BooleanField(
        label=_("Students listen (large lecture)"), required=False,
        help_text=_("Students follow the meeting as an audience: counted rather than listed, without chat, "
                    "hand or microphone, until a teacher lets one speak. Attendance is recorded as usual."),
    )

    def __init__(self, *args, schools=None, **kwargs):
        super().__init__(*args, **kwargs)
        if schools is not None:
            self.fields = {
                "school": forms.ModelChoiceField(label=_("School"), queryset=schools),
                **self.fields,
            }

    def clean(self):
        data = super().clean()
        if data.get("term_start") and data.get("term_end") and data["term_end"] < data["term_start"]:
            self.add_error("term_end", _("The term cannot end before it starts."))
        return data


class EnrollmentForm(forms.Form):
    name = forms.CharField(label=_("Name"), max_length=200, required=False)
    email = forms.EmailField(label=_("E-mail"), required=False)
    username = forms.CharField(label=_("Account (username), if they have one"), max_length=150, required=False)
    student_number = forms.CharField(label=_("Student number"), max_length=64, required=False)
    role = forms.ChoiceField(label=_("Role"), choices=Enrollment.Role.choices, initial=Enrollment.Role.STUDENT)

    def clean(self):
        data = super().clean()
        username = data.get("username", "").strip()
        data["user"] = None
        if username:
            data["user"] = User.objects.filter(username__iexact=username).first()
            if data["user"] is None:
                self.add_error("username", _("No account has this username."))
        elif not (data.get("name") and data.get("email")):
            raise forms.ValidationError(_("Give a name and an e-mail address, or an account."))
        return data


class RosterUploadForm(forms.Form):
    file = forms.FileField(label=_("CSV file"), help_text=_("Columns: name, email, and optionally student_number."))


class ScheduleForm(forms.Form):
    weekdays = forms.TypedMultipleChoiceField(
        label=_("Days"), choices=WEEKDAYS, coerce=int, widget=forms.CheckboxSelectMultiple
    )
    start_time = forms.TimeField(label=_("Starts at"), widget=TimeInput)
    end_time = forms.TimeField(label=_("Ends at"), widget=TimeInput)
    allow_conflicts = forms.BooleanField(label=_("Schedule even if it overlaps other sessions"), required=False)


class MeetingForm(forms.Form):
    """Times are read in the school's zone (the view activates it)."""

    start = forms.DateTimeField(label=_("Starts"), widget=DateTimeInput)
    end = forms.DateTimeField(label=_("Ends"), widget=DateTimeInput)
    allow_conflicts = forms.BooleanField(label=_("Schedule even if it overlaps other sessions"), required=False)

    def clean(self):
        data = super().clean()
        if data.get("start") and data.get("end") and data["end"] <= data["start"]:
            self.add_error("end", _("A meeting must end after it starts."))
        return data


class EnrolCodeForm(forms.Form):
    code = forms.CharField(label=_("Enrolment code"), max_length=16)
