"""Downloads people open in Excel: CSV with a byte-order mark and the separator of the reader's
language, and .xlsx whose cells are values, never formulas (``config.exports``)."""

import csv
import io
from datetime import timedelta

import openpyxl
from django.utils import timezone

from config.exports import BOM, XLSX_TYPE, xlsx_bytes
from tests.classrooms.conftest import make_user, past_meeting
from tests.classrooms.test_pages import login


def _attendance(client, classroom, people, suffix, **params):
    occurrence = past_meeting(classroom, people["teacher"], start=timezone.now() - timedelta(days=2))
    login(client, "teacher")
    return client.get(f"/classrooms/{classroom.pk}/meetings/{occurrence.pk}/attendance.{suffix}", params)


def test_csv_has_a_bom_and_the_separator_of_the_readers_language(client, classroom, people):
    english = _attendance(client, classroom, people, "csv")
    text = english.content.decode("utf-8")
    assert english["Content-Type"] == "text/csv; charset=utf-8"
    assert text.startswith(BOM + "name,email,status,first_join,last_leave,minutes\r\n")
    client.cookies["django_language"] = "id"
    indonesian = client.get(english.wsgi_request.path).content.decode("utf-8")
    assert indonesian.startswith(BOM + "name;email;status;first_join;last_leave;minutes\r\n")
    rows = list(csv.DictReader(io.StringIO(indonesian.removeprefix(BOM)), delimiter=";"))
    assert rows and {row["status"] for row in rows} <= {"present", "late", "left_early", "absent"}
    chosen = client.get(english.wsgi_request.path, {"sep": "comma"}).content.decode("utf-8")
    assert chosen.startswith(BOM + "name,email,")


def test_xlsx_of_meeting_and_term_attendance(client, classroom, people):
    response = _attendance(client, classroom, people, "xlsx")
    assert response.status_code == 200 and response["Content-Type"] == XLSX_TYPE
    assert response["Content-Disposition"].endswith('.xlsx"')
    sheet = openpyxl.load_workbook(io.BytesIO(response.content)).active
    rows = list(sheet.iter_rows(values_only=True))
    assert rows[0] == ("name", "email", "status", "first_join", "last_leave", "minutes")
    assert len(rows) > 1 and all(row[2] in ("present", "late", "left_early", "absent") for row in rows[1:])
    term = client.get(f"/classrooms/{classroom.pk}/attendance.xlsx")
    header = next(openpyxl.load_workbook(io.BytesIO(term.content)).active.iter_rows(values_only=True))
    assert header[-1] == "meeting_start"


def test_a_cell_that_looks_like_a_formula_stays_text():
    book = openpyxl.load_workbook(io.BytesIO(xlsx_bytes(["name"], [["=HYPERLINK(\"http://x\")"], ["@SUM(A1)"]])))
    cells = [row[0] for row in book.active.iter_rows(min_row=2)]
    assert [cell.data_type for cell in cells] == ["s", "s"]
    assert cells[0].value == "=HYPERLINK(\"http://x\")"


def test_a_student_cannot_download_the_attendance(client, classroom, people):
    occurrence = past_meeting(classroom, people["teacher"], start=timezone.now() - timedelta(days=2))
    make_user("outsider")
    login(client, "outsider")
    url = f"/classrooms/{classroom.pk}/meetings/{occurrence.pk}/attendance.xlsx"
    assert client.get(url).status_code in (403, 404)
