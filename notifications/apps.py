from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class NotificationsConfig(AppConfig):
    name = "notifications"
    verbose_name = _("Notifications")

    def ready(self):
        from config.navigation import register_nav
        from notifications import receivers  # noqa: F401 - connects the scheduling signals

        register_nav(_("Notifications"), "notifications:inbox", order=80)
