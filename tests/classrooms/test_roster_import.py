"""CSV roster import: a preview with per-row errors; nothing saved until the teacher confirms."""

from django.core.files.uploadedfile import SimpleUploadedFile
from django.urls import reverse

from classrooms.models import Enrollment
from classrooms.roster import parse_roster
from scheduling.models import Attendee
from tests.classrooms.conftest import PASSWORD


def preview(text: str | bytes, *, enrolled=(), free=100):
    data = text.encode() if isinstance(text, str) else text
    return parse_roster(data, enrolled_emails=set(enrolled), free_places=free)


def test_good_file_with_bom_semicolons_and_student_numbers():
    result = preview("\ufeffNama;E-mail;NIM\nAni;ani@example.org;001\nBudi;budi@example.org;002\n")
    assert result.file_errors == []
    assert [(row.name, row.email, row.student_number) for row in result.rows] == [
        ("Ani", "ani@example.org", "001"),
        ("Budi", "budi@example.org", "002"),
    ]
    assert result.can_confirm


def test_bad_rows_are_reported_one_by_one():
    result = preview(
        "name,email,student_number\n"
        "Ani,ani@example.org,1\n"
        "Bad Mail,not-an-address,2\n"
        "Ani Again,ANI@example.org,3\n"
        ",noname@example.org,4\n"
        "Same Number,same@example.org,1\n"
        "Enrolled,old@example.org,5\n"
        "Too,many,values,here\n"
        "Short\n"
        "\n"
        "Citra,citra@example.org,6\n",
        enrolled={"old@example.org"},
    )
    assert result.file_errors == []
    errors = {row.line: row.errors for row in result.rows}
    assert errors[2] == []
    assert "not a valid e-mail" in errors[3][0]
    assert "Duplicate of line 2" in errors[4][0]
    assert errors[5] == ["The name is empty."]
    assert "Duplicate of line 2 (same student number)" in errors[6][0]
    assert "already on the roster" in errors[7][0]
    assert "4 values" in errors[8][0]
    assert any("1 values" in error for error in errors[9])
    assert [row.name for row in result.valid_rows] == ["Ani", "Citra"]
    assert result.can_confirm


def test_missing_and_extra_columns():
    missing = preview("name,phone\nAni,0812\n")
    assert any("Missing column(s): email" in error for error in missing.file_errors)
    assert any("Unknown column(s): phone" in error for error in missing.file_errors)
    assert not missing.can_confirm and missing.rows == []


def test_wrong_encoding_and_empty_files():
    latin1 = "name,email\nJosé,jose@example.org\n".encode("latin-1")
    assert "not UTF-8" in preview(latin1).file_errors[0]
    assert preview("").file_errors == ["The file is empty."]
    assert "no students" in preview("name,email\n").file_errors[0]


def test_size_limit_is_checked_in_the_preview():
    result = preview("name,email\nA,a@example.org\nB,b@example.org\n", free=1)
    assert "size limit" in result.file_errors[0]
    assert not result.can_confirm


def upload(client, classroom, text: bytes):
    return client.post(
        reverse("classrooms:roster_import", args=[classroom.pk]),
        {"file": SimpleUploadedFile("roster.csv", text, content_type="text/csv")},
    )


def test_page_previews_then_imports_on_confirm(client, classroom, people, school):
    client.login(username="teacher", password=PASSWORD)
    before = Enrollment.objects.count()
    response = upload(client, classroom, b"name,email\nAni,ani@example.org\nBad,bad-address\n")
    assert response.status_code == 200
    page = response.content.decode()
    assert "not a valid e-mail address" in page and "Confirm the import" in page
    assert Enrollment.objects.count() == before
    assert not Attendee.objects.filter(email="ani@example.org").exists()

    response = client.post(reverse("classrooms:roster_import_confirm", args=[classroom.pk]))
    assert response.status_code == 302
    assert classroom.enrollments.filter(email="ani@example.org", role="student").exists()
    assert not classroom.enrollments.filter(name="Bad").exists()
    # A second confirm has nothing left to import.
    client.post(reverse("classrooms:roster_import_confirm", args=[classroom.pk]))
    assert classroom.enrollments.filter(email="ani@example.org").count() == 1


def test_file_errors_leave_nothing_to_confirm(client, classroom, people):
    client.login(username="teacher", password=PASSWORD)
    response = upload(client, classroom, "name;email\nJosé;jose@example.org\n".encode("cp1252"))
    assert "not UTF-8" in response.content.decode()
    assert "Confirm the import" not in response.content.decode()
    response = client.post(reverse("classrooms:roster_import_confirm", args=[classroom.pk]), follow=True)
    assert "Nothing to import" in response.content.decode()
    assert not classroom.enrollments.filter(name="José").exists()


def test_confirm_is_all_or_nothing_when_the_roster_changed_meanwhile(client, classroom, people):
    client.login(username="teacher", password=PASSWORD)
    upload(client, classroom, b"name,email\nAni,ani@example.org\nBudi,budi@example.org\n")
    from classrooms import services

    services.enrollment_add(classroom=classroom, by=people["teacher"], name="Budi", email="budi@example.org")
    response = client.post(reverse("classrooms:roster_import_confirm", args=[classroom.pk]), follow=True)
    assert "Nothing was imported" in response.content.decode()
    assert not classroom.enrollments.filter(email="ani@example.org").exists()


def test_api_preview_and_confirm(client, classroom, people):
    client.login(username="teacher", password=PASSWORD)
    url = f"/api/classrooms/{classroom.pk}/roster-import/"
    body = b"name,email\nAni,ani@example.org\nAni,ani@example.org\n"
    response = client.post(url, {"file": SimpleUploadedFile("r.csv", body)})
    assert response.status_code == 200
    data = response.json()
    assert data["imported"] == 0 and data["can_confirm"] is True
    assert data["rows"][1]["errors"] and not data["rows"][0]["errors"]
    assert not classroom.enrollments.filter(email="ani@example.org").exists()
    response = client.post(url, {"file": SimpleUploadedFile("r.csv", body), "confirm": "true"})
    assert response.status_code == 200 and response.json()["imported"] == 1
    response = client.post(url, {"file": SimpleUploadedFile("r.csv", b"nama\nx\n"), "confirm": "true"})
    assert response.status_code == 400 and response.json()["file_errors"]
