"""Free text from people, checked once before it reaches a header, a file or a page.

Names and titles end up in e-mail headers (``To: "Name" <addr>``), ICS lines and CSV cells: a
carriage return there is a header injection, a NUL breaks PostgreSQL and CSV readers. One-line
fields refuse every control character; multi-line fields (descriptions, reasons, comments) allow
only line breaks and tabs. Each app calls these from its services, forms and imports.
"""

import unicodedata

from django.core.exceptions import ValidationError
from django.utils.translation import gettext as _

_MULTILINE_ALLOWED = {"\n", "\r", "\t"}


def _bad_character(value: str, *, multiline: bool) -> str | None:
    for char in value:
        if multiline and char in _MULTILINE_ALLOWED:
            continue
        category = unicodedata.category(char)
        # Cc: C0/C1 controls (NUL, CR, LF, ESC…); Cs: lone surrogates, which no encoder can write;
        # Zl/Zp: the Unicode line and paragraph separators, which some mail and ICS readers split on.
        if category in {"Cc", "Cs", "Zl", "Zp"}:
            return char
    return None


def has_control_characters(value: str, *, multiline: bool = False) -> bool:
    return _bad_character(value, multiline=multiline) is not None


def clean_text(value, *, field: str, max_length: int, multiline: bool = False, required: bool = False) -> str:
    """``value`` stripped, or a ``ValidationError`` on ``field`` naming what is wrong.

    ``field`` is the name the error is attached to (the form or API field).
    """
    if value is None:
        value = ""
    if not isinstance(value, str):
        raise ValidationError({field: [ValidationError(_("Enter text."), code="invalid")]})
    value = value.strip()
    if required and not value:
        raise ValidationError({field: [ValidationError(_("This field is required."), code="required")]})
    if len(value) > max_length:
        raise ValidationError(
            {field: [ValidationError(
                _("At most %(count)d characters.") % {"count": max_length}, code="max_length"
            )]}
        )
    if has_control_characters(value, multiline=multiline):
        message = (
            _("Only letters, digits, punctuation, spaces and line breaks are allowed.")
            if multiline
            else _("Only letters, digits, punctuation and spaces are allowed (no line breaks or control characters).")
        )
        raise ValidationError({field: [ValidationError(message, code="control_characters")]})
    return value
