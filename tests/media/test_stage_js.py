"""The room page's cameras on screen (static/js/room/media/stage.js: the limit, the speaker order,
pinning, simulcast layers) and quality levels (quality.js), under `node --test`."""

from tests.support.node import run_node_tests


def test_the_stage_and_quality_modules_pass_their_node_tests():
    run_node_tests("media_stage.test.mjs")
