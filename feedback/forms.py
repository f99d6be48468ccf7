"""Forms parse and show errors; the services decide."""

from django import forms
from django.utils.translation import gettext_lazy as _

from feedback.models import COMMENT_MAX, TEXT_MAX, TEXT_MIN, Submission

SCORES = [(str(n), str(n)) for n in range(1, 6)]


class SessionFeedbackForm(forms.Form):
    rating = forms.TypedChoiceField(
        label=_("How did the session go? (1 = badly, 5 = very well)"), choices=SCORES, coerce=int,
        widget=forms.RadioSelect(attrs={"class": "scale"}),
    )
    connection = forms.TypedChoiceField(
        label=_("How well could you see and hear? (optional)"), choices=[("", _("No answer")), *SCORES],
        coerce=int, empty_value=None, required=False, widget=forms.RadioSelect(attrs={"class": "scale"}),
    )
    comment = forms.CharField(label=_("Anything to add? (optional)"), required=False, max_length=COMMENT_MAX,
                              widget=forms.Textarea(attrs={"rows": 4}))
    anonymous = forms.BooleanField(label=_("Leave my name off this answer"), required=False)


class SubmissionForm(forms.Form):
    kind = forms.ChoiceField(label=_("What is it?"), choices=Submission.Kind.choices)
    text = forms.CharField(label=_("Your message"), min_length=TEXT_MIN, max_length=TEXT_MAX,
                           widget=forms.Textarea(attrs={"rows": 6}))
    case_number = forms.CharField(label=_("Case or class it is about (optional)"), required=False, max_length=100)
    contact = forms.EmailField(label=_("Your e-mail, to hear back (optional)"), required=False)
    # A field people never see (hidden by the style sheet) and robots fill in.
    website = forms.CharField(label=_("Leave this empty"), required=False, max_length=200,
                              widget=forms.TextInput(attrs={"autocomplete": "off", "tabindex": "-1"}))


class DecisionForm(forms.Form):
    action = forms.ChoiceField(choices=[("answer", _("Answer")), ("publish", _("Publish")), ("reject", _("Reject"))])
    answer = forms.CharField(label=_("Answer"), required=False, max_length=TEXT_MAX,
                             widget=forms.Textarea(attrs={"rows": 3}))
    reason = forms.CharField(label=_("Reason for rejecting"), required=False, max_length=500)
