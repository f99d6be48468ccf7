// Low-bandwidth mode (docs/protocol.md, "Audio only"): instead of one subscription per feed, the page
// receives ONE mixed audio stream from a Janus AudioBridge room Hadir opened for this person
// (media.audio_only), whatever the room's size; its microphone stays published in the VideoRoom,
// its camera stops sending. Remembered for the browser tab's session.
import { byId } from "../../lib/dom.js";
import { message as say } from "./tiles.js";

const KEY = "hadir-audio-only";

function remembered() {
  try { return window.sessionStorage.getItem(KEY) === "1"; } catch (e) { return false; }
}

function remember(on) {
  try { window.sessionStorage.setItem(KEY, on ? "1" : "0"); } catch (e) { /* private mode */ }
}

export function createAudioOnly(call, janus) {
  let on = remembered();
  let bridge = null; // { handle, pc, audio }
  const button = byId("media-audio-only");

  function render() {
    if (!button) { return; }
    button.setAttribute("aria-pressed", on ? "true" : "false");
  }

  // The VideoRoom side is up (publisher joined, or the listen-only list read): apply the mode.
  function ready() {
    if (on) { apply(); }
  }

  function apply() {
    janus.setMixOnly(on);
    if (!on) { leaveBridge(); }
    call.send({ type: "media.audio_only", on, feed: janus.ownFeed() });
  }

  function toggle() {
    on = !on;
    remember(on);
    render();
    say(on ? call.T.audio_only_on : call.T.audio_only_off);
    if (call.joined && janus.live()) { apply(); }
  }

  async function joinBridge(answer) {
    leaveBridge();
    const ticket = janus.ticket();
    const pc = janus.newConnection();
    const audio = document.createElement("audio");
    audio.autoplay = true;
    audio.hidden = true;
    document.body.appendChild(audio);
    const entry = { pc, audio, handle: null };
    bridge = entry;
    pc.addTransceiver("audio", { direction: "recvonly" }); // nothing goes up: the microphone is in the VideoRoom
    pc.ontrack = (event) => { audio.srcObject = new MediaStream([event.track]); };
    entry.handle = await janus.attach(async (event) => {
      if (event.jsep && event.jsep.type === "answer" && bridge === entry) { await pc.setRemoteDescription(event.jsep); }
    }, "janus.plugin.audiobridge");
    await pc.setLocalDescription(await pc.createOffer());
    await janus.gathered(pc);
    await janus.message(entry.handle, { request: "join", room: answer.bridge, pin: answer.pin, token: ticket.token,
      display: call.me ? call.me.id : "", muted: true }, pc.localDescription);
  }

  function leaveBridge() {
    if (!bridge) { return; }
    bridge.pc.close();
    bridge.audio.srcObject = null;
    bridge.audio.remove();
    bridge = null;
  }

  call.onAudioOnly = (answer) => {
    if (answer.on && on && call.joined) { joinBridge(answer); }
  };
  if (button) {
    button.addEventListener("click", toggle);
    render();
  }

  // For tests and diagnostics: what this page receives in low-bandwidth mode.
  async function stats() {
    const result = { on, state: bridge ? bridge.pc.connectionState : null, inboundAudio: 0, inboundVideo: 0,
      audioPackets: 0, audioSamples: 0, audioEnergy: 0 };
    if (!bridge) { return result; }
    const report = await bridge.pc.getStats();
    report.forEach((stat) => {
      if (stat.type !== "inbound-rtp") { return; }
      if (stat.kind === "video") { result.inboundVideo += 1; }
      if (stat.kind === "audio") {
        result.inboundAudio += 1;
        result.audioPackets += stat.packetsReceived || 0;
        result.audioSamples += stat.totalSamplesReceived || 0;
        result.audioEnergy += stat.totalAudioEnergy || 0;
      }
    });
    return result;
  }

  return { ready, closed: leaveBridge, stats };
}
