"""The e-mail a row becomes: headers, the plain/HTML alternatives and the iTIP calendar part.

The bytes of a message are fixed by its row (``notifications.delivery`` renders once and keeps
them); this module only puts them into MIME. ``message_id_for`` derives the Message-ID from the
row's idempotency key, so that a repeat after a dying worker is the same message to the recipient.
"""

import hashlib
from email.utils import formataddr

from django.conf import settings
from django.core.mail import EmailMultiAlternatives

from notifications.models import Message
from scheduling.text import has_control_characters


def message_id_for(key: str) -> str:
    domain = settings.DEFAULT_FROM_EMAIL.rsplit("@", 1)[-1].strip("> ") or "hadir.localhost"
    return f"<{hashlib.sha256(key.encode()).hexdigest()[:40]}@{domain}>"


class InviteEmail(EmailMultiAlternatives):
    """Writes ``method=X`` unquoted in the calendar part's Content-Type, as calendar clients expect."""

    def __init__(self, *args, method: str = "", **kwargs):
        super().__init__(*args, **kwargs)
        self.method = method
        self._built = None

    def message(self):
        """Built once: ``build_email`` builds it to see that every header is acceptable, the backend
        sends that same object."""
        if self._built is None:
            message = super().message()
            for part in message.walk():
                if part.get_content_type() == "text/calendar" and not part.get_filename():
                    # Written whole: ``set_param`` would re-serialise the charset Django set, quoted twice.
                    charset = part.get_content_charset() or "utf-8"
                    part.replace_header("Content-Type", f"text/calendar; method={self.method}; charset={charset}")
            self._built = message
        return self._built


def one_line(value: str) -> str:
    """``value`` for a header: each control character (CR, LF, NUL…) a space, runs of spaces one."""
    return " ".join("".join(" " if has_control_characters(char) else char for char in value).split())


def _reply_to(message: Message) -> list[str]:
    """A person who writes back reaches the organiser; the calendar's answer goes to the invite's
    ORGANIZER, Hadir's reply address (``scheduling.replies``)."""
    organizer = message.event.organizer if message.event_id else None
    if organizer is None or not organizer.email:
        return []
    return [formataddr((one_line(organizer.get_full_name() or organizer.get_username()), organizer.email))]


def build_email(message: Message) -> EmailMultiAlternatives:
    """multipart/mixed: [multipart/alternative: plain, HTML, text/calendar; method=X], invite.ics.

    Built whole here, so that whatever Django refuses (a header it cannot write) raises here, before
    anything goes on the wire."""
    email = InviteEmail(
        subject=one_line(message.subject),
        body=message.body_text,
        from_email=settings.DEFAULT_FROM_EMAIL,
        to=[formataddr((one_line(message.name), message.email))],
        headers={"Message-ID": message_id_for(message.idempotency_key), "Content-Language": message.language},
        reply_to=_reply_to(message),
        method=message.method,
    )
    email.attach_alternative(message.body_html, "text/html")
    if message.ics:
        email.attach_alternative(message.ics, f"text/calendar; method={message.method}")
        email.attach("invite.ics", message.ics.encode(), "application/ics")
    email.message()
    return email
