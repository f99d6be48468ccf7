"""Tables people download and open in a spreadsheet: CSV that Excel reads, and ``.xlsx``.

One writer for every export (attendance, hearing participants): a view gives a header and rows of
plain values and a file name, and gets the response.

- CSV starts with a UTF-8 byte-order mark (without it Excel reads UTF-8 as the local code page and
  garbles "Sri Rahayu Ningsih’s" apostrophes and accents). Its separator is the one Excel expects
  in the reader's language: a semicolon for Indonesian (whose list separator is ";", the decimal
  mark being ","), a comma otherwise; ``?sep=comma`` or ``?sep=semicolon`` chooses. There is no
  ``sep=`` line: Excel then ignores the byte-order mark.
- ``.xlsx`` (openpyxl) has no separator question at all: the header row bold and frozen.
- A cell that a spreadsheet would run as a formula (``=``, ``+``, ``-``, ``@``, tab, CR first) is
  text: quoted with ``'`` in CSV, typed as a string in ``.xlsx`` (CSV/formula injection).
"""

import csv
import io
from collections.abc import Iterable, Sequence

from django.http import HttpResponse
from django.utils import translation
from openpyxl import Workbook
from openpyxl.styles import Font

BOM = "\ufeff"
XLSX_TYPE = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"
FORMULA_STARTS = ("=", "+", "-", "@", "\t", "\r")
SEPARATORS = {"comma": ",", "semicolon": ";"}


def safe_cell(value):
    """A typed-in text a spreadsheet would run as a formula, quoted (for CSV)."""
    return f"'{value}" if isinstance(value, str) and value[:1] in FORMULA_STARTS else value


def separator_for(request=None) -> str:
    chosen = SEPARATORS.get(request.GET.get("sep", "")) if request is not None else None
    return chosen or (";" if translation.get_language() == "id" else ",")


def csv_text(header: Sequence, rows: Iterable[Sequence], *, delimiter: str = ",") -> str:
    out = io.StringIO()
    writer = csv.writer(out, delimiter=delimiter, lineterminator="\r\n")
    writer.writerow(header)
    writer.writerows([safe_cell(value) for value in row] for row in rows)
    return out.getvalue()


def xlsx_bytes(header: Sequence, rows: Iterable[Sequence], *, title: str = "Hadir") -> bytes:
    book = Workbook()
    sheet = book.active
    sheet.title = title[:31]
    sheet.append(list(header))
    for cell in sheet[1]:
        cell.font = Font(bold=True)
    sheet.freeze_panes = "A2"
    for number, row in enumerate(rows, start=2):
        for column, value in enumerate(row, start=1):
            cell = sheet.cell(row=number, column=column, value=value)
            if isinstance(value, str):
                cell.data_type = "s"  # never a formula, whatever it starts with
    out = io.BytesIO()
    book.save(out)
    return out.getvalue()


def table_response(request, *, header: Sequence, rows: Iterable[Sequence], filename: str, fmt: str) -> HttpResponse:
    """``filename`` without its extension; ``fmt`` is "csv" or "xlsx"."""
    rows = list(rows)
    if fmt == "xlsx":
        response = HttpResponse(xlsx_bytes(header, rows), content_type=XLSX_TYPE)
    else:
        text = BOM + csv_text(header, rows, delimiter=separator_for(request))
        response = HttpResponse(text.encode("utf-8"), content_type="text/csv; charset=utf-8")
    response["Content-Disposition"] = f'attachment; filename="{filename}.{fmt}"'
    return response
