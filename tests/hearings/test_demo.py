"""seed_demo's court: PROTOCOL.md's shape, idempotent, both hearings open now."""

import json

from django.core.management import call_command

from hearings import demo
from hearings.models import Hearing, Status
from rooms.models import RoomState
from scheduling.selectors import attendee_by_join_token


def _token(path):
    return path.strip("/").split("/")[-1]


def test_seed_shape_and_idempotence(db, client):
    first = demo.seed()
    assert set(first) == {"hearing", "closed_hearing", "court_feedback_url", "statistics_url"}
    court_slug = first["hearing"]["court_slug"]
    assert first["court_feedback_url"] == f"/courts/{court_slug}/feedback/"
    assert first["statistics_url"] == f"/courts/{court_slug}/statistics/"
    public_list = client.get(f"/courts/{court_slug}/feedback/public/")
    assert public_list.status_code == 200 and public_list.content.count(b'class="published"') >= 2
    public, closed = first["hearing"], first["closed_hearing"]
    for part in (public, closed):
        assert {"id", "occurrence_id", "court_slug", "case_number", "parties"} <= set(part)
        hearing = Hearing.objects.get(pk=part["id"])
        assert str(hearing.occurrence_id) == part["occurrence_id"]
        assert hearing.status == Status.OPEN
        assert RoomState.objects.get(occurrence=hearing.occurrence).status == Status.OPEN
        assert len({p["role"] for p in part["parties"]}) >= 3
        for party in part["parties"]:
            assert {"name", "role", "join_url", "feedback_url"} == set(party)
            assert client.get(party["feedback_url"]).status_code == 200
            assert attendee_by_join_token(_token(party["join_url"])).event_id == hearing.event_id
    assert public["public"] is True and closed["public"] is False
    assert "observer_url" in public and "observer_url" not in closed
    assert {"username", "password", "join_url"} <= set(public["clerk"]) and "join_url" in public["judge"]
    assert client.login(username=public["clerk"]["username"], password=public["clerk"]["password"])
    assert client.get(public["observer_url"]).status_code == 200
    assert demo.seed() == first
    assert Hearing.objects.count() == 2


def test_seed_demo_command_prints_the_hearings(db, capsys):
    call_command("seed_demo", "--json")
    printed = json.loads(capsys.readouterr().out)
    assert printed["hearing"]["court_slug"] == demo.COURT_SLUG
    assert printed["closed_hearing"]["case_number"] == demo.CLOSED_CASE[0]


def test_seed_again_when_the_demo_hearings_are_ending(db):
    from datetime import timedelta

    from django.utils import timezone

    from scheduling.models import Occurrence

    first = demo.seed()
    # An hour later the first demo hearings have minutes left: a new pair is booked beside them.
    Occurrence.objects.filter(pk__in=[first["hearing"]["occurrence_id"], first["closed_hearing"]["occurrence_id"]]) \
        .update(end=timezone.now() + timedelta(minutes=5))
    second = demo.seed()
    assert second["hearing"]["id"] != first["hearing"]["id"]
    assert Hearing.objects.filter(status=Status.OPEN).count() == 4


def test_the_demo_bench_and_clerk_sign_in_with_the_printed_accounts_to_moderate(db):
    from django.test import Client

    public = demo.seed()["hearing"]
    room = f"/rooms/{public['occurrence_id']}/"
    for who in ("clerk", "judge"):
        browser = Client()
        assert browser.get(public[who]["join_url"])["Location"] == f"/accounts/login/?next={room}"
        assert public[who]["username"] and browser.login(username=public[who]["username"],
                                                         password=public[who]["password"])
        assert browser.get(public[who]["join_url"])["Location"] == room
        assert browser.get(room).status_code == 200
