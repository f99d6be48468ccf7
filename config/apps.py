from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class HadirConfig(AppConfig):
    """Project-wide pieces: health, home page, demo data, start-up checks."""

    name = "config"
    label = "hadir"
    verbose_name = _("Hadir")

    def ready(self):
        from config import wiring

        wiring.connect()
