// The connections: a full mesh of RTCPeerConnections, one per other participant in the call,
// negotiated over the room socket's `signal` messages with the "perfect negotiation" pattern
// (docs/protocol.md, "Audio and video").
import { describe, makeTile, tileState } from "./tiles.js";

// Diagnostics: a page that sets window.hadirMediaTrace = [] gets the signalling steps logged there.
function trace(...parts) { if (window.hadirMediaTrace) { window.hadirMediaTrace.push(parts.join(" ")); } }

export function createPeers(call) {
  const { T, send } = call;
  const peers = new Map(); // participant id -> peer
  let firstFrameAt = null;

  // Each connection has its own id, so that signals meant for an earlier connection (before a
  // reload or a reconnect) are told apart from a fresh start.
  function signal(peer, data) {
    trace("out", peer.id.slice(0, 4), data.description ? data.description.type : "cand", peer.pc.signalingState);
    data.sid = peer.session;
    if (peer.remoteSession) { data.rsid = peer.remoteSession; }
    send({ type: "signal", to: peer.id, data: data });
  }

  function attachTracks(peer) {
    const local = call.local;
    if (!local) { return; }
    const pc = peer.pc;
    local.getTracks().forEach((track) => {
      const sender = pc.getSenders().find((s) => s.track && s.track.kind === track.kind);
      if (sender) {
        if (sender.track !== track) { sender.replaceTrack(track); }
        return;
      }
      const spare = pc.getTransceivers().find((t) => !t.stopped && t.receiver.track.kind === track.kind && !t.sender.track && t.direction === "recvonly");
      if (spare) {
        spare.sender.replaceTrack(track);
        spare.direction = "sendrecv";
        if (spare.sender.setStreams) { spare.sender.setStreams(local); }
      } else {
        pc.addTrack(track, local);
      }
    });
    ["audio", "video"].forEach((kind) => {
      const has = pc.getTransceivers().some((t) => !t.stopped && t.receiver.track.kind === kind);
      if (!has) { pc.addTransceiver(kind, { direction: "recvonly" }); }
    });
  }

  function create(id, answering) {
    const peer = {
      id: id,
      polite: call.me.id < id,
      makingOffer: false,
      ignoreOffer: false,
      confirmed: false,
      session: Math.random().toString(36).slice(2) + Date.now().toString(36),
      remoteSession: null,
      queue: Promise.resolve(),
      restarts: 0,
      timer: null,
      pc: new RTCPeerConnection({ iceServers: call.setup.ice_servers || [] }),
    };
    const p = call.people.get(id);
    peer.tile = makeTile(id, p ? p.name : "");
    tileState(peer, "connecting", T.connecting);
    const pc = peer.pc;
    pc.addEventListener("track", (event) => {
      let stream = event.streams[0];
      if (!stream) {
        stream = peer.tile.video.srcObject || new MediaStream();
        stream.addTrack(event.track);
      }
      if (peer.tile.video.srcObject !== stream) { peer.tile.video.srcObject = stream; }
    });
    peer.tile.video.addEventListener("loadeddata", () => {
      if (firstFrameAt === null) { firstFrameAt = performance.now(); }
    });
    pc.addEventListener("icecandidate", (event) => {
      if (event.candidate) { signal(peer, { candidate: event.candidate.toJSON() }); }
    });
    pc.addEventListener("negotiationneeded", () => {
      trace("nn", id.slice(0, 4), pc.signalingState);
      peer.queue = peer.queue.then(() => {
        peer.makingOffer = true;
        return pc.setLocalDescription().then(() => signal(peer, { description: pc.localDescription.toJSON() }));
      }).catch((error) => {
        console.warn("media: offer failed", error);
        trace("offer failed", error);
      }).then(() => { peer.makingOffer = false; });
    });
    pc.addEventListener("connectionstatechange", () => connectionChanged(peer));
    pc.addEventListener("iceconnectionstatechange", () => {
      if (pc.iceConnectionState === "failed") { restart(peer); }
    });
    // A peer that never connects is shown as such on its own tile; the others are unaffected.
    peer.timer = setTimeout(() => watchdog(peer), 10000);
    peers.set(id, peer);
    trace("create", id.slice(0, 4), peer.session, peer.polite);
    // The impolite side offers first; the polite side adds its tracks to the transceivers of that
    // offer, so that the first negotiation has no glare. It offers itself if no offer comes.
    if (peer.polite || answering) {
      peer.waiting = setTimeout(() => start(peer), 3000);
    } else {
      start(peer);
    }
    describe(call, peer);
    return peer;
  }

  function start(peer) {
    clearTimeout(peer.waiting);
    if (peer.started || peers.get(peer.id) !== peer) { return; }
    peer.started = true;
    attachTracks(peer);
  }

  // A connection still not up after a while is started afresh (the other side follows, seeing a new
  // connection id); after a few tries its tile says it cannot connect, and it keeps trying.
  function watchdog(peer) {
    if (peers.get(peer.id) !== peer || peer.pc.connectionState === "connected") { return; }
    const attempts = (peer.attempts || 0) + 1;
    close(peer.id);
    const fresh = create(peer.id);
    fresh.attempts = attempts;
    fresh.confirmed = peer.confirmed;
    if (attempts >= 2) { tileState(fresh, "failed", T.cannot_connect); }
  }

  function connectionChanged(peer) {
    const state = peer.pc.connectionState;
    if (state === "connected") {
      peer.restarts = 0;
      tileState(peer, "connected", "");
    } else if (state === "disconnected") {
      tileState(peer, "reconnecting", T.reconnecting);
      setTimeout(() => {
        if (peers.get(peer.id) === peer && peer.pc.connectionState === "disconnected") { restart(peer); }
      }, 4000);
    } else if (state === "failed") {
      tileState(peer, "failed", T.cannot_connect);
      restart(peer);
    }
  }

  function restart(peer) {
    if (peers.get(peer.id) !== peer || peer.restarts >= 5) { return; }
    peer.restarts += 1;
    peer.pc.restartIce();
  }

  function close(id) {
    const peer = peers.get(id);
    if (!peer) { return; }
    peers.delete(id);
    clearTimeout(peer.waiting);
    trace("close", id.slice(0, 4));
    clearTimeout(peer.timer);
    peer.pc.close();
    peer.tile.video.srcObject = null;
    peer.tile.figure.remove();
  }

  function closeAll() { Array.from(peers.keys()).forEach(close); }

  // Connect to everyone present and in the call; let go of whoever left, was removed, or left the call.
  function sync() {
    if (!call.joined || !call.me) { return; }
    call.people.forEach((p) => {
      if (p.id === call.me.id || p.status !== "present" || !p.media) { return; }
      const peer = peers.get(p.id) || create(p.id);
      peer.confirmed = true;
      describe(call, peer);
    });
    Array.from(peers.values()).forEach((peer) => {
      const p = call.people.get(peer.id);
      if (!p || p.status === "waiting" || (peer.confirmed && (!p.media || p.status !== "present"))) {
        close(peer.id);
      }
    });
  }

  // Perfect negotiation: the polite side (the lower participant id) rolls back its own offer on
  // glare; the impolite side ignores the colliding offer.
  function onSignal(from, data) {
    trace("in", from.slice(0, 4), data.description ? data.description.type : "cand", data.sid, data.rsid, peers.get(from) && peers.get(from).session);
    if (!call.joined || !data || typeof data !== "object") { return; }
    let peer = peers.get(from);
    if (data.rsid && (!peer || data.rsid !== peer.session)) { return; } // meant for an earlier connection
    if (peer && data.sid && peer.remoteSession && peer.remoteSession !== data.sid) {
      close(from); // the other side started afresh (a reload, or back after a drop)
      peer = null;
    }
    if (!peer) {
      const p = call.people.get(from);
      if (!p || p.status !== "present") { return; } // e.g. a late candidate from someone who left
      peer = create(from, !!data.description && data.description.type === "offer");
    }
    if (data.sid) { peer.remoteSession = data.sid; }
    const pc = peer.pc;
    peer.queue = peer.queue.then(() => {
      if (data.description) {
        const description = data.description;
        const collision = description.type === "offer" && (peer.makingOffer || pc.signalingState !== "stable");
        peer.ignoreOffer = !peer.polite && collision;
        trace("offer?", from.slice(0, 4), collision, peer.ignoreOffer, pc.signalingState, peer.makingOffer);
        if (peer.ignoreOffer) { return null; }
        const ready = collision
          ? pc.setLocalDescription({ type: "rollback" }).then(() => pc.setRemoteDescription(description))
          : pc.setRemoteDescription(description);
        return ready.then(() => {
          if (description.type !== "offer") { return null; }
          start(peer);
          return pc.setLocalDescription().then(() => signal(peer, { description: pc.localDescription.toJSON() }));
        });
      }
      if (data.candidate) {
        return pc.addIceCandidate(data.candidate).catch((error) => {
          if (!peer.ignoreOffer) { throw error; }
        });
      }
      return null;
    }).catch((error) => {
      console.warn("media: signal failed", error);
      trace("signal failed", error);
    });
  }

  // For tests and diagnostics: what each connection receives, from getStats.
  function stats() {
    const result = {};
    return Promise.all(Array.from(peers.values()).map((peer) => peer.pc.getStats().then((report) => {
      const entry = { state: peer.pc.connectionState, framesDecoded: 0, audioPackets: 0, tile: peer.tile.figure.dataset.state };
      report.forEach((stat) => {
        if (stat.type !== "inbound-rtp") { return; }
        if (stat.kind === "video") { entry.framesDecoded += stat.framesDecoded || 0; }
        if (stat.kind === "audio") { entry.audioPackets += stat.packetsReceived || 0; }
      });
      result[peer.id] = entry;
    }))).then(() => result);
  }

  return {
    sync, onSignal, closeAll, stats,
    attachAll: () => peers.forEach(attachTracks),
    ids: () => Array.from(peers.keys()),
    firstFrameAt: () => firstFrameAt,
  };
}
