from datetime import timedelta

from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class HearingsConfig(AppConfig):
    name = "hearings"
    verbose_name = _("Hearings")

    def ready(self):
        from config.navigation import register_nav
        from hearings.policies import HearingRoomPolicy, is_any_court_staff
        from notifications.registry import register_notice_period
        from rooms.policies import register_policy

        register_policy("hearing", HearingRoomPolicy())
        # A summons is valid only with three days' notice.
        register_notice_period("hearing", timedelta(days=3), label=_("summons"))
        register_nav(_("Hearings"), "hearings:index", order=40)
        register_nav(_("Court cases"), "hearings:cases", visible=is_any_court_staff, order=41)
