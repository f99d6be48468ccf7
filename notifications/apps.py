from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class NotificationsConfig(AppConfig):
    name = "notifications"
    verbose_name = _("Notifications")

    def ready(self):
        from config.attention import register_attention
        from config.navigation import register_nav
        from notifications import receivers  # noqa: F401 - connects the scheduling signals
        from notifications.attention import undelivered
        from notifications.limits import messages_caused_by
        from scheduling.limits import register_message_counter

        register_message_counter(messages_caused_by)
        register_attention("notifications", undelivered)
        register_nav(_("Notifications"), "notifications:inbox", order=80)
