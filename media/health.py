"""Janus as operations see it (for ``/healthz/details`` and ``/metrics``): each server's reach and
load, read from its admin API with short timeouts, so that a Janus that hangs cannot hang the probe."""

from __future__ import annotations

import dataclasses
import time

from media.janus import VIDEOROOM, JanusRefused, JanusUnavailable
from media.models import JanusRoom
from media.servers import janus_servers

# Each admin request, and all of one server's requests together (a server with thousands of handles
# is counted partly rather than late: ``complete`` says so).
REQUEST_TIMEOUT_SECONDS = 1.0
SERVER_BUDGET_SECONDS = 2.0


def janus_status() -> list[dict]:
    """Per configured server: ``url``, ``reachable``, ``sessions`` (browsers' and Hadir's Janus
    sessions), ``rooms`` (Hadir's open sittings there), ``publishers`` and ``subscribers`` (handles
    of the VideoRoom in each role), ``complete`` (False when the budget ran out while counting).
    Empty when Janus is not configured."""
    result = []
    for configured in janus_servers():
        server = dataclasses.replace(configured, timeout=REQUEST_TIMEOUT_SECONDS)
        entry = {"url": server.url, "reachable": False, "sessions": 0,
                 "rooms": JanusRoom.objects.filter(server=server.url, closed_at__isnull=True).count(),
                 "publishers": 0, "subscribers": 0, "complete": True}
        deadline = time.monotonic() + SERVER_BUDGET_SECONDS
        try:
            sessions = server.admin("", {"janus": "list_sessions"}).get("sessions", [])
            entry["reachable"], entry["sessions"] = True, len(sessions)
            for session in sessions:
                for handle in _handles(server, session):
                    if time.monotonic() > deadline:
                        entry["complete"] = False
                        break
                    info = _handle_info(server, session, handle)
                    if info.get("plugin") != VIDEOROOM:
                        continue
                    kind = info.get("plugin_specific", {}).get("type")
                    if kind == "publisher":
                        entry["publishers"] += 1
                    elif kind == "subscriber":
                        entry["subscribers"] += 1
                if not entry["complete"]:
                    break
        except JanusUnavailable:
            entry["complete"] = not entry["reachable"]
        except JanusRefused:
            pass  # a wrong admin secret: reachable or not, nothing to count
        result.append(entry)
    return result


def _handles(server, session) -> list:
    try:
        return server.admin(f"/{session}", {"janus": "list_handles"}).get("handles", [])
    except JanusRefused:
        return []  # the session ended meanwhile


def _handle_info(server, session, handle) -> dict:
    try:
        return server.admin(f"/{session}/{handle}", {"janus": "handle_info"}).get("info", {})
    except JanusRefused:
        return {}
