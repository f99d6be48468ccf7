"""axe-core in the browser tests: ``axe_violations(page)`` lists what a page breaks of WCAG 2 A/AA.

axe-core comes from npm (``tests/js/package.json``, exact version in its lock file); when it is not
installed yet, ``npm ci --prefix tests/js`` installs it (without npm: a skip, or a failure in CI).
The pages under test are served by the test Daphne with DEBUG on, so no Content-Security-Policy
stands in the way of the injected script (a context made with ``bypass_csp=True`` does the same
against a production server).
"""

import shutil
import subprocess
import threading
from pathlib import Path

import pytest

from tests.support.services import services_required

JS = Path(__file__).resolve().parents[1] / "js"
AXE = JS / "node_modules" / "axe-core" / "axe.min.js"
TAGS = ["wcag2a", "wcag2aa", "wcag21a", "wcag21aa"]
_install = threading.Lock()


def axe_script() -> Path:
    """The path of axe.min.js, installed with ``npm ci`` when missing."""
    with _install:
        if not AXE.exists():
            npm = shutil.which("npm")
            if npm is None:
                message = "npm is needed to install axe-core (apt-get install npm)"
                if services_required():
                    pytest.fail(message)
                pytest.skip(message)
            subprocess.run([npm, "ci", "--prefix", str(JS), "--no-audit", "--no-fund"], check=True,
                           capture_output=True, timeout=300)
    return AXE


def axe_violations(page) -> list[dict]:
    """Run axe-core on the page as it is now; each violation with its rule, impact, help text and
    the elements (CSS selectors) that break it. An empty list: nothing found."""
    if not page.evaluate("() => typeof window.axe !== 'undefined'"):
        page.add_script_tag(path=str(axe_script()))
    violations = page.evaluate(
        "async (tags) => (await axe.run(document, {runOnly: {type: 'tag', values: tags}})).violations", TAGS,
    )
    return [
        {"id": item["id"], "impact": item["impact"], "help": item["help"],
         "nodes": [node["target"] for node in item["nodes"]]}
        for item in violations
    ]
