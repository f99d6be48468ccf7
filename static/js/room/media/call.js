// Built-in audio and video for small rooms: entering and leaving the call, the camera and
// microphone switches, and what the room's events mean for them. The devices (devices.js), the
// connections (peers.js) and the tiles (tiles.js) do the rest. Text only ever via textContent.
import { byId, readJSON } from "../../lib/dom.js";
import { strings } from "../../lib/i18n.js";
import { createDevices, supported } from "./devices.js";
import { createJanus } from "./janus.js";
import { createPeers } from "./peers.js";
import { createQuality } from "./quality.js";
import { clearTiles, message, renderControls, selfTile } from "./tiles.js";

// Returns the handle for tests and diagnostics, or null when the page has no media section.
export function setUpMedia({ bus, send }) {
  const section = byId("media");
  if (!section) { return null; }
  const call = {
    setup: readJSON("media-setup"),
    T: strings("media-strings"),
    send: send,
    me: null,
    people: new Map(),
    local: null,      // the local MediaStream (possibly without video or audio)
    joined: false,    // in the call
    cameraOn: false,
    micOn: false,
  };
  const { setup, T } = call;
  const janus = setup.mode === "janus";
  const peers = janus ? createJanus(call) : createPeers(call);
  const devices = createDevices(call, useStream);
  const quality = janus ? createQuality(call, peers.connections) : null;
  // Asking for a Janus ticket until one comes (the media server may be restarting: the room answers
  // "unavailable" meanwhile).
  let ticketTimer = null;
  function askTicket(delay) {
    clearTimeout(ticketTimer);
    const ask = () => {
      if (!call.joined) { return; }
      send({ type: "media.ticket" });
      ticketTimer = setTimeout(ask, 6000);
    };
    ticketTimer = setTimeout(ask, delay);
  }
  let reconnecting = false;
  call.ticketLost = () => {
    reconnecting = true;
    message(T.reconnecting_media);
    askTicket(1000);
  };
  let admittedAt = null;
  let previewStarted = false;
  let wasDisconnected = false;

  function admitted() {
    section.hidden = false;
    if (admittedAt === null) { admittedAt = performance.now(); }
    if (setup.mode !== "mesh" && !janus) { return; }
    if (!setup.may_send) {
      // A listen-only role in a Janus room watches and listens: nothing to ask of the devices.
      if (janus && !previewStarted) { previewStarted = true; byId("media-prejoin").hidden = false; }
      return;
    }
    if (!window.isSecureContext) { message(T.insecure); return; }
    if (!supported()) { message(T.unsupported); return; }
    if (!previewStarted) {
      previewStarted = true;
      byId("media-prejoin").hidden = false;
      devices.acquire({});
    }
  }

  function useStream(stream) {
    const old = call.local;
    call.local = stream;
    call.cameraOn = stream.getVideoTracks().length > 0 && (!old || call.cameraOn || !call.joined);
    call.micOn = stream.getAudioTracks().length > 0 && (!old || call.micOn || !call.joined);
    applyEnabled();
    byId("media-preview").srcObject = stream;
    devices.startMeter(stream);
    peers.attachAll();
    if (old && old !== stream) {
      old.getTracks().forEach((track) => { if (stream.getTracks().indexOf(track) < 0) { track.stop(); } });
    }
    const self = byId("media-self-video");
    if (self) { self.srcObject = stream; }
    renderControls(call);
    if (call.joined) { announce(); }
  }

  function applyEnabled() {
    if (!call.local) { return; }
    call.local.getVideoTracks().forEach((track) => { track.enabled = call.cameraOn; });
    call.local.getAudioTracks().forEach((track) => { track.enabled = call.micOn; });
  }

  // Tell the room whether this page is in the call, with camera and microphone on or off.
  function announce() {
    send({ type: "media.state", media: call.joined, camera: call.joined && call.cameraOn, microphone: call.joined && call.micOn });
  }

  function switched() {
    applyEnabled();
    renderControls(call);
    announce();
  }

  function join() {
    if (call.joined) { return; }
    call.joined = true;
    devices.resumeMeter();
    byId("media-prejoin").hidden = true;
    byId("media-call").hidden = false;
    if (setup.may_send) {
      selfTile(call);
      renderControls(call);
      announce();
    }
    peers.sync();
    if (janus) { askTicket(0); }
  }

  function leaveCall() {
    call.joined = false;
    clearTimeout(ticketTimer);
    if (quality) { quality.stop(); }
    peers.closeAll();
    clearTiles();
    if (setup.may_send) { announce(); }
  }

  function stopEverything() {
    call.joined = false;
    clearTimeout(ticketTimer);
    if (quality) { quality.stop(); }
    peers.closeAll();
    devices.stopMeter();
    if (call.local) { call.local.getTracks().forEach((track) => track.stop()); }
    call.local = null;
    section.hidden = true;
  }

  // --- the room's events ------------------------------------------------------------------------

  bus.on("hello", (m) => { call.me = m.you; });
  bus.on("lobby.admitted", () => {
    if (setup.mode === "link" && !setup.link) { window.location.reload(); } // the page gives the external link to people let in only
  });
  bus.on("people.changed", ({ snapshot, people }) => {
    call.people = people;
    admitted();
    if (snapshot && call.joined && wasDisconnected) {
      // Back after a drop: the others saw this page leave the call (its media fields reset with
      // its last connection), so start every connection afresh and tell the room again.
      wasDisconnected = false;
      peers.closeAll();
      if (setup.may_send) { announce(); }
      if (janus) {
        askTicket(0);
        quality.resend();
      }
    }
    peers.sync();
  });
  bus.on("signal", (m) => peers.onSignal(m.from, m.data));
  bus.on("media.ticket", (ticket) => {
    clearTimeout(ticketTimer);
    if (!janus || !call.joined) { return; }
    if (reconnecting) { message(""); }
    reconnecting = false;
    peers.start(ticket);
    quality.start();
  });
  bus.on("media.audio_only", (answer) => { if (call.onAudioOnly) { call.onAudioOnly(answer); } });
  bus.on("media.mute_request", () => {
    if (call.micOn) {
      call.micOn = false;
      switched();
    }
    message(T.mute_request);
  });
  bus.on("socket.closed", ({ final }) => {
    if (final) { stopEverything(); } else { wasDisconnected = true; }
  });

  if (byId("media-watch")) { byId("media-watch").addEventListener("click", join); }
  if (byId("media-leave")) {
    byId("media-leave").addEventListener("click", () => {
      leaveCall();
      byId("media-call").hidden = true;
      byId("media-prejoin").hidden = false;
    });
  }
  if (byId("media-join")) {
    byId("media-join").addEventListener("click", join);
    byId("media-toggle-mic").addEventListener("click", () => {
      call.micOn = !call.micOn;
      switched();
      if (call.micOn) { message(""); }
    });
    if (byId("media-toggle-camera")) {
      byId("media-toggle-camera").addEventListener("click", () => {
        call.cameraOn = !call.cameraOn;
        switched();
      });
    }
  }
  window.addEventListener("pagehide", () => {
    if (call.local) { call.local.getTracks().forEach((track) => track.stop()); }
  });

  return {
    peers: peers.ids,
    joined: () => call.joined,
    connections: () => (peers.connections ? peers.connections() : []),
    timeToFirstFrame: () => {
      const firstFrameAt = peers.firstFrameAt();
      return firstFrameAt === null || admittedAt === null ? null : firstFrameAt - admittedAt;
    },
    stats: peers.stats,
    audioOnly: peers.audioOnly || (() => Promise.resolve(null)),
    // Janus only: which feeds are on screen (stage.js), how often this page joined Janus, its quality.
    layout: () => (peers.layout ? peers.layout() : null),
    starts: () => (peers.starts ? peers.starts() : 0),
    quality: () => (quality ? { level: quality.level(), figures: quality.figures() } : null),
  };
}
