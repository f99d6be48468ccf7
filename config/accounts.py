"""Accounts: log-in throttling (django-axes) and password reset by e-mail (Django's own views).

A log-in is refused for ``HADIR_LOGIN_LOCKOUT_MINUTES`` after ``HADIR_LOGIN_FAILURE_LIMIT``
failures for one account, or from one client address; staff unlock earlier by deleting the
access attempts in the admin or with ``manage.py axes_reset_username <name>`` /
``axes_reset_ip <address>``.
"""

from axes.backends import AxesStandaloneBackend
from django.conf import settings
from django.contrib.auth import views as auth_views
from django.contrib.auth.forms import PasswordResetForm
from django.core.cache import cache
from django.shortcuts import render


class LoginThrottleBackend(AxesStandaloneBackend):
    """Axes' lockout check for every log-in that comes with a request (the log-in form, the admin).

    A call without a request comes from code, never from a client (the test client's ``login``,
    a shell): Axes would refuse it outright, so it is left to the next backend.
    """

    def authenticate(self, request, username=None, password=None, **kwargs):
        if request is None:
            return None
        return super().authenticate(request, username=username, password=password, **kwargs)


def lockout_response(request, original_response=None, credentials=None):
    minutes = round(settings.AXES_COOLOFF_TIME.total_seconds() / 60)
    return render(request, "registration/lockout.html", {"minutes": minutes}, status=429)


class ThrottledPasswordResetForm(PasswordResetForm):
    """At most one reset e-mail per account per ``HADIR_PASSWORD_RESET_MINUTES``: the form cannot
    be used to flood someone's mailbox. The page says the same whether or not a mail went out."""

    def get_users(self, email):
        seconds = settings.HADIR_PASSWORD_RESET_MINUTES * 60
        for user in super().get_users(email):
            # The password hash is in the key: once the password changes, a new reset may be asked for.
            if cache.add(f"hadir:password-reset:{user.pk}:{user.password}", True, timeout=seconds):
                yield user


class PasswordResetView(auth_views.PasswordResetView):
    """Django's view; the link in the e-mail starts with HADIR_BASE_URL, never with the Host
    header of whoever asked for the reset."""

    form_class = ThrottledPasswordResetForm

    @property
    def extra_email_context(self):
        return {"base_url": settings.HADIR_BASE_URL}
