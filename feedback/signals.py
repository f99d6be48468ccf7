"""What feedback announces, so that the project's wiring (``config.wiring``) mails it without
``feedback`` importing the outbox.

Sent inside the service's transaction, after the change is written (as ``scheduling.signals``).

- author_reply(submission, subject: str, text: str, language: str, key: str)
      # the organisation answered or rejected a submission whose author left an address: mail
      # them ``subject``/``text`` (already in their language) once, under ``key``.
"""

from django.dispatch import Signal

author_reply = Signal()
