from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class ClassroomsConfig(AppConfig):
    name = "classrooms"
    verbose_name = _("Classrooms")

    def ready(self):
        from django.urls import reverse

        from classrooms import receivers, selectors
        from classrooms.feedback import ClassSittingPolicy, SchoolKind
        from classrooms.policies import CLASS_ROOM_POLICY, may_found_school, may_manage_links
        from classrooms.services import EVENT_KIND
        from config.navigation import register_nav
        from feedback.registry import register_organisation, register_sitting_policy
        from rooms.policies import register_policy
        from rooms.signals import room_status_changed
        from scheduling.guidance import register_invite_guidance
        from scheduling.languages import register_event_language
        from scheduling.policies import register_domain_page, register_link_manager, register_organiser_check

        register_policy(EVENT_KIND, CLASS_ROOM_POLICY)
        register_event_language(EVENT_KIND, selectors.school_language_for_event)
        register_invite_guidance(EVENT_KIND, selectors.invite_guidance)
        room_status_changed.connect(receivers.room_status_changed, dispatch_uid="classrooms-room-status-changed")
        register_link_manager(EVENT_KIND, may_manage_links)
        register_sitting_policy(EVENT_KIND, ClassSittingPolicy())
        register_organisation(SchoolKind())
        # Teachers and school administrators invite anyone; a meeting changes on its class's page.
        register_organiser_check(lambda user: selectors.schools_for_user(user).exists())
        register_domain_page(
            EVENT_KIND, lambda event: reverse("classrooms:detail", args=[event.class_event.classroom_id])
        )
        # Classes to those who teach or run a school (or may found one); students get "My classes".
        register_nav(_("Classes"), "classrooms:dashboard", order=20,
                     visible=lambda user: may_found_school(user) or selectors.schools_for_user(user).exists())
        register_nav(
            _("My classes"),
            "classrooms:mine",
            order=21,
            visible=lambda user: selectors.student_enrollments(user).exists(),
        )
