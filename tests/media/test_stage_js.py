"""The room page's cameras on screen (static/js/room/media/stage.js: the limit, the speaker order,
pinning, simulcast layers) and quality levels (quality.js), under `node --test`. Without node the
test skips, or fails when HADIR_REQUIRE_SERVICES=1."""

import shutil
import subprocess
from pathlib import Path

import pytest

from tests.support.services import services_required

TESTS = Path(__file__).resolve().parent.parent / "js" / "media_stage.test.mjs"


def test_the_stage_and_quality_modules_pass_their_node_tests():
    node = shutil.which("node")
    if node is None:
        if services_required():
            pytest.fail("node is required (HADIR_REQUIRE_SERVICES=1) but is not on PATH")
        pytest.skip("node is missing")
    result = subprocess.run([node, "--test", str(TESTS)], capture_output=True, text=True, timeout=60)
    assert result.returncode == 0, result.stdout + result.stderr
    assert "# fail 0" in result.stdout
