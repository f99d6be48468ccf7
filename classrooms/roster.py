"""Reading a roster CSV into a preview: every row with its own errors, nothing written.

Columns: ``name``, ``email`` and optionally ``student_number`` (a header row is required; the
Indonesian ``nama`` and ``nim``/``nis`` are understood too). Commas, semicolons (what a
spreadsheet in an Indonesian locale writes) and tabs are accepted as separators. A cell with a
line break or a control character (a NUL, an escape) is an error of its row: such a name would
end up in e-mail headers and calendars.
"""

from __future__ import annotations

import csv
import io
from dataclasses import dataclass, field

from django.core.exceptions import ValidationError
from django.core.validators import validate_email
from django.utils.translation import gettext as _

from scheduling.text import has_control_characters

MAX_BYTES = 1_000_000
MAX_ROWS = 2000
REQUIRED = ("name", "email")
OPTIONAL = ("student_number",)
ALIASES = {
    "name": "name",
    "nama": "name",
    "full_name": "name",
    "email": "email",
    "e_mail": "email",
    "mail": "email",
    "student_number": "student_number",
    "student_no": "student_number",
    "nim": "student_number",
    "nis": "student_number",
    "nisn": "student_number",
}


@dataclass
class RosterRow:
    line: int
    name: str
    email: str
    student_number: str = ""
    errors: list[str] = field(default_factory=list)

    @property
    def ok(self) -> bool:
        return not self.errors

    def as_dict(self) -> dict:
        return {
            "line": self.line,
            "name": self.name,
            "email": self.email,
            "student_number": self.student_number,
            "errors": list(self.errors),
        }


@dataclass
class RosterPreview:
    file_errors: list[str] = field(default_factory=list)
    rows: list[RosterRow] = field(default_factory=list)

    @property
    def valid_rows(self) -> list[RosterRow]:
        return [row for row in self.rows if row.ok]

    @property
    def error_rows(self) -> list[RosterRow]:
        return [row for row in self.rows if not row.ok]

    @property
    def can_confirm(self) -> bool:
        return not self.file_errors and bool(self.valid_rows)


def _column(header: str) -> str:
    key = header.strip().lower().replace("-", "_").replace(" ", "_")
    return ALIASES.get(key, key)


def _decode(data: bytes) -> str | None:
    try:
        return data.decode("utf-8-sig")
    except UnicodeDecodeError:
        return None


def parse_roster(data: bytes, *, enrolled_emails: set[str], free_places: int) -> RosterPreview:
    """Check every row; ``enrolled_emails`` (lower case) are already on the roster."""
    preview = RosterPreview()
    if len(data) > MAX_BYTES:
        preview.file_errors.append(_("The file is larger than 1 MB."))
        return preview
    text = _decode(data)
    if text is None:
        preview.file_errors.append(
            _("The file is not UTF-8 text. Save it as “CSV UTF-8” in your spreadsheet and upload it again.")
        )
        return preview
    lines = text.splitlines()
    if not any(line.strip() for line in lines):
        preview.file_errors.append(_("The file is empty."))
        return preview
    first = next(line for line in lines if line.strip())
    delimiter = max((",", ";", "\t"), key=first.count)
    reader = csv.reader(io.StringIO(text), delimiter=delimiter)
    try:
        header = next(row for row in reader if any(cell.strip() for cell in row))
    except csv.Error:
        preview.file_errors.append(_("The file is not a readable CSV file."))
        return preview
    columns = [_column(cell) for cell in header]
    missing = [name for name in REQUIRED if name not in columns]
    extra = [cell.strip() for cell, name in zip(header, columns, strict=True) if name not in REQUIRED + OPTIONAL]
    if missing:
        preview.file_errors.append(
            _(
                "Missing column(s): %(columns)s. The first row must name the columns: name, email and "
                "optionally student_number."
            )
            % {"columns": ", ".join(missing)}
        )
    if extra:
        preview.file_errors.append(
            _("Unknown column(s): %(columns)s. Only name, email and student_number are read.")
            % {"columns": ", ".join(extra)}
        )
    if len(set(columns)) != len(columns):
        preview.file_errors.append(_("A column is named twice in the first row."))
    if preview.file_errors:
        return preview

    seen_emails: dict[str, int] = {}
    seen_numbers: dict[str, int] = {}
    try:
        for row in reader:
            if not any(cell.strip() for cell in row):
                continue
            if len(preview.rows) >= MAX_ROWS:
                preview.file_errors.append(_("The file has more than %(count)d rows.") % {"count": MAX_ROWS})
                break
            preview.rows.append(_check_row(reader.line_num, row, columns, enrolled_emails, seen_emails, seen_numbers))
    except csv.Error as exc:
        preview.file_errors.append(
            _("The file is not a readable CSV file (line %(line)d: %(error)s).")
            % {"line": reader.line_num, "error": exc}
        )
    if not preview.file_errors and not preview.rows:
        preview.file_errors.append(_("The file has a header row but no students."))
    if len(preview.valid_rows) > free_places:
        preview.file_errors.append(
            _("%(count)d new students would exceed the class's size limit (%(free)d places left).")
            % {"count": len(preview.valid_rows), "free": free_places}
        )
    return preview


def _check_row(line, cells, columns, enrolled_emails, seen_emails, seen_numbers) -> RosterRow:
    values = {name: cell.strip() for name, cell in zip(columns, cells, strict=False)}
    row = RosterRow(
        line=line,
        name=values.get("name", ""),
        email=values.get("email", ""),
        student_number=values.get("student_number", ""),
    )
    if len(cells) > len(columns):
        row.errors.append(
            _("This row has %(found)d values but the header names %(expected)d columns.")
            % {"found": len(cells), "expected": len(columns)}
        )
        return row
    if len(cells) < len(columns):
        row.errors.append(
            _("This row has %(found)d values but the header names %(expected)d columns.")
            % {"found": len(cells), "expected": len(columns)}
        )
    controls = [
        column
        for column, value in (("name", row.name), ("email", row.email), ("student_number", row.student_number))
        if has_control_characters(value)
    ]
    if controls:
        row.errors += [
            _("Line breaks and control characters are not allowed (column %(column)s).") % {"column": column}
            for column in controls
        ]
        return row
    if not row.name:
        row.errors.append(_("The name is empty."))
    elif len(row.name) > 200:
        row.errors.append(_("The name is longer than 200 characters."))
    if len(row.student_number) > 64:
        row.errors.append(_("The student number is longer than 64 characters."))
    if not row.email:
        row.errors.append(_("The e-mail address is empty."))
    else:
        try:
            validate_email(row.email)
        except ValidationError:
            row.errors.append(_("“%(email)s” is not a valid e-mail address.") % {"email": row.email})
        else:
            key = row.email.lower()
            if key in enrolled_emails:
                row.errors.append(_("This e-mail address is already on the roster."))
            elif key in seen_emails:
                row.errors.append(_("Duplicate of line %(line)d (same e-mail address).") % {"line": seen_emails[key]})
            else:
                seen_emails[key] = line
    if row.student_number:
        if row.student_number in seen_numbers:
            row.errors.append(
                _("Duplicate of line %(line)d (same student number).") % {"line": seen_numbers[row.student_number]}
            )
        else:
            seen_numbers[row.student_number] = line
    return row
