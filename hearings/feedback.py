"""What ``feedback`` asks of a court (registered in ``HearingsConfig.ready``): parties, counsel,
witnesses and observers are asked about a hearing that concluded or was adjourned; the court's
staff read the answers and triage what the public writes to the court, where no closed case is
ever named."""

from __future__ import annotations

from django.utils.translation import gettext_lazy as _

from feedback.registry import OrganisationKind, SittingPolicy
from hearings.models import BENCH_ROLES, MODERATOR_ROLES, Case, Court, Hearing, Status
from hearings.policies import is_court_staff
from scheduling.models import Event


class HearingSittingPolicy(SittingPolicy):
    def is_asked(self, attendee) -> bool:
        return attendee.role not in (*BENCH_ROLES, *MODERATOR_ROLES)

    def may_read(self, user, event) -> bool:
        hearing = Hearing.objects.select_related("case__court").filter(event_id=event.pk).first()
        return hearing is not None and is_court_staff(user, hearing.case.court)

    def asks_on(self, status: str) -> bool:
        return status in (Status.CONCLUDED, Status.ADJOURNED)


class CourtKind(OrganisationKind):
    key = "court"
    url_prefix = "courts"
    label = _("court")

    def lookup(self, slug: str) -> Court | None:
        return Court.objects.filter(slug=slug).first()

    def by_key(self, key: str) -> Court | None:
        return Court.objects.filter(pk=int(key)).first() if key.isdigit() else None

    def is_staff(self, user, court) -> bool:
        return is_court_staff(user, court)

    def events(self, court):
        return Event.objects.filter(hearing__case__court=court)

    def hidden_numbers(self, court) -> set[str]:
        return set(Case.objects.filter(court=court, hearings__is_public=False).values_list("number", flat=True))
