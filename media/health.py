"""Janus as operations see it (for ``/healthz/details`` and ``/metrics``): each server's reach and
load, read from its admin API."""

from __future__ import annotations

from media.janus import VIDEOROOM, JanusRefused, JanusUnavailable
from media.models import JanusRoom
from media.servers import janus_servers


def janus_status() -> list[dict]:
    """Per configured server: ``url``, ``reachable``, ``sessions`` (browsers' and Hadir's Janus
    sessions), ``rooms`` (Hadir's open sittings there), ``publishers`` and ``subscribers`` (handles
    of the VideoRoom in each role). Empty when Janus is not configured."""
    result = []
    for server in janus_servers():
        entry = {"url": server.url, "reachable": False, "sessions": 0,
                 "rooms": JanusRoom.objects.filter(server=server.url, closed_at__isnull=True).count(),
                 "publishers": 0, "subscribers": 0}
        try:
            sessions = server.admin("", {"janus": "list_sessions"}).get("sessions", [])
            entry["reachable"], entry["sessions"] = True, len(sessions)
            for session in sessions:
                for handle in server.admin(f"/{session}", {"janus": "list_handles"}).get("handles", []):
                    info = server.admin(f"/{session}/{handle}", {"janus": "handle_info"}).get("info", {})
                    if info.get("plugin") != VIDEOROOM:
                        continue
                    kind = info.get("plugin_specific", {}).get("type")
                    if kind == "publisher":
                        entry["publishers"] += 1
                    elif kind == "subscriber":
                        entry["subscribers"] += 1
        except (JanusUnavailable, JanusRefused):
            pass
        result.append(entry)
    return result
