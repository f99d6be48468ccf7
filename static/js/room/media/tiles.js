// What the call looks like: one tile per connection (video, name, a note when it is not up),
// this page's own tile, the camera and microphone buttons, the message line.
import { byId, make, say } from "../../lib/dom.js";

export function message(text) {
  say(byId("media-message"), text);
}

export function makeTile(id, name) {
  const video = make("video", { autoplay: true, playsInline: true });
  const caption = make("figcaption", { text: name });
  const note = make("p", { className: "tile-message", hidden: true });
  const figure = make("figure", { className: "media-tile", dataset: { peer: id } }, video, caption, note);
  byId("media-tiles").appendChild(figure);
  return { figure, video, caption, note };
}

// This page's own picture, first and muted.
export function selfTile(call) {
  const tiles = byId("media-tiles");
  if (byId("media-self-video")) { return; }
  const tile = makeTile(call.me.id, call.T.you);
  tile.figure.classList.add("self");
  tiles.insertBefore(tile.figure, tiles.firstChild);
  tile.video.id = "media-self-video";
  tile.video.muted = true;
  tile.video.srcObject = call.local;
}

export function clearTiles() {
  const tiles = byId("media-tiles");
  if (tiles) { tiles.textContent = ""; }
}

// "connecting", "connected", "reconnecting" or "failed", with the note to show.
export function tileState(peer, state, text) {
  peer.tile.figure.dataset.state = state;
  say(peer.tile.note, text);
}

// The caption: the participant's name and whether their camera or microphone is off.
export function describe(call, peer) {
  const p = call.people.get(peer.id);
  if (!p) { return; }
  const flags = [];
  if (!p.camera) { flags.push(call.T.camera_muted); }
  if (!p.microphone) { flags.push(call.T.mic_muted); }
  peer.tile.caption.textContent = p.name + (flags.length ? " · " + flags.join(", ") : "");
  peer.tile.figure.dataset.video = p.camera ? "on" : "off";
}

export function renderControls(call) {
  const { T, local } = call;
  const camera = byId("media-toggle-camera");
  if (camera) {
    camera.textContent = call.cameraOn ? T.camera_off : T.camera_on;
    camera.disabled = !local || !local.getVideoTracks().length;
    camera.setAttribute("aria-pressed", String(call.cameraOn));
  }
  const mic = byId("media-toggle-mic");
  if (mic) {
    mic.textContent = call.micOn ? T.mic_off : T.mic_on;
    mic.disabled = !local || !local.getAudioTracks().length;
    mic.setAttribute("aria-pressed", String(call.micOn));
  }
}
