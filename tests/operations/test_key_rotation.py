"""SECRET_KEY rotation (issue 14): old links work while the old key is a fallback, new e-mails carry
links made with the new key, removing the old key ends the old links; ``links_rekey`` ends them all."""

import re
from io import StringIO

import pytest
from django.core.management import call_command
from django.test import Client

from hearings.models import Hearing
from rooms.sessions import attendee_for
from scheduling import services, tokens
from scheduling.models import Attendee
from tests.notifications import factories

pytestmark = pytest.mark.django_db

OLD_KEY = "old-key-0123456789-0123456789-0123456789"
NEW_KEY = "new-key-9876543210-9876543210-9876543210"
LINK = re.compile(r"/join/([A-Za-z0-9_-]+)/")


def link_in(received) -> str:
    body = received.message.get_body(("plain",)).get_content()
    return LINK.search(body).group(1)


def join(token: str) -> tuple[int, Client]:
    client = Client()
    response = client.get(f"/join/{token}/")
    return response.status_code, client


def test_the_whole_rotation_cycle_through_the_join_view(
    settings, smtp_server, sync_tasks, django_capture_on_commit_callbacks
):
    settings.SECRET_KEY, settings.SECRET_KEY_FALLBACKS = OLD_KEY, []
    teacher = factories.user("teacher", email="teacher@example.test")
    with django_capture_on_commit_callbacks(execute=True):
        event = factories.meeting(teacher, people=[{"name": "Sari", "email": "sari@example.test"}])
    sari = Attendee.objects.get(event=event, email="sari@example.test")
    old_link = link_in(smtp_server.wait_for(1)[0])
    feed = services.calendar_feed_for(email="sari@example.test")
    old_feed = feed.token
    status, old_browser = join(old_link)
    assert status == 302

    # Rotation: the new key first, the old one a fallback.
    settings.SECRET_KEY, settings.SECRET_KEY_FALLBACKS = NEW_KEY, [OLD_KEY]
    assert join(old_link)[0] == 302
    assert Client().get(f"/calendar/{old_feed}.ics").status_code == 200
    occurrence = event.occurrences.first()
    assert attendee_for(old_browser.session, None, occurrence) == sari
    with django_capture_on_commit_callbacks(execute=True):
        services.attendee_invite_resend(attendee=sari, by=teacher)
    new_link = link_in(smtp_server.wait_for(2)[1])
    assert new_link != old_link and new_link == tokens.token_for("join", sari.join_token_salt)
    status, new_browser = join(new_link)
    assert status == 302
    new_feed = services.calendar_feed_for(email="sari@example.test").token
    assert new_feed != old_feed

    # The old key leaves the fallbacks: its links and the browsers that entered with them are out.
    settings.SECRET_KEY_FALLBACKS = []
    assert join(old_link)[0] == 404
    assert Client().get(f"/calendar/{old_feed}.ics").status_code == 404
    assert attendee_for(old_browser.session, None, occurrence) is None
    assert join(new_link)[0] == 302
    assert attendee_for(new_browser.session, None, occurrence) == sari
    assert Client().get(f"/calendar/{new_feed}.ics").status_code == 200


def test_a_forged_mac_with_a_known_locator_is_refused(settings):
    teacher = factories.user("teacher2", email="t2@example.test")
    event = factories.meeting(teacher, people=[{"name": "Budi", "email": "budi@example.test"}])
    budi = Attendee.objects.get(event=event, email="budi@example.test")
    token = budi.join_token
    forged = token[: tokens.LOCATOR_LENGTH] + tokens._mac("not-the-key" * 4, "join", budi.join_token_salt)
    assert join(forged)[0] == 404
    assert join(token)[0] == 302
    # An older form of link (a bare MAC) finds nothing.
    assert join(token[tokens.LOCATOR_LENGTH:])[0] == 404


def test_links_rekey_replaces_every_link_and_says_so(settings, smtp_server):
    settings.SECRET_KEY_FALLBACKS = []
    teacher = factories.user("teacher3", email="t3@example.test")
    event = factories.meeting(teacher, people=[{"name": "Rina", "email": "rina@example.test"}])
    rina = Attendee.objects.get(event=event, email="rina@example.test")
    feed = services.calendar_feed_for(email="rina@example.test")
    link, feed_link = rina.join_token, feed.token

    out = StringIO()
    call_command("links_rekey", "--dry-run", stdout=out)
    assert "would replace" in out.getvalue() and "calendar feeds" in out.getvalue()
    assert join(link)[0] == 302

    out = StringIO()
    call_command("links_rekey", stdout=out)
    assert re.search(r"replaced \d+ join links, 1 calendar feeds, \d+ observer links", out.getvalue())
    assert join(link)[0] == 404
    assert Client().get(f"/calendar/{feed_link}.ics").status_code == 404
    rina.refresh_from_db()
    assert join(rina.join_token)[0] == 302
    assert not Hearing.objects.exists() or all(h.observer_token_hash for h in Hearing.objects.all())
