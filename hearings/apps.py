from datetime import timedelta

from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class HearingsConfig(AppConfig):
    name = "hearings"
    verbose_name = _("Hearings")

    def ready(self):
        from django.urls import reverse

        from config.attention import register_attention
        from config.navigation import register_nav
        from feedback.registry import register_organisation, register_sitting_policy
        from hearings import ical, receivers, selectors
        from hearings.attention import without_judge
        from hearings.feedback import CourtKind, HearingSittingPolicy
        from hearings.policies import HearingRoomPolicy, is_any_court_staff, may_manage_links
        from hearings.recording import recording_changed
        from media.signals import recording_changed as media_recording_changed
        from notifications.registry import register_notice_period
        from rooms.policies import register_policy
        from rooms.signals import room_status_changed
        from scheduling.guidance import register_invite_guidance, register_sitting_state
        from scheduling.languages import register_event_language
        from scheduling.policies import register_domain_page, register_link_manager, register_organiser_check

        register_policy("hearing", HearingRoomPolicy())
        register_event_language("hearing", selectors.court_language_for_event)
        register_invite_guidance("hearing", ical.invite_guidance)
        register_sitting_state("hearing", ical.sitting_state)
        room_status_changed.connect(receivers.room_status_changed, dispatch_uid="hearings-room-status-changed")
        media_recording_changed.connect(recording_changed, dispatch_uid="hearings-recording-changed")
        register_link_manager("hearing", may_manage_links)
        register_sitting_policy("hearing", HearingSittingPolicy())
        register_organisation(CourtKind())
        # Court staff invite anyone; a hearing changes on its own page, through its status machine.
        register_organiser_check(is_any_court_staff)
        register_domain_page("hearing", lambda event: reverse("hearings:hearing", args=[event.hearing.pk]))
        # A summons is valid only with three days' notice.
        register_notice_period("hearing", timedelta(days=3), label=_("summons"))
        # Menus show what a person uses: hearings to court staff and to those who take part in one.
        register_nav(_("Hearings"), "hearings:index", order=40,
                     visible=lambda user: is_any_court_staff(user) or selectors.hearings_visible_to(user).exists())
        register_nav(_("Court cases"), "hearings:cases", visible=is_any_court_staff, order=41)
        register_attention("hearings", without_judge)
