"""The join link and the room page. Thin: look up, decide which page, render."""

from __future__ import annotations

import math
from datetime import timedelta
from zoneinfo import ZoneInfo

from django.conf import settings
from django.contrib import messages
from django.contrib.auth.views import redirect_to_login
from django.shortcuts import redirect, render
from django.urls import NoReverseMatch, reverse
from django.utils import timezone
from django.utils.formats import date_format
from django.utils.translation import gettext as _
from django.utils.translation import ngettext

from config.templatetags.hadir import zone_abbreviation
from rooms import selectors, services
from rooms.policies import RoomPolicy, acts_as_moderator, policy_for
from rooms.sessions import attendee_for, remember_attendee
from scheduling import tokens
from scheduling.models import Attendee, Occurrence


def _notice(request, *, title: str, message: str, status: int, occurrence: Occurrence | None = None,
            next_steps: list | None = None, feedback_url: str = ""):
    return render(
        request, "rooms/notice.html",
        {"title": title, "message": message, "occurrence": occurrence, "next_steps": next_steps or [],
         "feedback_url": feedback_url},
        status=status,
    )


def _feedback_url(attendee: Attendee, occurrence: Occurrence) -> str:
    """Where the attendee says how the sitting went (the ``feedback`` app's page, found by its URL
    name: rooms does not import it); "" when no such page is installed."""
    try:
        return reverse("feedback:session", args=[attendee.join_token]) + f"?occurrence={occurrence.pk}"
    except NoReverseMatch:
        return ""


def _sign_in_first(request, attendee: Attendee, policy: RoomPolicy, occurrence: Occurrence):
    """The login page, when the seat moderates and has an account that is not the one signed in.

    A link alone never gives a moderator's powers (a clerk's or teacher's link forwarded, or seen
    over a shoulder, must not run the session), so whoever holds such a seat signs in first rather
    than entering as a mere participant: moderating is what they came for. The way back is the
    room's page, which finds the seat by the account: the link's token never lands in a query
    string (the login page's address, logs, the Referer).
    """
    moderating_seat = attendee.user_id is not None and policy.is_moderator(attendee)
    if not moderating_seat or acts_as_moderator(policy, attendee, request.user):
        return None
    messages.info(request, _(
        "This link belongs to a moderator of the session. Sign in with the moderator's account to enter: "
        "a link alone never gives a moderator's powers."
    ))
    return redirect_to_login(reverse("rooms:room", args=[occurrence.pk]))


def join(request, token: str):
    attendee = (
        Attendee.objects.select_related("event").filter(join_token_hash=tokens.token_hash(token)).first()
        if len(token) <= 128 else None
    )
    if attendee is not None and not tokens.token_matches("join", attendee.join_token_salt, token):
        attendee = None
    if attendee is None:
        return _notice(
            request, status=404, title=_("Unknown link"),
            message=_(
                "This join link is not valid. Check that you copied all of it, or ask the organiser for a new one."
            ),
        )
    if not attendee.is_active:
        return _notice(
            request, status=410, title=_("Link no longer valid"),
            message=_("This join link was withdrawn. Ask the organiser for a new one."),
        )
    occurrence = selectors.occurrence_for_link(attendee=attendee, now=timezone.now())
    if occurrence is None:
        return _notice(
            request, status=410, title=_("No sessions"), message=_("This event has no sessions to join."),
        )
    sign_in = _sign_in_first(request, attendee, policy_for(attendee.event), occurrence)
    if sign_in is not None:
        return sign_in
    remember_attendee(request.session, attendee, token=token)
    response = redirect("rooms:room", occurrence_id=occurrence.pk)
    if attendee.language in dict(settings.LANGUAGES) and not request.COOKIES.get(settings.LANGUAGE_COOKIE_NAME):
        # The invitee's language (from the invite) for the room, until they pick another one.
        response.set_cookie(settings.LANGUAGE_COOKIE_NAME, attendee.language, samesite="Lax")
    return response


def room(request, occurrence_id):
    occurrence = Occurrence.objects.select_related("event").filter(pk=occurrence_id).first()
    if occurrence is None:
        return _notice(request, status=404, title=_("No such session"), message=_("This session does not exist."))
    attendee = attendee_for(request.session, request.user, occurrence)
    if attendee is None:
        return _notice(
            request, status=403, title=_("Not invited"),
            message=_("Open this session with the personal link from your invitation."),
        )
    policy = policy_for(occurrence.event)
    sign_in = _sign_in_first(request, attendee, policy, occurrence)
    if sign_in is not None:
        return sign_in
    now = timezone.now()
    services.room_open_when_due(occurrence=occurrence, now=now)
    status = selectors.room_status(occurrence, policy)
    moderator = acts_as_moderator(policy, attendee, request.user)
    next_steps = policy.next_steps(occurrence, attendee, moderator=moderator)
    if occurrence.is_cancelled:
        return _notice(
            request, status=410, occurrence=occurrence, title=_("Session cancelled"),
            message=_("This session was cancelled."),
        )
    if selectors.room_is_over(occurrence, status.status, policy, now):
        return _notice(
            request, status=410, occurrence=occurrence, title=_("This session has ended"),
            message=_("This session has ended. Thank you for taking part."), next_steps=next_steps,
            feedback_url=_feedback_url(attendee, occurrence),
        )
    opens_at, _closes_at = selectors.room_window(occurrence)
    context = {
        "occurrence": occurrence, "event": occurrence.event, "attendee": attendee, "opens_at": opens_at,
        "role_label": policy.role_label(attendee), "moderator": moderator, "next_steps": next_steps,
        "listener": not policy.may_send(attendee, "chat"), "feedback_url": _feedback_url(attendee, occurrence),
        "in_audience": not moderator and policy.is_audience(attendee),
    }
    if now < opens_at:
        context["seconds_left"] = int((opens_at - now).total_seconds()) + 1
        context["opens_before_minutes"] = settings.HADIR_ROOM_OPENS_BEFORE_MINUTES
        context["opens_in_words"] = opens_in_words(opens_at, now=now, zone=occurrence.event.timezone)
        context["countdown_strings"] = {"one": _in_minutes(1), "other": _in_minutes(2)}
        return render(request, "rooms/countdown.html", context)
    context["strings"] = _strings() | {f"link_{key}": str(text) for key, text in policy.link_labels().items()}
    context["media"] = selectors.media_setup(occurrence=occurrence, attendee=attendee, policy=policy,
                                             moderator=moderator)
    context["media_strings"] = _media_strings()
    if moderator:
        context["refused"] = selectors.lobby_refused(occurrence)
    # The sitting's start, for a waiting page to come back when the room opens by itself.
    if status.status == policy.initial_status and policy.opens_at_start(occurrence) and now < occurrence.start:
        context["opens_by_itself_at"] = occurrence.start.isoformat()
    return render(request, "rooms/room.html", context)


def _in_minutes(count: int) -> str:
    """The sentence for ``count`` minutes, its %(count)s left to fill (countdown.js fills it too)."""
    return ngettext("The room opens in %(count)s minute.", "The room opens in %(count)s minutes.", count)


def opens_in_words(opens_at, *, now, zone: str) -> str:
    """When the room opens, as people say it, in the event's zone: "The room opens today at 08:00 WIB",
    "… tomorrow at …", "… on Thursday 10 December at …"; under an hour, "… in 12 minutes"."""
    seconds = (opens_at - now).total_seconds()
    if seconds < 3600:
        minutes = max(1, math.ceil(seconds / 60))
        return _in_minutes(minutes) % {"count": minutes}
    local, today = opens_at.astimezone(ZoneInfo(zone)), now.astimezone(ZoneInfo(zone)).date()
    values = {"time": date_format(local, "TIME_FORMAT"), "zone": zone_abbreviation(zone, opens_at)}
    if local.date() == today:
        return _("The room opens today at %(time)s %(zone)s.") % values
    if local.date() == today + timedelta(days=1):
        return _("The room opens tomorrow at %(time)s %(zone)s.") % values
    values["date"] = date_format(local, "l j F")
    return _("The room opens on %(date)s at %(time)s %(zone)s.") % values


def _strings() -> dict:
    """What room.js shows, translated in the page's language (no JS catalogue)."""
    return {
        "present": _("present"), "waiting": _("waiting"), "away": _("away"),
        "moderator": _("moderator"), "you": _("you"), "hand": _("hand raised"),
        "admit": _("Admit"), "deny": _("Deny"), "deny_reason": _("Reason for refusing (optional):"),
        "audio_only_on": _("Audio only: you hear everyone in one mixed stream; no video is sent or received."),
        "audio_only_off": _("Audio and video are back."),
        "connecting": _("Connecting…"), "connected": _("Connected"),
        "reconnecting": _("Connection lost; reconnecting in %(seconds)s s…"),
        "waiting_title": _("Please wait"), "waiting_text": _("A moderator will let you in shortly."),
        "denied": _("You were not admitted to this session."),
        "closed": _("This room is closed."), "ended": _("This session has ended."),
        "not_allowed": _("You are not allowed in this room."), "too_many": _("Too many connections or messages."),
        "raise_hand": _("Raise hand"), "lower_hand": _("Lower hand"),
        "set_status": _("Change status"), "reason": _("Reason (optional):"), "nobody_waiting": _("Nobody is waiting."),
        "connections": _("%(count)s connections"),
        "listening": _("%(count)s listening"),
        "camera_on": _("camera on"), "camera_off": _("camera off"),
        "microphone_on": _("microphone on"), "microphone_off": _("microphone off"), "ask_mute": _("Ask to mute"),
        "ask_mute_named": _("Ask %(name)s to mute"),
        "quality_fair": _("connection fair"), "quality_poor": _("connection poor"),
        "admit_named": _("Admit %(name)s"), "deny_named": _("Refuse %(name)s"),
        "remove": _("Remove"), "remove_named": _("Remove %(name)s from the room"), "cancel": _("Cancel"),
        "let_back": _("Let back in"), "let_back_named": _("Let %(name)s back in"),
        "waiting_one": _("1 person is waiting in the lobby"),
        "waiting_many": _("%(count)s people are waiting in the lobby"),
        "arrived": _("Waiting in the lobby: %(names)s"),
        "next_sitting": _("Next sitting: %(when)s"),
        "choose_status": _("Choose…"), "choose_status_first": _("Choose the new status first."),
        "reason_needed": _("Give a reason for this status."),
        "confirm_final": _("“%(status)s” is final: the room closes for everyone now (%(count)s connected people are "
                           "disconnected) and nobody can enter again."),
        "confirm_yes": _("Yes, mark it “%(status)s”"),
        "ended_as": _("The session is over:"),
    } | _audience_strings()


def _audience_strings() -> dict:
    """What the audience panel and a listener's page show (static/js/room/audience.js)."""
    return {
        "audience_range": _("%(first)s–%(last)s of %(count)s"),
        "audience_found": _("%(count)s found for “%(query)s”"),
        "audience_none": _("Nobody is listening."), "audience_none_found": _("No listener has that name."),
        "audience_since": _("since %(time)s"), "let_speak": _("Let speak"), "let_speak_named": _("Let %(name)s speak"),
        "back_to_listening": _("Back to listening"), "back_to_listening_named": _("Send %(name)s back to listening"),
        "promoted": _("A moderator let you speak: you can write in the chat and raise your hand."),
        "demoted": _("You are listening again."),
    }


def _media_strings() -> dict:
    """What the room's audio and video (static/js/room/media/) show, translated in the page's language."""
    return {
        "you": _("You"), "camera_on": _("Turn camera on"), "camera_off": _("Turn camera off"),
        "mic_on": _("Turn microphone on"), "mic_off": _("Turn microphone off"),
        "join": _("Join with audio and video"), "leave": _("Leave audio and video"),
        "connecting": _("Connecting…"), "cannot_connect": _("Cannot connect to this participant."),
        "reconnecting": _("Connection interrupted; reconnecting…"),
        "no_camera": _("No camera was found. You can take part with your microphone."),
        "no_microphone": _("No microphone was found. Others will not hear you."),
        "no_devices": _("No camera or microphone was found. You can still see and hear the others."),
        "denied": _("Access to the camera and microphone was refused. Allow it in the browser's site settings "
                    "and reload the page."),
        "in_use": _("The camera or microphone is in use by another program."),
        "unsupported": _("This browser cannot take part in audio and video. Use a recent Chrome, Firefox, "
                         "Edge or Safari."),
        "insecure": _("Audio and video need a secure (https) connection."),
        "audio_only": _("Your role takes part with audio only."),
        "listen_only": _("Your role does not take part in audio and video."),
        "camera_muted": _("camera off"), "mic_muted": _("microphone off"),
        "mute_request": _("A moderator asked you to turn your microphone off; it is now off."),
        "none": _("None"), "device": _("Device %(number)s"),
        "reconnecting_media": _("The audio and video connection was lost; reconnecting…"),
        "quality_good": _("Connection: good"), "quality_fair": _("Connection: fair"),
        "quality_poor": _("Connection: poor"),
        "others_count": _("Not on screen (%(count)s)"), "show": _("Show"), "show_named": _("Show %(name)s"),
        "pin": _("Click to pin or unpin"), "mic_is_on": _("microphone on"),
    }
