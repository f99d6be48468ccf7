"""``manage.py mail_ingest FILE…``: apply the calendar replies in saved RFC 822 messages
(``-`` reads one from stdin)."""

import sys
from pathlib import Path

from django.core.management.base import BaseCommand, CommandError

from notifications.inbound import message_ingest


class Command(BaseCommand):
    help = "Apply the iTIP REPLY messages (calendar answers) in RFC 822 files; '-' reads one from stdin."

    def add_arguments(self, parser):
        parser.add_argument("files", nargs="+", help="RFC 822 message files, or - for stdin")
        parser.add_argument("--recipient", action="append", default=[],
                            help="the envelope recipient, when the message's headers do not name it")

    def handle(self, *args, files, recipient, **options):
        applied = refused = 0
        for name in files:
            try:
                raw = sys.stdin.buffer.read() if name == "-" else Path(name).read_bytes()
            except OSError as exc:
                raise CommandError(f"{name}: {exc.strerror}") from exc
            outcome = message_ingest(raw=raw, recipients=recipient)
            for result in outcome.results:
                if result.applied:
                    applied += 1
                    self.stdout.write(f"{name}: {result.rsvp} recorded for attendee {result.attendee_id}"
                                      + (f" (sitting {result.occurrence_id})" if result.occurrence_id else ""))
                else:
                    refused += 1
                    self.stdout.write(f"{name}: refused: {result.reason}")
            if not outcome.results:
                refused += 1
                self.stdout.write(f"{name}: refused: no calendar reply in it")
        self.stdout.write(f"{applied} applied, {refused} refused")
