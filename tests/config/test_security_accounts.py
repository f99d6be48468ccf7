"""Accounts against guessing and takeover: log-ins are throttled per account and per client
address (unlocked by time or by staff), and a forgotten password is reset by e-mail."""

import re
from datetime import timedelta

import pytest
from axes.models import AccessAttempt
from django.conf import settings
from django.contrib.auth.models import User
from django.core import mail
from django.core.cache import cache
from django.core.management import call_command
from django.urls import reverse
from django.utils import timezone

pytestmark = pytest.mark.django_db
PASSWORD = "a-long-password-1"
LIMIT = settings.AXES_FAILURE_LIMIT


@pytest.fixture
def guru():
    return User.objects.create_user("guru", email="guru@example.org", password=PASSWORD)


def log_in(client, username, password, address="192.0.2.1", **headers):
    return client.post(reverse("login"), {"username": username, "password": password}, REMOTE_ADDR=address,
                       **headers)


def logged_in_as(client) -> str:
    return client.get("/").context["user"].get_username()


def guess(client, username, times, address="192.0.2.1"):
    for attempt in range(times):
        log_in(client, username, f"wrong-{attempt}", address)


def test_failed_log_ins_lock_the_account_even_from_another_address(client, guru):
    guess(client, "guru", LIMIT)
    response = log_in(client, "guru", PASSWORD, address="198.51.100.7")
    assert response.status_code == 429
    assert "Logging in is paused" in response.content.decode()
    assert logged_in_as(client) == ""


def test_one_failure_short_of_the_limit_still_lets_the_owner_in(client, guru):
    guess(client, "guru", LIMIT - 1)
    assert log_in(client, "guru", PASSWORD).status_code == 302
    assert logged_in_as(client) == "guru"


def test_an_address_trying_many_accounts_is_locked_out(client, guru):
    for number in range(LIMIT):
        log_in(client, f"someone-{number}", "guess", address="203.0.113.9")
    assert log_in(client, "guru", PASSWORD, address="203.0.113.9").status_code == 429
    assert log_in(client, "guru", PASSWORD, address="192.0.2.50").status_code == 302


def test_a_forged_forwarded_for_header_does_not_escape_the_address_lock(client, guru):
    for number in range(LIMIT):
        log_in(client, f"someone-{number}", "guess", HTTP_X_FORWARDED_FOR=f"10.0.0.{number}")
    assert log_in(client, "guru", PASSWORD, HTTP_X_FORWARDED_FOR="10.9.9.9").status_code == 429


@pytest.mark.parametrize(
    ("language", "text"),
    [("en", "Try again in 15 minutes."), ("id", "Coba lagi dalam 15 menit.")],
)
def test_the_lockout_page_speaks_the_visitors_language(client, guru, language, text):
    client.cookies[settings.LANGUAGE_COOKIE_NAME] = language
    guess(client, "guru", LIMIT)
    response = log_in(client, "guru", PASSWORD)
    assert response.status_code == 429
    assert text in response.content.decode()


def test_the_lock_ends_after_the_cool_off(client, guru):
    guess(client, "guru", LIMIT)
    assert log_in(client, "guru", PASSWORD).status_code == 429
    AccessAttempt.objects.update(attempt_time=timezone.now() - settings.AXES_COOLOFF_TIME - timedelta(minutes=1))
    assert log_in(client, "guru", PASSWORD).status_code == 302


def test_staff_unlock_an_account_at_once(client, guru):
    guess(client, "guru", LIMIT)
    call_command("axes_reset_username", "guru")
    assert log_in(client, "guru", PASSWORD).status_code == 302


def test_the_admin_log_in_is_throttled_too(client, guru):
    guru.is_staff = True
    guru.save()
    for attempt in range(LIMIT):
        client.post("/admin/login/", {"username": "guru", "password": f"wrong-{attempt}"})
    response = client.post("/admin/login/", {"username": "guru", "password": PASSWORD})
    assert response.status_code == 429


# Password reset ------------------------------------------------------------------------------


def reset_link() -> str:
    (message,) = mail.outbox
    return re.search(r"https?://\S+/accounts/reset/\S+/", message.body)[0]


def test_the_log_in_page_links_to_the_password_reset(client):
    assert reverse("password_reset") in client.get(reverse("login")).content.decode()


def test_a_forgotten_password_is_reset_through_the_e_mailed_link(client, guru):
    cache.clear()
    response = client.post(reverse("password_reset"), {"email": "guru@example.org"}, HTTP_HOST="localhost")
    assert response.status_code == 302 and response["Location"] == reverse("password_reset_done")
    link = reset_link()
    assert link.startswith(settings.HADIR_BASE_URL + "/")  # never the Host header of whoever asked
    assert mail.outbox[0].to == ["guru@example.org"]
    form = client.get(link.removeprefix(settings.HADIR_BASE_URL), follow=True)
    assert form.status_code == 200 and form.context["validlink"]
    done = client.post(form.redirect_chain[-1][0], {"new_password1": "a-new-long-secret-9", "new_password2":
                                                    "a-new-long-secret-9"})
    assert done["Location"] == reverse("password_reset_complete")
    assert log_in(client, "guru", PASSWORD).status_code == 200  # the old one is refused (the form again)
    assert log_in(client, "guru", "a-new-long-secret-9").status_code == 302
    again = client.get(link.removeprefix(settings.HADIR_BASE_URL), follow=True)
    assert not again.context["validlink"]  # a link works once


def test_an_unknown_address_gets_the_same_answer_and_no_mail(client, guru):
    cache.clear()
    response = client.post(reverse("password_reset"), {"email": "nobody@example.org"})
    assert response["Location"] == reverse("password_reset_done")
    assert mail.outbox == []


def test_the_reset_form_cannot_flood_a_mailbox(client, guru):
    cache.clear()
    for _ in range(5):
        client.post(reverse("password_reset"), {"email": "guru@example.org"})
    assert len(mail.outbox) == 1


def test_the_reset_pages_and_mail_speak_indonesian(client, guru):
    cache.clear()
    client.cookies[settings.LANGUAGE_COOKIE_NAME] = "id"
    assert "Atur ulang kata sandi Anda" in client.get(reverse("password_reset")).content.decode()
    client.post(reverse("password_reset"), {"email": "guru@example.org"})
    assert mail.outbox[0].subject == "Hadir: atur ulang kata sandi Anda"
