"""A JavaScript module's own cases under `node --test`. Without node the test skips, or fails when
HADIR_REQUIRE_SERVICES=1."""

import shutil
import subprocess
from pathlib import Path

import pytest

from tests.support.services import services_required

JS_TESTS = Path(__file__).resolve().parent.parent / "js"


def run_node_tests(name: str) -> None:
    node = shutil.which("node")
    if node is None:
        if services_required():
            pytest.fail("node is required (HADIR_REQUIRE_SERVICES=1) but is not on PATH")
        pytest.skip("node is missing")
    result = subprocess.run([node, "--test", str(JS_TESTS / name)], capture_output=True, text=True, timeout=60)
    assert result.returncode == 0, result.stdout + result.stderr
    assert "# fail 0" in result.stdout
