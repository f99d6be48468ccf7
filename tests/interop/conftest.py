"""Three independent readers of iCalendar, as calendar apps use them: ``icalendar`` with
``recurring-ical-events`` (Python), ``vobject`` (Python, used by CalDAV servers such as Radicale),
and ``ical.js`` (JavaScript: Thunderbird and many web calendars), run by node.

``ical.js`` comes from ``tests/js/package.json`` (exact version, lock file): ``.ci/run`` runs
``npm ci`` there; outside CI the fixture does it once when ``node_modules`` is missing. Without
node or npm the tests skip, or fail when HADIR_REQUIRE_SERVICES=1.
"""

import json
import shutil
import subprocess
from datetime import UTC, datetime, timedelta
from pathlib import Path

import pytest
import recurring_ical_events
import vobject
from icalendar import Calendar

from tests.notifications.conftest import smtp_server, sync_tasks  # noqa: F401 - fixtures
from tests.support.services import services_required

JS = Path(__file__).resolve().parents[1] / "js"
FAR = timedelta(days=900)


def _missing(reason: str):
    if services_required():
        pytest.fail(f"{reason} (HADIR_REQUIRE_SERVICES=1)")
    pytest.skip(reason)


@pytest.fixture(scope="session")
def node() -> str:
    node = shutil.which("node")
    if node is None:
        _missing("node is missing")
    if not (JS / "node_modules" / "ical.js" / "package.json").exists():
        npm = shutil.which("npm")
        if npm is None:
            _missing("npm is missing (needed once for ical.js)")
        result = subprocess.run([npm, "ci", "--no-audit", "--no-fund"], cwd=JS, capture_output=True, text=True,
                                timeout=300)
        if result.returncode != 0:
            _missing(f"npm ci in tests/js failed: {result.stderr[-500:]}")
    return node


class Readers:
    """Each reader answers the same question: which sittings (UTC start, end) a client shows."""

    def __init__(self, node: str):
        self.node = node

    # icalendar + recurring-ical-events
    def icalendar(self, data: bytes) -> Calendar:
        return Calendar.from_ical(data)

    def recurring(self, data: bytes) -> list[tuple]:
        now = datetime.now(UTC)
        shown = recurring_ical_events.of(Calendar.from_ical(data)).between(now - FAR, now + FAR)
        return sorted(
            (c["DTSTART"].dt.astimezone(UTC), c["DTEND"].dt.astimezone(UTC))
            for c in shown if str(c.get("STATUS", "")) != "CANCELLED"
        )

    # vobject
    def vobject(self, data: bytes):
        return vobject.readOne(data.decode("utf-8"))

    def vobject_sittings(self, data: bytes) -> list[tuple]:
        calendar = self.vobject(data)
        overrides, masters = {}, []
        for vevent in calendar.vevent_list:
            if hasattr(vevent, "recurrence_id"):
                overrides[(vevent.uid.value, vevent.recurrence_id.value.astimezone(UTC))] = vevent
            else:
                masters.append(vevent)
        shown = []
        for master in masters:
            length = master.dtend.value - master.dtstart.value
            starts = list(master.getrruleset(addRDate=True)) if hasattr(master, "rrule") else [master.dtstart.value]
            for start in starts:
                override = overrides.get((master.uid.value, start.astimezone(UTC)))
                status = getattr(override or master, "status", None)
                if status is not None and status.value == "CANCELLED":
                    continue
                if override is not None:
                    shown.append((override.dtstart.value.astimezone(UTC), override.dtend.value.astimezone(UTC)))
                else:
                    shown.append((start.astimezone(UTC), (start + length).astimezone(UTC)))
        return sorted(shown)

    # ical.js
    def icaljs(self, data: bytes) -> dict:
        now = datetime.now(UTC)
        window = [(now - FAR).strftime("%Y-%m-%dT%H:%M:%SZ"), (now + FAR).strftime("%Y-%m-%dT%H:%M:%SZ")]
        result = subprocess.run([self.node, str(JS / "ical_expand.mjs"), *window], input=data, cwd=JS,
                                capture_output=True, timeout=60)
        assert result.returncode == 0, result.stderr.decode()[-2000:]
        return json.loads(result.stdout)

    def icaljs_sittings(self, data: bytes) -> list[tuple]:
        def instant(text):
            return datetime.fromisoformat(text.replace("Z", "+00:00"))

        sittings = self.icaljs(data)["sittings"]
        return sorted((instant(s["start"]), instant(s["end"])) for s in sittings if s["status"] != "CANCELLED")


@pytest.fixture
def readers(node) -> Readers:
    return Readers(node)
