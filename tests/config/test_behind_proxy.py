"""Behind a TLS proxy (issue 14). Before: every form POST through nginx was refused with 403
"Origin checking failed - https://… does not match any trusted origins": nothing told Django the
request came over HTTPS, and CSRF_TRUSTED_ORIGINS was not the site's own origin.

``HADIR_BEHIND_PROXY=1`` believes the proxy's X-Forwarded-Proto and X-Forwarded-For; off, nobody's
headers are believed. tests/e2e/test_behind_nginx.py runs the whole path through Debian's nginx.
"""

import subprocess
import sys

import pytest
from axes.models import AccessAttempt
from django.contrib.auth.models import User
from django.test import Client, RequestFactory
from django.urls import reverse

from config.proxy import request_address, scope_address, scope_is_secure
from tests.config.test_security_headers import ROOT, production_env
from tests.config.test_security_origin import opens

SITE = "https://hadir.example"
PASSWORD = "a-long-password-1"


def setting(name: str, **env) -> str:
    code = f"from django.conf import settings as s; print(repr(getattr(s, {name!r}, None)))"
    result = subprocess.run([sys.executable, "-c", f"import django; django.setup(); {code}"], cwd=ROOT,
                            env=production_env(**env), capture_output=True, text=True, timeout=60)
    assert result.returncode == 0, result.stderr
    return result.stdout.strip()


def test_the_site_origin_is_trusted_for_forms_and_others_may_be_added():
    assert setting("CSRF_TRUSTED_ORIGINS", HADIR_BASE_URL="https://Hadir.Example:443/") == "['https://hadir.example']"
    added = setting("CSRF_TRUSTED_ORIGINS", HADIR_BASE_URL="https://hadir.example:8443",
                    CSRF_TRUSTED_ORIGINS="https://admin.hadir.example")
    assert added == "['https://hadir.example:8443', 'https://admin.hadir.example']"


def test_the_proxy_header_is_believed_only_behind_a_proxy():
    assert setting("SECURE_PROXY_SSL_HEADER") == "None"
    assert setting("SECURE_PROXY_SSL_HEADER", HADIR_BEHIND_PROXY="1") == "('HTTP_X_FORWARDED_PROTO', 'https')"


@pytest.mark.parametrize(("env", "secure"), [
    ({"DEBUG": "1", "HADIR_BASE_URL": "http://127.0.0.1:8000"}, "False"),
    ({"DEBUG": "1", "HADIR_BASE_URL": SITE}, "True"),  # an https site, even in development
    ({"HADIR_BASE_URL": "http://hadir.example"}, "True"),  # DEBUG off: secure unless turned off
    ({"HADIR_BASE_URL": "http://hadir.example", "SECURE_COOKIES": "0"}, "False"),
])
def test_cookies_are_secure_on_an_https_site(env, secure):
    assert setting("SESSION_COOKIE_SECURE", **env) == secure
    assert setting("CSRF_COOKIE_SECURE", **env) == secure


@pytest.fixture
def behind_proxy(settings):
    settings.HADIR_BASE_URL = SITE
    settings.CSRF_TRUSTED_ORIGINS = [SITE]
    settings.ALLOWED_HOSTS = ["hadir.example"]
    settings.HADIR_BEHIND_PROXY = True
    settings.SECURE_PROXY_SSL_HEADER = ("HTTP_X_FORWARDED_PROTO", "https")
    return settings


def as_nginx_sends(**headers) -> dict:
    return {"HTTP_HOST": "hadir.example", "REMOTE_ADDR": "127.0.0.1", "HTTP_X_FORWARDED_PROTO": "https",
            "HTTP_X_FORWARDED_FOR": "198.51.100.20", **headers}


@pytest.mark.django_db
def test_a_form_post_through_the_proxy_passes_the_csrf_checks(behind_proxy):
    User.objects.create_user("guru", password=PASSWORD)
    browser = Client(enforce_csrf_checks=True)
    page = browser.get(reverse("login"), **as_nginx_sends())
    assert page.wsgi_request.is_secure()
    token = page.cookies["csrftoken"]
    assert token["secure"] or not behind_proxy.CSRF_COOKIE_SECURE
    form = {"username": "guru", "password": PASSWORD, "csrfmiddlewaretoken": token.value}
    answer = browser.post(reverse("login"), form, **as_nginx_sends(
        HTTP_ORIGIN=SITE, HTTP_REFERER=f"{SITE}/accounts/login/"))
    assert answer.status_code == 302, answer.content[:300]

    elsewhere = Client(enforce_csrf_checks=True)
    elsewhere.get(reverse("login"), **as_nginx_sends())
    refused = elsewhere.post(reverse("login"), form, **as_nginx_sends(HTTP_ORIGIN="https://evil.example"))
    assert refused.status_code == 403


def test_the_client_address_is_the_proxys_last_entry_only_behind_a_proxy(settings):
    factory = RequestFactory()
    forged = factory.get("/", REMOTE_ADDR="127.0.0.1", HTTP_X_FORWARDED_FOR="10.0.0.1, 198.51.100.20")
    scope = {"client": ("127.0.0.1", 5000), "scheme": "ws",
             "headers": [(b"x-forwarded-for", b"10.0.0.1, 198.51.100.20"), (b"x-forwarded-proto", b"https")]}
    settings.HADIR_BEHIND_PROXY = False
    assert request_address(forged) == scope_address(scope) == "127.0.0.1"
    assert not scope_is_secure(scope)
    settings.HADIR_BEHIND_PROXY = True
    # A client may send its own X-Forwarded-For; the proxy's entry is the last one.
    assert request_address(forged) == scope_address(scope) == "198.51.100.20"
    assert scope_is_secure(scope)
    assert request_address(factory.get("/", REMOTE_ADDR="127.0.0.1")) == "127.0.0.1"


@pytest.mark.django_db
def test_behind_a_proxy_the_log_in_throttle_counts_each_forwarded_address(behind_proxy):
    User.objects.create_user("guru", password=PASSWORD)
    limit = behind_proxy.AXES_FAILURE_LIMIT
    client = Client()
    for number in range(limit):
        client.post(reverse("login"), {"username": f"someone-{number}", "password": "guess"},
                    **as_nginx_sends(HTTP_X_FORWARDED_FOR="203.0.113.9"))
    assert AccessAttempt.objects.filter(ip_address="203.0.113.9").exists()
    assert not AccessAttempt.objects.filter(ip_address="127.0.0.1").exists()
    good = {"username": "guru", "password": PASSWORD}
    assert client.post(reverse("login"), good, **as_nginx_sends(HTTP_X_FORWARDED_FOR="203.0.113.9")).status_code == 429
    # Everyone else reaches Hadir from the proxy's address too, and is not locked out with them.
    assert Client().post(reverse("login"), good, **as_nginx_sends()).status_code == 302


async def test_behind_a_proxy_a_socket_from_the_sites_own_pages_over_https_opens(settings):
    settings.HADIR_BASE_URL = "http://127.0.0.1:8000"
    settings.CSRF_TRUSTED_ORIGINS = []
    settings.ALLOWED_HOSTS = ["hadir.example"]
    proxied = {"host": "hadir.example", "headers": [(b"x-forwarded-proto", b"https")]}
    settings.HADIR_BEHIND_PROXY = False
    assert not await opens(SITE, **proxied)  # the header is anyone's to write
    settings.HADIR_BEHIND_PROXY = True
    assert await opens(SITE, **proxied)
    assert not await opens("http://hadir.example", **proxied)
