"""``manage.py mail_listen --port N``: an SMTP (or ``--lmtp``) listener for calendar replies.

The deployment's mail server forwards ``HADIR_REPLY_DOMAIN`` here (a transport map to
``smtp:[127.0.0.1]:N`` or ``lmtp:…``). Only reply addresses are accepted (550 for any other
recipient), so the listener is no relay; every accepted message is applied by
``notifications.inbound.message_ingest`` and answered 250 whatever it contained (a refused reply is
logged, never bounced: a bounce would tell a forger which addresses exist).
"""

import asyncio
import logging
import signal

from aiosmtpd.controller import Controller
from aiosmtpd.lmtp import LMTP
from asgiref.sync import sync_to_async
from django.core.management.base import BaseCommand

from notifications.inbound import MAX_BYTES, message_ingest
from scheduling.replies import is_reply_address

logger = logging.getLogger(__name__)


class ReplyHandler:
    async def handle_RCPT(self, server, session, envelope, address, rcpt_options):
        if not is_reply_address(address):
            return "550 5.1.1 Not a calendar reply address"
        envelope.rcpt_tos.append(address)
        return "250 OK"

    async def handle_DATA(self, server, session, envelope):
        try:
            outcome = await sync_to_async(message_ingest, thread_sensitive=False)(
                raw=envelope.original_content or envelope.content, recipients=list(envelope.rcpt_tos)
            )
        except Exception:
            logger.exception("calendar reply from %s could not be processed", envelope.mail_from)
            return "451 4.3.0 Try again later"
        logger.info("calendar reply %s: %d applied of %d", outcome.message_id, outcome.applied, len(outcome.results))
        if isinstance(server, LMTP):
            return "\r\n".join("250 2.0.0 OK" for _ in envelope.rcpt_tos)
        return "250 2.0.0 OK"


class LmtpController(Controller):
    def factory(self):
        return LMTP(self.handler, **self.SMTP_kwargs)


class Command(BaseCommand):
    help = "Listen for calendar replies by SMTP (or LMTP) and apply them."

    def add_arguments(self, parser):
        parser.add_argument("--host", default="127.0.0.1")
        parser.add_argument("--port", type=int, default=8025)
        parser.add_argument("--lmtp", action="store_true", help="speak LMTP instead of SMTP")

    def handle(self, *args, host, port, lmtp, **options):
        kind = LmtpController if lmtp else Controller
        controller = kind(ReplyHandler(), hostname=host, port=port, data_size_limit=MAX_BYTES)
        controller.start()
        self.stdout.write(f"listening for calendar replies ({'LMTP' if lmtp else 'SMTP'}) on {host}:{port}")
        self.stdout.flush()
        loop = asyncio.new_event_loop()
        stop = asyncio.Event()
        for signum in (signal.SIGINT, signal.SIGTERM):
            loop.add_signal_handler(signum, stop.set)
        try:
            loop.run_until_complete(stop.wait())
        finally:
            controller.stop()
            loop.close()
