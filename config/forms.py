"""Forms the whole project shares: a person's profile, the list of time zones to choose from, and
how a service's refusal lands on a form (``add_service_error``)."""

import zoneinfo

from django import forms
from django.conf import settings
from django.core.exceptions import ValidationError
from django.utils.translation import gettext_lazy as _

# Indonesia's zones first, by the names people know; then every zone the database lists.
ZONES = [
    ("Asia/Jakarta", _("WIB (Asia/Jakarta)")),
    ("Asia/Pontianak", _("WIB (Asia/Pontianak)")),
    ("Asia/Makassar", _("WITA (Asia/Makassar)")),
    ("Asia/Jayapura", _("WIT (Asia/Jayapura)")),
]


def zone_choices():
    known = {name for name, _label in ZONES}
    return ZONES + [(name, name) for name in sorted(zoneinfo.available_timezones()) if name not in known]


class ProfileForm(forms.Form):
    timezone = forms.ChoiceField(
        label=_("Time zone"), choices=zone_choices,
        help_text=_("Pages, e-mails and notices show times in this zone."),
    )
    language = forms.ChoiceField(
        label=_("Language"), choices=settings.LANGUAGES,
        help_text=_("Pages, e-mails and notices are written in this language."),
    )


def add_service_error(form: forms.Form, exc: ValidationError) -> None:
    """A service's ``InvalidInput`` on the form: on the field it names when the form has that field,
    else above the form. The page then shows the summary at the top (``templates/_form_errors.html``)."""
    if hasattr(exc, "error_dict"):
        for field, errors in exc.error_dict.items():
            form.add_error(field if field in form.fields else None, [" ".join(error.messages) for error in errors])
    else:
        form.add_error(None, exc.messages)
