"""Which audio and video a room gets (issue 20): Janus when configured, else the mesh for small
rooms; above it an external link only where the organisation opted in, never for a closed hearing."""

import pytest

from media.models import MediaGrant
from rooms import selectors
from tests.rooms.factories import make_room

pytestmark = pytest.mark.django_db


def mode(room, **kwargs):
    return selectors.media_setup(occurrence=room.occurrence, attendee=room.people[0], **kwargs)["mode"]


def test_without_janus_small_rooms_keep_the_mesh_and_larger_ones_the_sites_link(settings):
    settings.JANUS_URL, settings.HADIR_MESH_MAX_PARTICIPANTS = [], 2
    assert mode(make_room(people=("Ani",))) == "mesh"
    assert mode(make_room(people=("Ani", "Budi", "Cici"))) == "link"


def test_with_janus_every_room_uses_it_whatever_its_size(settings):
    settings.JANUS_URL, settings.JANUS_ADMIN_URL = ["http://127.0.0.1:1/janus"], ["http://127.0.0.1:1/admin"]
    settings.HADIR_MESH_MAX_PARTICIPANTS = 2
    assert mode(make_room(people=("Ani",))) == "janus"
    room = make_room(people=("Ani", "Budi", "Cici"))
    setup = selectors.media_setup(occurrence=room.occurrence, attendee=room.people[0])
    assert setup["mode"] == "janus" and setup["link"] == ""


def test_a_janus_room_answers_the_page_socket_only_with_a_ticket_not_in_the_page(client, settings):
    """The page says which engine; the token comes over the room socket to an admitted connection."""
    settings.JANUS_URL, settings.JANUS_ADMIN_URL = ["http://127.0.0.1:1/janus"], ["http://127.0.0.1:1/admin"]
    room = make_room(people=("Ani",))
    client.get(room.people[0].join_path)
    page = client.get(f"/rooms/{room.id}/")
    assert page.context["media"]["mode"] == "janus" and "token" not in page.context["media"]
    assert not MediaGrant.objects.exists()


@pytest.mark.parametrize(("kind", "tiles"), [("", 9), ("class", 9), ("hearing", 16)])
def test_the_number_of_cameras_on_screen_is_the_rooms_policy(settings, kind, tiles):
    from rooms.policies import policy_for

    settings.JANUS_URL, settings.JANUS_ADMIN_URL = ["http://127.0.0.1:9/janus"], ["http://127.0.0.1:9/admin"]
    room = make_room(people=("Ani",))
    policy = policy_for(room.occurrence.event)
    if kind:
        from rooms.policies import _registry

        policy = _registry[kind]
    assert selectors.media_setup(occurrence=room.occurrence, attendee=room.people[0], policy=policy)["tiles"] == tiles
    settings.HADIR_MEDIA_TILES = 20  # a deployment that shows more: hearings too
    assert policy.media_tiles(room.occurrence) == 20
