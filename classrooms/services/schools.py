"""Schools and their holidays."""

from __future__ import annotations

from collections.abc import Iterable
from datetime import date

from django.db import transaction
from django.utils.text import slugify
from django.utils.translation import gettext as _

from classrooms import policies, selectors
from classrooms.errors import ClassroomError
from classrooms.models import Holiday, School
from classrooms.services.common import _day, _text, _zone
from config.types import User
from scheduling import services as scheduling


def school_slug_for(name: str) -> str:
    """A free slug made from the name ("sma-negeri-1-hadir", then "-2", "-3"...)."""
    base = (slugify(name) or "school")[:70]
    slug, number = base, 1
    while School.objects.filter(slug=slug).exists():
        number += 1
        slug = f"{base}-{number}"
    return slug


def school_create(
    *, name: str, timezone: str, by: User | None, admins: Iterable[User] = (), holidays: Iterable[tuple[date, str]] = ()
) -> School:
    """A new school with its administrators (``admins``; none named: its founder ``by``).

    Staff found schools and name their administrators (``policies.may_found_school``), or any
    account when ``HADIR_SCHOOL_SELF_SERVICE`` is on; ``by`` None is the system (the demo)."""
    founders = list(admins) or ([by] if by is not None else [])
    policies.require_found_school(by, admins=founders)
    _zone(timezone)
    name = _text(name, field="name")
    if not name:
        raise ClassroomError({"name": _("The school needs a name.")})
    holidays = [(_day(day, field="date"), _text(holiday_name, field="name")) for day, holiday_name in holidays]
    with transaction.atomic():
        school = School.objects.create(name=name, slug=school_slug_for(name), timezone=timezone)
        school.admins.add(*founders)
        for day, holiday_name in holidays:
            Holiday.objects.create(school=school, date=day, name=holiday_name)
    return school


def school_update(*, school: School, by: User, name: str | None = None, timezone: str | None = None,
                  allow_recording: bool | None = None) -> School:
    policies.require_school_admin(by, school)
    if allow_recording is not None:
        school.allow_recording = bool(allow_recording)
    if timezone is not None:
        _zone(timezone)
        school.timezone = timezone
    if name is not None:
        name = _text(name, field="name")
        if not name:
            raise ClassroomError({"name": _("The school needs a name.")})
        school.name = name
    school.save(update_fields=["name", "timezone", "allow_recording"])
    return school


def holiday_add(*, school: School, day: date, name: str = "", by: User) -> Holiday:
    """Record a holiday and cancel every class meeting of the school that falls on it."""
    policies.require_school_admin(by, school)
    _day(day, field="date")
    name = _text(name, field="name")
    with transaction.atomic():
        if Holiday.objects.filter(school=school, date=day).exists():
            raise ClassroomError({"date": _("%(date)s is already a holiday.") % {"date": day.isoformat()}})
        holiday = Holiday.objects.create(school=school, date=day, name=name)
        for occurrence in selectors.school_occurrences_on(school=school, day=day):
            scheduling.occurrence_cancel(occurrence=occurrence, by=by)
    return holiday


def holiday_remove(*, holiday: Holiday, by: User) -> None:
    policies.require_school_admin(by, holiday.school)
    holiday.delete()
