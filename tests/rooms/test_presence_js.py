"""The room page applies presence.state and presence.diff with one JavaScript module
(static/js/room/presence.js); its cases (join, leave, update, a stale diff, a gap) run under
`node --test`."""

from tests.support.node import run_node_tests


def test_the_room_pages_presence_module_passes_its_node_tests():
    run_node_tests("presence.test.mjs")
