"""What the public writes to a court or a school: a 303 to a receipt with a reference and a private
link; the staff answer, publish or reject (the author told by e-mail when they left an address);
the public list. Abuse: sizes, a rate limit per client address, a honeypot, no links, and nothing
of a closed hearing ever shown publicly."""

import re

import pytest
from django.test import Client, override_settings

from feedback import services
from feedback.errors import FeedbackError, FeedbackForbidden
from feedback.models import Submission
from feedback.registry import organisation_kind
from notifications.models import Message
from tests.classrooms.conftest import PASSWORD
from tests.feedback.conftest import closed_case

TEXT = "Jadwal sidang di papan pengumuman tidak sama dengan jadwal daring."


def send(slug, prefix="courts", **data):
    body = {"kind": "correction", "text": TEXT, **data}
    return Client(REMOTE_ADDR=data.pop("address", "192.0.2.10")).post(f"/{prefix}/{slug}/feedback/", body)


def staff(court):
    client = Client()
    assert client.login(username=court.clerk.username, password=PASSWORD)
    return client


def test_a_correction_gets_a_receipt_with_a_reference_and_a_private_link(court):
    response = send(court.slug, contact="warga@example.org", case_number="1/Pid.B/2026")
    assert response.status_code == 303
    submission = Submission.objects.get()
    assert re.fullmatch(r"FB-\d{4}-\d{6}", submission.reference)
    assert response["Location"].startswith(f"/courts/{court.slug}/feedback/{submission.reference}/?token=")
    receipt = Client().get(response["Location"])
    assert receipt.status_code == 200
    assert submission.reference.encode() in receipt.content and submission.token.encode() in receipt.content
    assert Client().get(f"/courts/{court.slug}/feedback/{submission.reference}/").status_code == 404
    assert Client().get(f"/courts/{court.slug}/feedback/{submission.reference}/?token=wrong").status_code == 404
    assert submission.address and "192.0.2.10" not in submission.address  # a keyed hash, never the address


def test_references_count_up(court):
    first, second = (services.submission_create(organisation_kind=organisation_kind("court"), organisation=court,
                                                kind="view", text=TEXT) for _ in range(2))
    assert second.number == first.number + 1 and second.reference[:8] == first.reference[:8]


def test_staff_answer_then_publish_and_the_public_list_shows_it(court):
    send(court.slug, contact="warga@example.org")
    submission = Submission.objects.get()
    client = staff(court)
    inbox = client.get(f"/courts/{court.slug}/feedback/inbox/")
    assert inbox.status_code == 200 and TEXT.encode() in inbox.content and b"<svg" in inbox.content
    decide = f"/courts/{court.slug}/feedback/inbox/{submission.reference}/"
    assert client.post(decide, {"action": "publish"}).status_code == 302  # not answered yet: refused
    assert Submission.objects.get().status == "new"
    client.post(decide, {"action": "answer", "answer": "Papan sudah diperbaiki."})
    assert Submission.objects.get().status == "answered"
    assert TEXT.encode() not in Client().get(f"/courts/{court.slug}/feedback/public/").content
    client.post(decide, {"action": "publish"})
    public = Client().get(f"/courts/{court.slug}/feedback/public/")
    assert TEXT.encode() in public.content and b"Papan sudah diperbaiki." in public.content
    assert b"warga@example.org" not in public.content
    api = Client().get(f"/api/courts/{court.slug}/feedback/").json()
    assert [item["answer"] for item in api] == ["Papan sudah diperbaiki."]
    mails = Message.objects.filter(kind=Message.Kind.REPLY, email="warga@example.org")
    assert mails.count() == 2  # answered, then published: once each
    assert submission.reference in mails.first().body_text


def test_rejection_needs_a_reason_and_the_author_sees_it(court):
    submission = services.submission_create(organisation_kind=organisation_kind("court"), organisation=court,
                                            kind="complaint", text=TEXT)
    with pytest.raises(FeedbackError):
        services.submission_reject(submission=submission, by=court.clerk, reason="")
    services.submission_reject(submission=submission, by=court.clerk, reason="Bukan wewenang pengadilan.")
    page = Client().get(f"/courts/{court.slug}/feedback/{submission.reference}/?token={submission.token}")
    assert b"Bukan wewenang pengadilan." in page.content
    assert not Message.objects.filter(kind=Message.Kind.REPLY).exists()  # no address left: no e-mail
    with pytest.raises(FeedbackError):
        services.submission_answer(submission=submission, by=court.clerk, answer="Terlambat")


def test_only_the_courts_staff_triage(court, people):
    submission = services.submission_create(organisation_kind=organisation_kind("court"), organisation=court,
                                            kind="view", text=TEXT)
    with pytest.raises(FeedbackForbidden):
        services.submission_answer(submission=submission, by=people["teacher"], answer="Bukan staf")
    client = Client()
    client.login(username="teacher", password=PASSWORD)
    assert client.get(f"/courts/{court.slug}/feedback/inbox/").status_code == 403
    assert Submission.objects.get().status == "new"


@pytest.mark.parametrize("data", [
    {"text": "pendek"}, {"text": "x" * 4001}, {"kind": "pujian"}, {"contact": "bukan-email"},
    {"case_number": "x" * 101}, {"text": "Baris\x00dengan NUL di dalamnya"},
])
def test_bad_input_is_refused_and_changes_nothing(court, data):
    assert send(court.slug, **data).status_code == 400
    assert not Submission.objects.exists()


@override_settings(HADIR_FEEDBACK_PER_ADDRESS=2)
def test_one_client_address_is_rate_limited(court):
    assert [send(court.slug).status_code for _ in range(3)] == [303, 303, 429]
    assert send(court.slug, address="192.0.2.99").status_code == 303
    assert Submission.objects.count() == 3
    api = Client(REMOTE_ADDR="192.0.2.10").post(f"/api/courts/{court.slug}/feedback/", {"kind": "view", "text": TEXT},
                                                 content_type="application/json")
    assert api.status_code == 429


def test_the_honeypot_keeps_nothing(court):
    response = send(court.slug, website="http://spam.example")
    assert response.status_code == 303 and not Submission.objects.exists()


def test_links_are_never_rendered_as_links(court):
    send(court.slug, text='Lihat https://phish.example/login dan <a href="https://evil.example">ini</a>')
    submission = Submission.objects.get()
    services.submission_answer(submission=submission, by=court.clerk, answer="Lihat www.evil.example juga")
    services.submission_publish(submission=Submission.objects.get(), by=court.clerk)
    for page in (Client().get(f"/courts/{court.slug}/feedback/public/"),
                 staff(court).get(f"/courts/{court.slug}/feedback/inbox/"),
                 Client().get(f"/courts/{court.slug}/feedback/{submission.reference}/?token={submission.token}")):
        body = page.content.decode()
        assert 'href="https://phish.example' not in body and 'href="https://evil.example' not in body
        assert "www.evil.example" in body or "phish.example" in body


def test_a_closed_case_is_never_named_publicly_even_when_written(court):
    closed = closed_case(court)
    for text, number in [(f"Sidang perkara {closed.number} ditunda tanpa pemberitahuan.", closed.number),
                         (f"Sidang {closed.number.lower()} ditunda, bukan 17/Pid.B/2026.", "")]:
        submission = services.submission_create(organisation_kind=organisation_kind("court"), organisation=court,
                                                kind="complaint", text=text, case_number=number)
        services.submission_answer(submission=submission, by=court.clerk,
                                   answer=f"Perkara {closed.number} sudah dijadwalkan ulang.")
        services.submission_publish(submission=Submission.objects.get(pk=submission.pk), by=court.clerk)
    for body in (Client().get(f"/courts/{court.slug}/feedback/public/").content.decode(),
                 Client().get(f"/api/courts/{court.slug}/feedback/").content.decode()):
        assert not re.search(rf"(?<![0-9]){re.escape(closed.number)}", body, flags=re.IGNORECASE)
        assert "17/Pid.B/2026" in body  # another case's number is not hidden by accident
        assert "ditunda" in body


def test_schools_get_the_same_flow(school, people):
    response = send(school.slug, prefix="schools", kind="proposal")
    assert response.status_code == 303
    submission = Submission.objects.get()
    assert submission.organisation_kind == "school"
    client = Client()
    client.login(username="teacher", password=PASSWORD)  # the school's administrator
    decide = f"/schools/{school.slug}/feedback/inbox/{submission.reference}/"
    client.post(decide, {"action": "answer", "answer": "Akan kami coba."})
    client.post(decide, {"action": "publish"})
    assert b"Akan kami coba." in Client().get(f"/schools/{school.slug}/feedback/public/").content
    assert Client().get(f"/courts/{school.slug}/feedback/public/").status_code == 404
    student = Client()
    student.login(username="student", password=PASSWORD)
    assert student.get(f"/schools/{school.slug}/feedback/inbox/").status_code == 403


def test_the_api_flow(court):
    client = Client(REMOTE_ADDR="192.0.2.50")
    created = client.post(f"/api/courts/{court.slug}/feedback/", {"kind": "proposal", "text": TEXT,
                                                                  "contact": "a@example.org"},
                          content_type="application/json")
    assert created.status_code == 201, created.content
    body = created.json()
    token = body["follow_url"].split("token=")[1]
    shown = client.get(f"/api/courts/{court.slug}/feedback/{body['reference']}/?token={token}").json()
    assert shown["status"] == "new" and shown["text"] == TEXT
    clerk = Client()
    clerk.login(username=court.clerk.username, password=PASSWORD)
    inbox = clerk.get(f"/api/courts/{court.slug}/feedback/inbox/?status=new").json()
    assert [item["reference"] for item in inbox] == [body["reference"]]
    decided = clerk.post(f"/api/courts/{court.slug}/feedback/inbox/{body['reference']}/",
                         {"action": "answer", "answer": "Baik"}, content_type="application/json")
    assert decided.status_code == 200 and decided.json()["status"] == "answered"
    assert clerk.post(f"/api/courts/{court.slug}/feedback/inbox/{body['reference']}/", {"action": "reject"},
                      content_type="application/json").status_code == 400
