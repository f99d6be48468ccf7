from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class SchedulingConfig(AppConfig):
    name = "scheduling"
    verbose_name = _("Scheduling")

    def ready(self):
        from config.navigation import register_nav

        register_nav(_("My schedule"), "scheduling:schedule", order=10)
