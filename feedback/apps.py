from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class FeedbackConfig(AppConfig):
    """Answers about sittings and what the public writes to an organisation; depends on
    ``scheduling`` only. Domains register what it needs (``feedback.registry``)."""

    name = "feedback"
    verbose_name = _("Feedback")
