from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class ClassroomsConfig(AppConfig):
    name = "classrooms"
    verbose_name = _("Classrooms")

    def ready(self):
        from classrooms import selectors
        from classrooms.policies import CLASS_ROOM_POLICY
        from classrooms.services import EVENT_KIND
        from config.navigation import register_nav
        from rooms.policies import register_policy

        register_policy(EVENT_KIND, CLASS_ROOM_POLICY)
        register_nav(_("Classes"), "classrooms:dashboard", order=20)
        register_nav(
            _("My classes"),
            "classrooms:mine",
            order=21,
            visible=lambda user: selectors.student_enrollments(user).exists(),
        )
