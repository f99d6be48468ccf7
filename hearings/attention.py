"""For the home page (``config.attention``): the clerk's coming hearings that no judge with an
account presides (scheduled before judges had accounts, or the seat's account was removed)."""

from django.db.models import Exists, OuterRef
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _

from config.attention import Attention
from hearings.models import FINAL_STATUSES, Hearing, HearingParticipant, Role
from hearings.selectors import clerk_courts


def without_judge(user) -> list[Attention]:
    courts = clerk_courts(user)
    if not courts.exists():
        return []
    judged = HearingParticipant.objects.filter(
        hearing=OuterRef("pk"), role=Role.PRESIDING_JUDGE, attendee__user__isnull=False,
        attendee__removed_at__isnull=True,
    )
    hearings = (
        Hearing.objects.filter(case__court__in=courts, occurrence__end__gte=timezone.now())
        .exclude(status__in=FINAL_STATUSES).exclude(Exists(judged))
        .select_related("case").order_by("occurrence__start")[:20]
    )
    return [
        Attention(
            text=_("Hearing %(number)s (%(agenda)s) has no presiding judge with an account.")
            % {"number": hearing.case.number, "agenda": hearing.agenda},
            url=reverse("hearings:hearing", args=[hearing.pk]),
            action=_("Open the hearing"),
        )
        for hearing in hearings
    ]
