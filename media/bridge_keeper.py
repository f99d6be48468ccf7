"""Hadir's side of the audio-only mixes (``media.audiobridge``): a Janus session per bridge, held by
the process that opened the bridge, with one plain-RTP participant ("leg") per VideoRoom publisher
and a VideoRoom ``rtp_forward`` of that publisher's audio to the leg's port.

Long-lived, so it runs where the live side's background work runs: ``run_forever`` is spawned by the
hub (``rooms.live.hub``, through the registered media engine). Each turn (``tick``) follows the
VideoRoom's publishers, reads the held sessions' events (a long poll in a worker thread, which also
keeps the session alive) and lets go of the bridges that were closed.
"""

from __future__ import annotations

import asyncio
import json
import logging
import secrets
import threading
import time
import urllib.parse
import urllib.request
import uuid
from concurrent.futures import Future, ThreadPoolExecutor
from dataclasses import dataclass, field

from django.db import connections

from media.audiobridge import close_bridges
from media.janus import AUDIOBRIDGE, VIDEOROOM, JanusRefused, JanusServer, JanusUnavailable
from media.models import AudioBridge

log = logging.getLogger(__name__)
TICK_SECONDS = 1.0
MAX_EVENTS = 100
JOIN_PATIENCE = 10.0
UNHEARD_SECONDS = 30.0
NO_SUCH_BRIDGE = 485  # JANUS_AUDIOBRIDGE_ERROR_NO_SUCH_ROOM
# Matches what the leg is told to expect; the forwarder rewrites the browser's Opus payload type.
OPUS_PT = 100
# The bridge's plain-RTP ports and the VideoRoom are in the same Janus process (deploy/janus keeps
# the legs on loopback); the leg's answer says where it listens.
FORWARD_HOST = "127.0.0.1"


@dataclass
class Leg:
    handle: int
    port: int | None = None
    host: str = "127.0.0.1"
    stream_id: int | None = None
    asked_at: float = field(default_factory=time.monotonic)


@dataclass
class Held:
    server: JanusServer
    session: int
    videoroom: int  # a VideoRoom handle on the same session, for Hadir's requests about the room
    legs: dict[int, Leg] = field(default_factory=dict)  # VideoRoom feed -> leg
    poll: Future | None = None
    kept_alive_at: float = field(default_factory=time.monotonic)
    listener_seen_at: float = field(default_factory=time.monotonic)

    def videoroom_request(self, body: dict) -> dict:
        keyed = {**body, "admin_key": self.server.admin_key} if self.server.admin_key else body
        answer = self.server.api(f"/{self.session}/{self.videoroom}", {"janus": "message", "body": keyed})
        return answer.get("plugindata", {}).get("data", {})


class BridgeKeeper:
    def __init__(self) -> None:
        self.id = uuid.uuid4().hex
        self.held: dict[int, Held] = {}  # AudioBridge pk -> Janus session held for it
        self.lock = threading.Lock()
        self.polls = ThreadPoolExecutor(max_workers=8, thread_name_prefix="janus-bridge-poll")

    async def run_forever(self) -> None:
        try:
            while True:
                try:
                    await asyncio.to_thread(_closing_connections, self.tick)
                except Exception:
                    log.exception("audio bridge keeper failed; retrying")
                await asyncio.sleep(TICK_SECONDS)
        finally:
            await asyncio.to_thread(_closing_connections, self.release_all)

    def tick(self) -> None:
        with self.lock:
            bridges = list(AudioBridge.objects.select_related("grant__janus_room").filter(
                keeper=self.id, closed_at__isnull=True))
            for pk in set(self.held) - {bridge.pk for bridge in bridges}:
                self._release(pk)
            for bridge in bridges:
                try:
                    self._feed(bridge)
                except (JanusUnavailable, JanusRefused) as exc:
                    log.warning("janus: feeding audio bridge %s: %s", bridge.room, exc)
                    self._release(bridge.pk)  # a fresh session next turn (e.g. after a Janus restart)
                    if isinstance(exc, JanusRefused) and exc.code == NO_SUCH_BRIDGE:
                        close_bridges(grants=[bridge.grant])  # Janus restarted: the page asks again

    def release_all(self) -> None:
        """The process stops: its mixes end with it (a page that comes back on another process asks
        for a new one as it reconnects its media)."""
        with self.lock:
            for pk in list(self.held):
                self._release(pk)
            mine = AudioBridge.objects.filter(keeper=self.id, closed_at__isnull=True).values_list("grant", flat=True)
            close_bridges(grants=list(mine))

    # One bridge ---------------------------------------------------------------------------------

    def _feed(self, bridge: AudioBridge) -> None:
        room = bridge.grant.janus_room
        held = self.held.get(bridge.pk)
        if held is None:
            server = room.janus
            session = server.api("", {"janus": "create"})["data"]["id"]
            videoroom = server.api(f"/{session}", {"janus": "attach", "plugin": VIDEOROOM})["data"]["id"]
            held = self.held[bridge.pk] = Held(server=server, session=session, videoroom=videoroom)
        if time.monotonic() - held.kept_alive_at > 15:
            held.server.api(f"/{held.session}", {"janus": "keepalive"})
            held.kept_alive_at = time.monotonic()
            if not self._listened(held, bridge):
                return
        self._read_events(held)
        listed = held.videoroom_request({"request": "listparticipants", "room": room.room})
        wanted = {p["id"] for p in listed.get("participants", []) if p.get("publisher") and p["id"] != bridge.own_feed}
        for feed in wanted - set(held.legs):
            handle = held.server.api(f"/{held.session}", {"janus": "attach", "plugin": AUDIOBRIDGE})["data"]["id"]
            held.legs[feed] = Leg(handle=handle)
            held.server.api(f"/{held.session}/{handle}", {"janus": "message", "body": {
                "request": "join", "room": bridge.room, "pin": bridge.pin, "secret": bridge.secret,
                "token": bridge.keeper_token, "display": f"feed {feed}", "muted": False,
                "rtp": {"payload_type": OPUS_PT}}})
        for feed in set(held.legs) - wanted:  # unpublished or left: its forwarders went with it
            self._detach(held, held.legs.pop(feed))
        for feed, leg in list(held.legs.items()):
            if leg.port is not None and leg.stream_id is None:
                self._forward(held, room, feed, leg)
            elif leg.port is None and time.monotonic() - leg.asked_at > JOIN_PATIENCE:  # no answer: again
                self._detach(held, held.legs.pop(feed))
        if held.poll is None:
            held.poll = self.polls.submit(_long_poll, held.server, held.session)

    def _listened(self, held: Held, bridge: AudioBridge) -> bool:
        """A mix nobody listens to (the page left the call, or its tab closed) is closed: its legs
        would cost Janus a decoder each for nothing. The page asks again when it comes back."""
        listed = held.server.plugin_request(AUDIOBRIDGE, {"request": "listparticipants", "room": bridge.room})
        if any(not p.get("display", "").startswith("feed ") for p in listed.get("participants", [])):
            held.listener_seen_at = time.monotonic()
        elif time.monotonic() - held.listener_seen_at > UNHEARD_SECONDS:
            close_bridges(grants=[bridge.grant])
            self._release(bridge.pk)
            return False
        return True

    def _read_events(self, held: Held) -> None:
        if held.poll is None or not held.poll.done():
            return
        poll, held.poll = held.poll, None
        events = poll.result()  # raises JanusUnavailable if the session or Janus is gone
        batch = events
        while len(batch) >= MAX_EVENTS:  # more are queued (every leg hears of every other joining)
            batch = _long_poll(held.server, held.session)
            events += batch
        by_handle = {leg.handle: leg for leg in held.legs.values()}
        for event in events:
            data = event.get("plugindata", {}).get("data", {})
            leg = by_handle.get(event.get("sender"))
            if leg is not None and data.get("audiobridge") == "joined" and "rtp" in data:
                leg.port, leg.host = data["rtp"]["port"], data["rtp"].get("ip") or FORWARD_HOST

    def _forward(self, held: Held, room, feed: int, leg: Leg) -> None:
        try:
            answer = held.videoroom_request({
                "request": "rtp_forward", "room": room.room, "secret": room.secret, "publisher_id": feed,
                "host": leg.host, "audio_port": leg.port, "audio_pt": OPUS_PT})
        except JanusRefused as exc:  # e.g. the publisher left meanwhile: next turn leaves the leg
            log.info("janus: forwarding feed %s: %s", feed, exc)
            return
        forwarders = answer.get("forwarders") or answer.get("rtp_stream", {}).get("forwarders", [])
        leg.stream_id = next((f.get("stream_id") for f in forwarders if f.get("type", "audio") == "audio"), None)

    def _detach(self, held: Held, leg: Leg) -> None:
        try:
            held.server.api(f"/{held.session}/{leg.handle}", {"janus": "detach"})
        except (JanusUnavailable, JanusRefused):
            pass

    def _release(self, pk: int) -> None:
        """Let go of a bridge's session (Janus takes its legs out of the bridge); the VideoRoom's
        forwarders to their ports are stopped when the publishers are still there."""
        held = self.held.pop(pk, None)
        if held is None:
            return
        bridge = AudioBridge.objects.select_related("grant__janus_room").filter(pk=pk).first()
        room = bridge.grant.janus_room if bridge else None
        for feed, leg in held.legs.items():
            if room is not None and leg.stream_id is not None and room.closed_at is None:
                try:
                    held.videoroom_request({"request": "stop_rtp_forward", "room": room.room, "secret": room.secret,
                                            "publisher_id": feed, "stream_id": leg.stream_id})
                except (JanusUnavailable, JanusRefused):
                    pass
        try:
            held.server.api(f"/{held.session}", {"janus": "destroy"})
        except (JanusUnavailable, JanusRefused):
            pass


def _closing_connections(work) -> None:
    """A turn in a worker thread: its database connection goes back (to the pool) at the end, as
    a request's does, instead of staying with a thread nobody else uses."""
    try:
        work()
    finally:
        connections.close_all()


def _long_poll(server: JanusServer, session: int) -> list[dict]:
    """Events of a held session (Janus answers within 30 s, sooner with news); a poll keeps it alive."""
    query = {"maxev": MAX_EVENTS, "rid": secrets.randbelow(10**9)}
    if server.api_secret:
        query["apisecret"] = server.api_secret
    url = f"{server.url}/{session}?{urllib.parse.urlencode(query)}"
    if not url.startswith(("http://", "https://")):
        raise JanusUnavailable(url)
    try:
        with urllib.request.urlopen(url, timeout=40) as response:  # noqa: S310
            answer = json.loads(response.read())
    except (OSError, ValueError) as exc:
        raise JanusUnavailable(str(exc)) from exc
    events = answer if isinstance(answer, list) else [answer]
    if any(event.get("janus") == "error" for event in events):
        raise JanusUnavailable(f"session {session} is gone")
    return events


KEEPER = BridgeKeeper()


def wait_until(condition, timeout: float = 10.0) -> bool:
    """For tests and scripts: run the keeper's turns until ``condition()`` holds."""
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        KEEPER.tick()
        if condition():
            return True
        time.sleep(0.2)
    return False
