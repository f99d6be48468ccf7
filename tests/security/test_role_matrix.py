"""The role matrix: every URL of the project, every method it accepts, every role that matters.

One row per route and method: what it is, how to call it, who succeeds and what everyone else
gets. Each role (see ``tests.security.world``) walks the whole table in one world, in the table's
order, and a call that is refused must change nothing. Two more tests keep the table whole: every
URL pattern of the resolver and every WebSocket route has a row (here, or in ``test_ws_matrix``),
and a method that no row names is refused with 405.

Outcomes: ``OK`` is a success (a page: 200, or a redirect that is not to the login page; a form's
POST: a redirect with no error message; an API call: 2xx); ``LOGIN`` is the login page;
``ADMIN_LOGIN`` the admin's; ``DENIED`` the API's 401/403 for a caller without an account; a
number is that status exactly, a tuple any of them.
"""

from __future__ import annotations

import functools
from dataclasses import dataclass
from datetime import timedelta
from typing import Any

import pytest
from django.contrib import admin
from django.contrib.messages import constants as message_levels
from django.core.cache import caches
from django.core.files.uploadedfile import SimpleUploadedFile
from django.test import Client
from django.urls import URLPattern, URLResolver, get_resolver, resolve, reverse
from django.utils import timezone

from classrooms.models import Classroom, Enrollment, Holiday, School
from config.routing import websocket_urlpatterns
from feedback.models import SessionFeedback, Submission
from hearings.models import Case, Hearing, HearingParticipant
from notifications.models import Message
from scheduling.models import Attendee, CalendarFeed, Event, Occurrence
from tests.security.test_ws_matrix import WS_ROUTES
from tests.security.world import PASSWORD, ROLES, SIGNED_IN, SIGNED_OUT, World, build_world

OK, LOGIN, DENIED, ADMIN_LOGIN = "ok", "login", "denied", "admin login"

EVERYONE = set(ROLES)
SIGNED = set(SIGNED_IN)
TEACHER = {"teacher"}
CLERK = {"clerk"}


@dataclass(frozen=True)
class Row:
    label: str
    method: str
    url: str  # a format string over the world: "/classrooms/{classroom.pk}/"
    data: Any  # a dict, a function of the world, or "csv" (a roster file)
    expect: dict[str, Any]  # role -> outcome

    def path(self, world: World) -> str:
        return self.url.format_map(_Attributes(world))

    def body(self, world: World):
        return self.data(world) if callable(self.data) else self.data


class _Attributes(dict):
    def __init__(self, world):
        super().__init__()
        self.world = world

    def __missing__(self, key):
        return getattr(self.world, key)


def _row(label, method, url, data, ok, others, signed_out, special) -> Row:
    expect = {}
    for role in ROLES:
        if role in special:
            expect[role] = special[role]
        elif role in ok:
            expect[role] = OK
        else:
            expect[role] = signed_out if role in SIGNED_OUT else others
    return Row(label, method, url, data, expect)


def page(label, method, url, data=None, *, ok=(), others=404, signed_out=LOGIN, **special) -> Row:
    """A page, a form or a link: ``ok`` succeed, other accounts get ``others``, visitors without
    an account ``signed_out`` (the login page unless said otherwise); ``special`` per role."""
    return _row(label, method, url, data, ok, others, signed_out, special)


def api(label, method, url, data=None, *, ok=(), others=404, signed_out=DENIED, **special) -> Row:
    """An API call: the same, and a caller without an account gets 401/403."""
    return _row(label, method, url, data, ok, others, signed_out, special)


def in_days(days: float, hour: int) -> str:
    moment = (timezone.localtime() + timedelta(days=days)).replace(hour=hour, minute=0, second=0, microsecond=0)
    return moment.strftime("%Y-%m-%dT%H:%M")


def iso_in(days: float, hours: float = 0) -> str:
    return (timezone.now() + timedelta(days=days, hours=hours)).replace(microsecond=0).isoformat()


def code(w) -> dict:
    return {"code": w.enrolment_code}


# ---------------------------------------------------------------------------------------------
# The table. A row that changes the world comes after the rows that read what it changes; the
# self-enrolments and the logout come last.

# Site-wide: pages, sign-in and password reset, language and time zone, health, the API's schema.
SITE = [
    page("home", "get", "/", ok=EVERYONE),
    page("health", "get", "/healthz", ok=EVERYONE),
    # The operator's: a Bearer token or an allowed network (none configured here), never a role.
    page("health details", "get", "/healthz/details", others=403, signed_out=403),
    page("metrics", "get", "/metrics", others=403, signed_out=403),
    page("favicon", "get", "/favicon.ico", ok=EVERYONE),
    page("language (link)", "get", "/i18n/setlang/?next=/", ok=EVERYONE),
    page("language", "post", "/i18n/setlang/", {"language": "id", "next": "/"}, ok=EVERYONE),
    page("profile page", "get", "/profile/", ok=SIGNED),
    page("device check", "get", "/check/?next=/", ok=EVERYONE),
    page("profile save", "post", "/profile/", {"timezone": "Asia/Makassar", "language": "en"}, ok=SIGNED),
    page("time zone", "post", "/timezone/", {"timezone": "Asia/Makassar", "next": "/"}, ok=EVERYONE),
    page("time zone by GET", "get", "/timezone/", others=405, signed_out=405),
    page("login page", "get", "/accounts/login/", ok=EVERYONE),
    page("login, wrong password", "post", "/accounts/login/", {"username": "nobody", "password": "wrong"},
         others=200, signed_out=200),
    page("logout by GET", "get", "/accounts/logout/", others=405, signed_out=405),
    page("password reset page", "get", "/accounts/password-reset/", ok=EVERYONE),
    page("password reset", "post", "/accounts/password-reset/", {"email": "teacher@example.org"}, ok=EVERYONE),
    page("password reset asked", "get", "/accounts/password-reset/sent/", ok=EVERYONE),
    page("password reset link, not valid", "get", "/accounts/reset/MQ/not-a-token/", ok=EVERYONE),
    page("password reset link, not valid (POST)", "post", "/accounts/reset/MQ/not-a-token/",
         {"new_password1": "x-new-password-1", "new_password2": "x-new-password-1"}, others=200, signed_out=200),
    page("password reset done", "get", "/accounts/reset/done/", ok=EVERYONE),
    api("API schema", "get", "/api/schema/", ok=EVERYONE),
    api("API docs", "get", "/api/docs/", ok=EVERYONE),
]

# scheduling: the calendar feed and the RSVP link (the token is the key), my schedule, people's
# links, the generic events API. Events of a domain (class meetings, hearings) change only through
# their domain's pages and API: the generic API refuses even their organiser.
SCHEDULING = [
    page("calendar feed", "get", "{teacher_feed}", ok=EVERYONE),
    page("calendar feed, unknown", "get", "/calendar/not-a-token.ics", others=404, signed_out=404),
    page("rsvp page", "get", "/rsvp/{plain_guest_link}/", ok=EVERYONE),
    page("rsvp answer", "post", "/rsvp/{plain_guest_link}/", {"answer": "ACCEPTED"}, ok=EVERYONE),
    page("rsvp by PUT", "put", "/rsvp/{plain_guest_link}/", others=405, signed_out=405),
    page("rsvp, unknown", "get", "/rsvp/not-a-token/", others=404, signed_out=404),
    page("my schedule", "get", "/schedule/", ok=SIGNED),
    page("my schedule by POST", "post", "/schedule/", {}, others=405),
    page("answer my invitation", "post", "/schedule/answer/{student_plain_seat.pk}/", {"answer": "ACCEPTED"},
         ok={"student"}),
    api("my sittings", "get", "/api/me/occurrences/", ok=SIGNED),
    api("my events", "get", "/api/events/", ok=SIGNED),
    api("new event", "post", "/api/events/",
        {"title": "Belajar", "start": iso_in(20), "duration_minutes": 60, "timezone": "Asia/Jakarta"}, ok=SIGNED),
    # People's links: the organiser (for a class or a hearing, also its staff) sends one again,
    # replaces it or withdraws it. An attendee of the event gets 403, anyone else 403 or 404.
    page("people of an own event", "get", "/schedule/events/{plain.pk}/people/", ok=TEACHER),
    page("people of a class meeting", "get", "/schedule/events/{upcoming.event_id}/people/", ok=TEACHER),
    page("people of a hearing", "get", "/schedule/events/{public.event_id}/people/", ok=CLERK),
    *[
        kind(f"{what}: {action} a link", "post", url.format(action=action), {},
             ok=managers, others=(403, 404), **{attendee: 403})
        for kind, url, what, managers, attendee in [
            (page, "/schedule/people/{{link_guests[0].pk}}/link/{action}/", "own event", TEACHER, "student"),
            (page, "/schedule/people/{{guest_seat.pk}}/link/{action}/", "class meeting", TEACHER, "student"),
            (page, "/schedule/people/{{witness_seat.pk}}/link/{action}/", "hearing", CLERK, "party"),
            (api, "/api/attendees/{{link_guests[1].pk}}/link/{action}/", "own event (API)", TEACHER, "student"),
            (api, "/api/attendees/{{guest2_seat.pk}}/link/{action}/", "class meeting (API)", TEACHER, "student"),
            (api, "/api/attendees/{{expert_seat.pk}}/link/{action}/", "hearing (API)", CLERK, "party"),
        ]
        for action in ("resend", "rotate", "revoke")
    ],
    page("a link: no such action", "post", "/schedule/people/{plain_guest.pk}/link/explode/", {}, others=404),
    # A class meeting's event: its teacher and students see it; nobody changes it here.
    api("class event", "get", "/api/events/{upcoming.event_id}/", ok={"teacher", "student"}),
    api("class event: change", "patch", "/api/events/{upcoming.event_id}/", {"title": "Diubah"},
        teacher=403, student=403),
    api("class event: invite", "post", "/api/events/{upcoming.event_id}/attendees/",
        {"name": "Penyusup", "email": "penyusup@example.org"}, teacher=403, student=403),
    api("class event: uninvite", "delete", "/api/attendees/{guest_seat.pk}/", teacher=403, student=403),
    api("class event: move a sitting", "post", "/api/occurrences/{upcoming.pk}/move/",
        {"start": iso_in(8), "allow_conflicts": True}, teacher=403, student=403),
    api("class event: cancel a sitting", "post", "/api/occurrences/{upcoming.pk}/cancel/", {},
        teacher=403, student=403),
    api("class event: cancel", "post", "/api/events/{upcoming.event_id}/cancel/", {}, teacher=403, student=403),
    # A hearing's event: the same for its clerk.
    api("hearing event", "get", "/api/events/{public.event_id}/", ok={"clerk", "party"}),
    api("hearing event: change", "patch", "/api/events/{public.event_id}/", {"title": "Diubah"},
        clerk=403, party=403),
    api("hearing event: invite", "post", "/api/events/{public.event_id}/attendees/",
        {"name": "Penyusup", "email": "penyusup@example.org"}, clerk=403, party=403),
    api("hearing event: uninvite", "delete", "/api/attendees/{witness_seat.pk}/", clerk=403, party=403),
    api("hearing event: move", "post", "/api/occurrences/{public.occurrence_id}/move/",
        {"start": iso_in(9), "allow_conflicts": True}, clerk=403, party=403),
    api("hearing event: cancel a sitting", "post", "/api/occurrences/{public.occurrence_id}/cancel/", {},
        clerk=403, party=403),
    api("hearing event: cancel", "post", "/api/events/{public.event_id}/cancel/", {}, clerk=403, party=403),
    # The teacher's own event: theirs to change; the invited student sees it and may not.
    api("own event", "get", "/api/events/{plain.pk}/", ok={"teacher", "student"}),
    api("own event: change", "patch", "/api/events/{plain.pk}/", {"title": "Rapat orang tua"},
        ok=TEACHER, student=403),
    api("own event: invite", "post", "/api/events/{plain.pk}/attendees/",
        {"name": "Wali", "email": "wali@example.org"}, ok=TEACHER, student=403),
    api("own event: uninvite", "delete", "/api/attendees/{plain_guest.pk}/", ok=TEACHER, student=403),
    api("own event: move a sitting", "post", "/api/occurrences/{plain_sittings[0].pk}/move/",
        {"start": iso_in(5, 3), "allow_conflicts": True}, ok=TEACHER, student=403),
    api("own event: cancel a sitting", "post", "/api/occurrences/{plain_sittings[1].pk}/cancel/", {},
        ok=TEACHER, student=403),
    api("own event: cancel", "post", "/api/events/{plain.pk}/cancel/", {}, ok=TEACHER, student=403),
    page("replace my calendar link", "post", "/schedule/feed/rotate/", {}, ok=SIGNED),
]

# rooms: the room page (only for an attendee of that sitting), then the join link: a bearer key,
# whoever holds it enters as that attendee; a moderator's seat only with its own account.
ROOMS = [
    page("class room", "get", "/rooms/{upcoming.pk}/", ok={"teacher", "student"}, others=403, signed_out=403),
    page("public hearing room", "get", "/rooms/{public.occurrence_id}/", ok={"clerk", "party", "observer"},
         others=403, signed_out=403),
    page("closed hearing room", "get", "/rooms/{closed.occurrence_id}/", ok={"clerk", "link_only"},
         others=403, signed_out=403),
    # Following a link makes this browser that attendee: after the rooms above.
    page("join: a student's link", "get", "{student_seat.join_path}", ok=EVERYONE),
    page("join: a defendant's link", "get", "{closed_party_seat.join_path}", ok=EVERYONE),
    page("join: the teacher's link", "get", "{teacher_seat.join_path}", ok=TEACHER, others=LOGIN),
    page("join: the clerk's link", "get", "{clerk_seat.join_path}", ok=CLERK, others=LOGIN),
    page("join: unknown link", "get", "/join/not-a-token/", others=404, signed_out=404),
    page("join: a withdrawn link", "get", "{withdrawn.join_path}", others=410, signed_out=410),
    page("rsvp: a withdrawn link", "get", "/rsvp/{withdrawn.join_token}/", others=404, signed_out=404),
]

# notifications: my notices; an event's deliveries, for its organiser only.
NOTIFICATIONS = [
    page("my notices", "get", "/notifications/", ok=SIGNED),
    page("mark notices read", "post", "/notifications/read/", {}, ok=SIGNED),
    page("deliveries of an own event", "get", "/notifications/events/{plain.pk}/", ok=TEACHER),
    page("deliveries of a class meeting", "get", "/notifications/events/{upcoming.event_id}/", ok=TEACHER),
    page("deliveries of a hearing", "get", "/notifications/events/{closed.event_id}/", ok=CLERK),
    page("send a failed message again", "post", "/notifications/messages/{message.pk}/retry/", {}, ok=TEACHER),
]

# classrooms: outsiders get 404 (a class's existence is not revealed), a student 403 on staff pages.
C = "/classrooms/{classroom.pk}"
CLASSROOMS = [
    page("dashboard", "get", "/classrooms/", ok=SIGNED),
    page("student page", "get", "/classrooms/mine/", ok=SIGNED),
    page("enrol page", "get", "/classrooms/enrol/", ok=SIGNED),
    page("new class page", "get", "/classrooms/new/", ok=SIGNED),
    # Schools are founded by the service's staff; a class is added by the school's administrators.
    page("new school page", "get", "/classrooms/schools/new/", ok={"staff"}, others=403),
    page("new school", "post", "/classrooms/schools/new/", {"name": "Sekolah Baru", "timezone": "Asia/Jakarta"},
         ok={"staff"}, others=403),
    page("new class", "post", "/classrooms/new/",
         lambda w: {"school": w.school.pk, "name": "XII", "term_start": timezone.localdate(),
                    "term_end": timezone.localdate() + timedelta(days=90), "size_limit": 30,
                    "late_after_minutes": 5, "left_early_minutes": 5},
         ok=TEACHER, others=302, other_teacher=200, staff=200),
    page("school page", "get", "/classrooms/schools/{school.pk}/", ok=TEACHER),
    page("school save", "post", "/classrooms/schools/{school.pk}/", {"name": "SMA 1", "timezone": "Asia/Jakarta"},
         ok=TEACHER),
    page("holiday add", "post", "/classrooms/schools/{school.pk}/holidays/", {"date": "2030-01-01"}, ok=TEACHER),
    page("holiday remove", "post", "/classrooms/schools/{school.pk}/holidays/{holiday.pk}/remove/", {}, ok=TEACHER),
    page("class page", "get", C + "/", ok=TEACHER, student=403),
    page("edit page", "get", C + "/edit/", ok=TEACHER, student=403),
    page("edit save", "post", C + "/edit/",
         lambda w: {"name": "XI IPA 1", "term_start": w.classroom.term_start, "term_end": w.classroom.term_end,
                    "size_limit": 30, "late_after_minutes": 5, "left_early_minutes": 5, "teachers": "teacher"},
         ok=TEACHER, student=403),
    page("roster add", "post", C + "/roster/add/", {"name": "N", "email": "n@example.org", "role": "student"},
         ok=TEACHER, student=403),
    page("roster remove", "post", C + "/roster/{guest.pk}/remove/", {}, ok=TEACHER, student=403),
    page("import page", "get", C + "/roster/import/", ok=TEACHER, student=403),
    page("import upload (a preview)", "post", C + "/roster/import/", "csv", teacher=200, student=403),
    page("import confirm", "post", C + "/roster/import/confirm/", {}, ok=TEACHER, student=403),
    page("code reset", "post", C + "/code/reset/", {}, ok=TEACHER, student=403),
    page("term schedule", "post", C + "/schedule/",
         {"weekdays": ["1"], "start_time": "07:30", "end_time": "09:00", "allow_conflicts": "on"},
         ok=TEACHER, student=403),
    page("extra meeting", "post", C + "/meetings/new/",
         {"start": in_days(4, 10), "end": in_days(4, 11), "allow_conflicts": "on"}, ok=TEACHER, student=403),
    page("move page", "get", C + "/meetings/{upcoming.pk}/move/", ok=TEACHER, student=403),
    page("move", "post", C + "/meetings/{upcoming.pk}/move/",
         {"start": in_days(5, 10), "end": in_days(5, 11), "allow_conflicts": "on"}, ok=TEACHER, student=403),
    page("cancel", "post", C + "/meetings/{upcoming.pk}/cancel/", {}, ok=TEACHER, student=403),
    page("meeting attendance", "get", C + "/meetings/{held.pk}/", ok=TEACHER, student=403),
    page("meeting csv", "get", C + "/meetings/{held.pk}/attendance.csv", ok=TEACHER, student=403),
    page("meeting xlsx", "get", C + "/meetings/{held.pk}/attendance.xlsx", ok=TEACHER, student=403),
    page("term attendance", "get", C + "/attendance/", ok=TEACHER, student=403),
    page("term csv", "get", C + "/attendance.csv", ok=TEACHER, student=403),
    page("term xlsx", "get", C + "/attendance.xlsx", ok=TEACHER, student=403),
]

A = "/api/classrooms/{classroom.pk}"
CLASSROOMS_API = [
    api("list schools", "get", "/api/schools/", ok=SIGNED),
    api("create school", "post", "/api/schools/", {"name": "Milik", "timezone": "Asia/Jayapura"},
        ok={"staff"}, others=403),
    api("get school", "get", "/api/schools/{school.pk}/", ok=TEACHER),
    api("patch school", "patch", "/api/schools/{school.pk}/", {"name": "SMA Satu"}, ok=TEACHER),
    api("add holiday", "post", "/api/schools/{school.pk}/holidays/", {"date": "2030-02-02", "name": "x"}, ok=TEACHER),
    api("delete holiday", "delete", "/api/schools/{school.pk}/holidays/{holidays[1].pk}/", ok=TEACHER),
    api("list classes", "get", "/api/classrooms/", ok=SIGNED),
    api("create class", "post", "/api/classrooms/",
        lambda w: {"school": str(w.school.pk), "name": "Baru", "term_start": "2030-01-01", "term_end": "2030-06-01"},
        ok=TEACHER, others=(403, 404)),
    api("my classes", "get", "/api/classrooms/mine/", ok=SIGNED),
    api("class dashboard", "get", "/api/classrooms/dashboard/", ok=SIGNED),
    api("get class", "get", A + "/", ok=TEACHER, student=403),
    api("patch class", "patch", A + "/", {"subject": "Kimia"}, ok=TEACHER, student=403),
    api("reset code", "post", A + "/enrolment-code/", {}, ok=TEACHER, student=403),
    api("list roster", "get", A + "/enrollments/", ok=TEACHER, student=403),
    api("add to roster", "post", A + "/enrollments/", {"name": "N2", "email": "n2@example.org"},
        ok=TEACHER, student=403),
    api("remove from roster", "delete", A + "/enrollments/{guests[1].pk}/", ok=TEACHER, student=403),
    api("roster import", "post", A + "/roster-import/", "csv", ok=TEACHER, student=403),
    api("term schedule (another class)", "post", "/api/classrooms/{classroom2.pk}/schedule/",
        {"weekdays": [3], "start_time": "07:30", "end_time": "09:00", "allow_conflicts": True}, ok=TEACHER),
    api("list meetings", "get", A + "/meetings/", ok=TEACHER, student=403),
    api("extra meeting", "post", A + "/meetings/", {"start": iso_in(6), "end": iso_in(6, 1), "allow_conflicts": True},
        ok=TEACHER, student=403),
    api("meeting attendance", "get", A + "/meetings/{held.pk}/attendance/", ok=TEACHER, student=403),
    api("term attendance", "get", A + "/attendance/", ok=TEACHER, student=403),
    api("move a meeting", "post", A + "/meetings/{later.pk}/move/",
        {"start": iso_in(7), "end": iso_in(7, 1), "allow_conflicts": True}, ok=TEACHER, student=403),
    api("cancel a meeting", "post", A + "/meetings/{later.pk}/cancel/", {}, ok=TEACHER, student=403),
]

# hearings: court staff and a hearing's own participants see it; its court's clerks run it; the
# docket, its feed and the observer link are public, and a closed hearing has no observer link.
H = "/hearings/{public.pk}"
HEARINGS = [
    page("hearings", "get", "/hearings/", ok=SIGNED),
    page("cases", "get", "/hearings/cases/", ok={"clerk", "other_clerk"}, others=403),
    # The other court's clerk has a form, but not for this court.
    page("register a case", "post", "/hearings/cases/",
         lambda w: {"court": w.court.pk, "number": "9/Pid.B/2026", "case_type": "criminal", "parties": "PU v. X"},
         ok=CLERK, other_clerk=200, others=403),
    page("case page", "get", "/hearings/cases/{public.case_id}/", ok=CLERK),
    page("schedule a hearing", "post", "/hearings/cases/{public.case_id}/",
         lambda w: {"start": in_days(12, 9), "duration_minutes": 60, "courtroom": "Ruang Cakra", "agenda": "Tuntutan",
                    "is_public": "on", "observer_capacity": 10, "judge": w.users["judge"].pk},
         ok=CLERK),
    page("public hearing page", "get", H + "/", ok={"clerk", "party"}),
    page("closed hearing page", "get", "/hearings/{closed.pk}/", ok=CLERK),
    page("record", "get", H + "/record/", ok=CLERK, party=403),
    # The hearing's recording (issue 20): the court's staff only; nobody else learns it exists.
    page("recording", "get", "/recordings/{public.occurrence_id}/", ok=CLERK, signed_out=404),
    # The participant list has everyone's address: court staff only, as the record.
    page("participants csv", "get", H + "/participants.csv", ok=CLERK, party=403),
    page("participants xlsx", "get", H + "/participants.xlsx", ok=CLERK, party=403),
    page("closed hearing's participants xlsx", "get", "/hearings/{closed.pk}/participants.xlsx", ok=CLERK),
    page("add a participant", "post", H + "/participants/",
         {"role": "witness", "name": "Saksi Baru", "email": "saksi.baru@example.org"}, ok=CLERK, party=403),
    page("open the closed hearing", "post", "/hearings/{closed.pk}/status/", {"status": "open"}, ok=CLERK),
    page("observer link", "get", "{observer_link}", ok=EVERYONE),
    page("observer link of a closed hearing", "get", "{closed_observer_link}", others=404, signed_out=404),
    page("docket", "get", "/docket/{court.slug}/", ok=EVERYONE),
    page("docket feed", "get", "/docket/{court.slug}.ics", ok=EVERYONE),
    page("docket of no court", "get", "/docket/no-such-court/", others=404, signed_out=404),
    api("listeners now (JSON)", "get", "/docket/{court.slug}/listeners.json", ok=EVERYONE),
    api("listeners of no court", "get", "/docket/no-such-court/listeners.json", others=404, signed_out=404),
    # Open figures and a case's timeline: anyone; a closed case is as unknown as no case at all
    # when the court leaves closed hearings off (here it lists them: number and dates only).
    page("statistics", "get", "/courts/{court.slug}/statistics/", ok=EVERYONE),
    page("statistics (CSV)", "get", "/courts/{court.slug}/statistics.csv?from=2026-01-01&to=2026-01-31",
         ok=EVERYONE),
    api("statistics (JSON)", "get", "/courts/{court.slug}/statistics.json?from=2026-01-01&to=2026-01-07",
        ok=EVERYONE),
    page("statistics of no court", "get", "/courts/no-such-court/statistics/", others=404, signed_out=404),
    page("case timeline", "get", "/docket/{court.slug}/case/?number={public.case.number}", ok=EVERYONE),
    api("case timeline (JSON)", "get", "/docket/{court.slug}/case.json?number={public.case.number}", ok=EVERYONE),
    page("case timeline, unknown", "get", "/docket/{court.slug}/case/?number=99/Pid.B/1999",
         others=404, signed_out=404),
    api("docket API", "get", "/api/hearings/docket/{court.slug}/", ok=EVERYONE),
    api("list hearings", "get", "/api/hearings/", ok=SIGNED),
    api("list cases", "get", "/api/hearings/cases/", ok=SIGNED),
    api("register a case (API)", "post", "/api/hearings/cases/",
        {"court": "pn-contoh", "number": "10/Pid.B/2026", "case_type": "criminal", "parties": "PU v. Y"},
        ok=CLERK, others=403),
    api("schedule a hearing (API)", "post", "/api/hearings/",
        lambda w: {"case": str(w.public.case_id), "start": iso_in(14), "duration_minutes": 60, "courtroom": "Ruang API",
                   "agenda": "Dakwaan", "presiding_judge": {"name": "Hakim API", "email": "api@example.org"}},
        ok=CLERK, others=403),
    api("public hearing (API)", "get", "/api/hearings/{public.pk}/", ok={"clerk", "party"}),
    api("closed hearing (API)", "get", "/api/hearings/{closed.pk}/", ok=CLERK),
    api("add a participant (API)", "post", "/api/hearings/{public.pk}/participants/",
        {"role": "witness", "name": "Saksi API", "email": "saksi.api@example.org"}, ok=CLERK, party=403),
    api("open the public hearing (API)", "post", "/api/hearings/{public.pk}/status/", {"status": "open"},
        ok=CLERK, party=403),
    page("take an observer's place", "post", "{observer_link}", {"name": "Warga"}, ok=EVERYONE),
]

# feedback: a sitting's answer (the join link is the key: whoever holds it answers as that
# attendee); the organiser and the school's or court's staff read the answers; the public writes
# to a court or a school without an account, follows it with its private link, and the staff
# triage it (a court's clerks and judges, a school's administrators).
FEEDBACK = [
    page("feedback form", "get", "/feedback/{student_held_link}/", ok=EVERYONE),
    page("feedback answer", "post", "/feedback/{student_held_link}/", {"rating": "4", "comment": "Jelas"},
         ok=EVERYONE),
    page("feedback, unknown link", "get", "/feedback/not-a-token/", others=404, signed_out=404),
    api("feedback (API)", "get", "/api/feedback/{student_held_link}/", ok=EVERYONE),
    api("feedback answer (API)", "post", "/api/feedback/{student_held_link}/", {"rating": 5}, ok=EVERYONE),
    api("feedback of a class meeting", "get", "/api/events/{held.event_id}/feedback/", ok=TEACHER, others=403),
    api("feedback of a hearing", "get", "/api/events/{public.event_id}/feedback/", ok=CLERK, others=403),
    api("feedback of an own event", "get", "/api/events/{plain.pk}/feedback/", ok=TEACHER, others=403),
    *[
        row
        for org, slug, staff in [("courts", "{court.slug}", CLERK), ("schools", "{school.slug}", TEACHER)]
        for ref, follow in [(f"{{{org[:-1]}_submission.reference}}", f"{{{org[:-1]}_submission_follow}}")]
        for row in [
            page(f"{org}: write", "get", f"/{org}/{slug}/feedback/", ok=EVERYONE),
            page(f"{org}: send", "post", f"/{org}/{slug}/feedback/",
                 {"kind": "proposal", "text": "Mohon jadwal diumumkan lebih awal."}, ok=EVERYONE),
            page(f"{org}: public list", "get", f"/{org}/{slug}/feedback/public/", ok=EVERYONE),
            page(f"{org}: follow-up", "get", follow, ok=EVERYONE),
            page(f"{org}: follow-up without its token", "get", f"/{org}/{slug}/feedback/{ref}/",
                 others=404, signed_out=404),
            page(f"{org}: inbox", "get", f"/{org}/{slug}/feedback/inbox/", ok=staff, others=403),
            page(f"{org}: answer", "post", f"/{org}/{slug}/feedback/inbox/{ref}/",
                 {"action": "answer", "answer": "Terima kasih, sudah diperbaiki."}, ok=staff, others=403),
            page(f"{org}: nobody's", "get", f"/{org}/no-such-place/feedback/", others=404, signed_out=404),
            api(f"{org}: public list (API)", "get", f"/api/{org}/{slug}/feedback/", ok=EVERYONE),
            api(f"{org}: send (API)", "post", f"/api/{org}/{slug}/feedback/",
                {"kind": "view", "text": "Pelayanan daring sangat baik."}, ok=EVERYONE),
            api(f"{org}: follow-up (API)", "get", "/api" + follow, ok=EVERYONE),
            api(f"{org}: inbox (API)", "get", f"/api/{org}/{slug}/feedback/inbox/", ok=staff, others=403),
            api(f"{org}: answer (API)", "post", f"/api/{org}/{slug}/feedback/inbox/{ref}/",
                {"action": "answer", "answer": "Sudah kami tindak lanjuti."}, ok=staff, others=403),
        ]
    ],
]

# Self-enrolment makes the caller a student of the class; the logout ends the session.
LAST = [
    page("enrol with a code (link)", "get", "/classrooms/enrol/{enrolment_code}/", ok=SIGNED),
    api("enrol with a code (API)", "post", "/api/classrooms/enrol/", code, ok=SIGNED, teacher=400),
    page("enrol with a code", "post", "/classrooms/enrol/{enrolment_code}/", code, ok=SIGNED, teacher=200),
    page("enrol with a code (form)", "post", "/classrooms/enrol/", code, ok=SIGNED, teacher=200),
    page("logout", "post", "/accounts/logout/", ok=EVERYONE),
]

TABLE = [*SITE, *SCHEDULING, *ROOMS, *NOTIFICATIONS, *CLASSROOMS, *CLASSROOMS_API, *HEARINGS, *FEEDBACK, *LAST]


@functools.cache
def admin_rows() -> list[Row]:
    """The admin: staff only; everyone else gets the admin's own login page."""
    urls = ["/admin/"] + [
        reverse(f"admin:{model._meta.app_label}_{model._meta.model_name}_changelist") for model in admin.site._registry
    ]
    return [page(f"admin {url}", "get", url, ok={"staff"}, others=ADMIN_LOGIN, signed_out=ADMIN_LOGIN) for url in urls]


# ---------------------------------------------------------------------------------------------
# Walking the table.


@pytest.fixture
def world(db):
    for cache in caches.all():
        cache.clear()  # rate limits per client address start afresh in each role's world
    return build_world()


def as_role(world: World, role: str) -> Client:
    client = Client()
    if role == "link_only":
        response = client.get(world.closed_party_seat.join_path)
        assert response.status_code == 302 and "/rooms/" in response["Location"], response
    elif role == "observer":
        response = client.post(world.observer_link, {"name": "Warga Pengamat"})
        assert response.status_code == 302 and "/rooms/" in response["Location"], response
    elif role in SIGNED_IN:
        assert client.login(username=world.users[role].username, password=PASSWORD)
    return client


def call(client: Client, row: Row, url: str, world: World):
    data = row.body(world)
    if data == "csv":
        return client.post(url, {"file": SimpleUploadedFile("r.csv", b"name,email\nBaru,baru@example.org\n")})
    if row.method == "get":
        return client.get(url)
    if url.startswith("/api/") and row.method in ("post", "patch", "put"):
        return getattr(client, row.method)(url, data or {}, content_type="application/json")
    if row.method == "post":
        return client.post(url, data or {})
    return getattr(client, row.method)(url)


def problem(row: Row, url: str, response, expected) -> str | None:
    """What is wrong with the response, or None."""
    status, location = response.status_code, response.get("Location", "")
    to_login = status == 302 and location.startswith("/accounts/login/")
    said = f"{status} {location}".strip()
    if expected == OK:
        if url.startswith("/api/"):
            good = 200 <= status < 300
        elif row.method == "get":
            good = status == 200 or (status == 302 and not to_login)
        else:
            good = status in (302, 303) and not to_login
        if good and _error_messages(response):
            return f"{said}, but the page said: {_error_messages(response)}"
        return None if good else f"{said} {_body(response)}".strip() + " (expected a success)"
    if expected == LOGIN:
        return None if to_login else f"{said} (expected the login page)"
    if expected == ADMIN_LOGIN:
        return None if status == 302 and location.startswith("/admin/login/") else f"{said} (expected admin login)"
    if expected == DENIED:
        return None if status in (401, 403) else f"{said} (expected 401/403)"
    allowed = expected if isinstance(expected, tuple) else (expected,)
    return None if status in allowed else f"{said} (expected {expected})"


def _error_messages(response) -> list[str]:
    """The error messages this request added (for the page it redirects to)."""
    storage = getattr(response.wsgi_request, "_messages", None)
    return [str(m) for m in getattr(storage, "_queued_messages", []) if m.level >= message_levels.ERROR]


def _body(response) -> str:
    if response.status_code < 400 or response.get("Content-Type", "").startswith("text/html"):
        return ""
    return response.content.decode(errors="replace")[:200]


def snapshot() -> tuple:
    """What a refused call must leave as it was."""

    def rows(model, *fields):
        return list(model.objects.order_by("pk").values_list("pk", *fields))

    return (
        rows(Event, "title", "status", "sequence", "start", "rrule"),
        rows(Occurrence, "start", "end", "status"),
        rows(Attendee, "name", "removed_at", "rsvp", "join_token_hash", "join_token_revoked_at"),
        rows(School, "name", "timezone"),
        rows(Holiday, "date"),
        rows(Classroom, "name", "subject", "enrolment_code", "late_after_minutes"),
        rows(Enrollment, "role", "email"),
        rows(Case, "number"),
        rows(Hearing, "status"),
        rows(HearingParticipant, "role"),
        rows(CalendarFeed, "token_hash"),
        rows(Message, "status", "attempts"),
        rows(SessionFeedback, "rating", "comment"),
        rows(Submission, "status", "answer"),
    )


@pytest.mark.parametrize("role", ROLES)
def test_role_matrix(world, role):
    client = as_role(world, role)
    failures = []
    for row in [*TABLE[:-1], *admin_rows(), TABLE[-1]]:
        expected = row.expect[role]
        url = row.path(world)
        before = snapshot() if row.method != "get" and expected != OK else None
        response = call(client, row, url, world)
        if wrong := problem(row, url, response, expected):
            failures.append(f"{row.method.upper()} {url} [{row.label}]: {wrong}")
        if before is not None and snapshot() != before:
            failures.append(f"{row.method.upper()} {url} [{row.label}]: refused, yet it changed data")
    assert not failures, f"as {role}:\n" + "\n".join(failures)


# ---------------------------------------------------------------------------------------------
# The table is whole: every route has a row, and every method a route answers.


def _walk(patterns, prefix=""):
    for pattern in patterns:
        if isinstance(pattern, URLResolver):
            yield from _walk(pattern.url_patterns, prefix + str(pattern.pattern))
        elif isinstance(pattern, URLPattern):
            yield prefix + str(pattern.pattern), pattern


def _route(path: str) -> str:
    return resolve(path.split("?", 1)[0]).route


def test_every_route_has_a_row(world):
    covered = {_route(row.path(world)) for row in TABLE}
    missing = [
        f"/{route}" for route, _pattern in _walk(get_resolver().url_patterns)
        if route not in covered and not route.startswith("admin/")  # the admin: admin_rows()
    ]
    assert not missing, "URL patterns without a row in the role matrix:\n" + "\n".join(missing)
    ws_missing = [f"/{route}" for route, _pattern in _walk(websocket_urlpatterns) if route not in WS_ROUTES]
    assert not ws_missing, "WebSocket routes without a row in test_ws_matrix.py:\n" + "\n".join(ws_missing)


# Views that do not restrict the method: a method no row names is answered as a GET (Django's form
# views answer PUT as a POST, with nothing to change) or refused. Every other route answers 405.
READS_ANY_METHOD = {
    "", "healthz", "i18n/setlang/", "accounts/login/", "accounts/password-reset/", "accounts/reset/<uidb64>/<token>/",
    "join/<str:token>/", "rooms/<uuid:occurrence_id>/", "notifications/", "notifications/events/<uuid:event_id>/",
    "classrooms/", "classrooms/mine/", "classrooms/new/", "classrooms/enrol/", "classrooms/enrol/<str:code>/",
    "classrooms/schools/new/", "classrooms/schools/<uuid:school_id>/", "classrooms/<uuid:classroom_id>/",
    "classrooms/<uuid:classroom_id>/edit/", "classrooms/<uuid:classroom_id>/roster/import/",
    "classrooms/<uuid:classroom_id>/meetings/<uuid:occurrence_id>/",
    "classrooms/<uuid:classroom_id>/meetings/<uuid:occurrence_id>/move/",
    "classrooms/<uuid:classroom_id>/meetings/<uuid:occurrence_id>/attendance.csv",
    "classrooms/<uuid:classroom_id>/meetings/<uuid:occurrence_id>/attendance.xlsx",
    "classrooms/<uuid:classroom_id>/attendance/", "classrooms/<uuid:classroom_id>/attendance.csv",
    "classrooms/<uuid:classroom_id>/attendance.xlsx",
    "hearings/", "hearings/<uuid:hearing_id>/", "hearings/<uuid:hearing_id>/record/",
    "hearings/<uuid:hearing_id>/participants.csv", "hearings/<uuid:hearing_id>/participants.xlsx",
    "docket/<slug:court_slug>/",
}


def test_every_method_a_route_answers_has_a_row(world):
    rows_by_route: dict[str, list[Row]] = {}
    for row in TABLE:
        rows_by_route.setdefault(_route(row.path(world)), []).append(row)
    failures = []
    for route, rows in rows_by_route.items():
        named = {row.method for row in rows}
        sample = next((row for row in rows if row.method == "get"), rows[0])
        # Asked by someone the route serves, so that a handler is reached rather than a refusal.
        role = next((r for r in ROLES if sample.expect[r] == OK), "staff")
        client, url = as_role(world, role), sample.path(world)
        as_get = client.get(url).status_code
        for method in ("get", "post", "put", "patch", "delete"):
            if method in named:
                continue
            before = snapshot()
            status = getattr(client, method)(url).status_code
            unchanged = snapshot() == before
            if status == 405 or (route in READS_ANY_METHOD and status == as_get and unchanged):
                continue
            failures.append(f"{method.upper()} /{route} answered {status} as {role} (GET: {as_get}): no row")
    assert not failures, "Methods a route answers without a row in the matrix:\n" + "\n".join(failures)
