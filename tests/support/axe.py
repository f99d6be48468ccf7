"""axe-core in a Playwright page: ``axe(page)`` returns the accessibility violations of what it shows.

axe-core is an npm package of the tests (``tests/js/package.json``, exact version in its lock file),
installed with ``npm ci`` by ``.ci/run`` or, on first use, by ``axe_source`` here. Without node/npm
(or the package) a test skips, or fails when HADIR_REQUIRE_SERVICES=1.
"""

from __future__ import annotations

import shutil
import subprocess
import threading
from pathlib import Path

import pytest

from tests.support.services import services_required

PACKAGE_DIR = Path(__file__).resolve().parent.parent / "js"
AXE_JS = PACKAGE_DIR / "node_modules" / "axe-core" / "axe.min.js"
# WCAG 2.1 A and AA, and axe's best practices that are about people (landmarks, headings).
TAGS = ["wcag2a", "wcag2aa", "wcag21a", "wcag21aa"]

_install_lock = threading.Lock()


def _unavailable(reason: str):
    if services_required():
        pytest.fail(f"axe-core is required (HADIR_REQUIRE_SERVICES=1): {reason}")
    pytest.skip(f"axe-core is unavailable: {reason}")


def axe_source() -> str:
    """The text of axe.min.js, installed with ``npm ci`` from the lock file when missing."""
    with _install_lock:
        if not AXE_JS.exists():
            npm = shutil.which("npm")
            if npm is None:
                _unavailable("npm is not on PATH")
            result = subprocess.run([npm, "ci", "--no-audit", "--no-fund", "--silent"], cwd=PACKAGE_DIR,
                                    capture_output=True, text=True, timeout=300)
            if result.returncode != 0 or not AXE_JS.exists():
                _unavailable(f"npm ci failed: {result.stderr.strip()[-500:]}")
    return AXE_JS.read_text()


def axe(page, *, include: str | None = None, disable: tuple[str, ...] = ()) -> list[dict]:
    """Run axe-core on the page as it is now; the violations, each ``{id, impact, help, nodes: [html…]}``.

    ``include``: a CSS selector to check only that part; ``disable``: rule ids to leave out (say why
    where you pass one)."""
    if not page.evaluate("() => typeof window.axe === 'object'"):
        # Through the DevTools protocol, which the page's Content-Security-Policy does not govern
        # (a <script> tag would be refused under the production policy).
        page.evaluate(axe_source())
    options = {"runOnly": {"type": "tag", "values": TAGS}, "rules": {rule: {"enabled": False} for rule in disable}}
    result = page.evaluate(
        "([context, options]) => window.axe.run(context || document, options)", [include, options]
    )
    return [
        {"id": v["id"], "impact": v["impact"], "help": v["help"],
         "nodes": [node["html"] for node in v["nodes"]][:5]}
        for v in result["violations"]
    ]


def describe(violations: list[dict]) -> str:
    """A readable assertion message."""
    return "\n".join(f"{v['id']} ({v['impact']}): {v['help']}\n    " + "\n    ".join(v["nodes"]) for v in violations)
