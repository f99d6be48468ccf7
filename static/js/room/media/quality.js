// This page's connection quality, from its connections' getStats every few seconds: packet loss,
// round-trip time and jitter of what it sends and receives, and the outgoing bitrate the browser
// estimates it has. Shown to the participant ("Connection: good / fair / poor"), and reported over the
// room socket when it changes (media.quality, docs/protocol.md), so that moderators see who struggles.
import { byId, say } from "../../lib/dom.js";

export const SAMPLE_MS = 2000;
// A level must hold for this many samples before it is shown and reported: one bad second is not a
// bad connection, and the room is not told every flutter.
const STEADY_SAMPLES = 2;
// [fair, poor] thresholds.
const LOSS = [0.03, 0.10]; // fraction of packets lost since the last sample
const RTT = [0.25, 0.5]; // seconds
const JITTER = [0.03, 0.1]; // seconds, of received audio (video's own jitter is its frames' packets)
// Bits/s the browser estimates it can send, while the camera is on. Chrome starts at 300 kbit/s and
// only probes higher when the encoder asks, so below that is what tells a weak uplink.
const BITRATE = [200000, 80000];

export function levelOf({ loss, rtt, jitter, bitrate }) {
  const bad = (value, [fair, poor], below) => {
    if (value === null || value === undefined) { return 0; }
    if (below) { return value < poor ? 2 : value < fair ? 1 : 0; }
    return value > poor ? 2 : value > fair ? 1 : 0;
  };
  const worst = Math.max(bad(loss, LOSS), bad(rtt, RTT), bad(jitter, JITTER), bad(bitrate, BITRATE, true));
  return ["good", "fair", "poor"][worst];
}

export function createQuality(call, connections) {
  const { T } = call;
  const previous = new Map(); // stats id -> { lost, received }
  let timer = null;
  let shown = null;
  let candidate = null;
  let streak = 0;
  let last = {};

  async function measure() {
    let lost = 0, received = 0, rtt = null, jitter = null, bitrate = null;
    const sending = call.cameraOn;
    await Promise.all(connections().map((pc) => pc.getStats().then((report) => {
      report.forEach((stat) => {
        if (stat.type === "inbound-rtp" || stat.type === "remote-inbound-rtp") {
          const before = previous.get(stat.id) || { lost: 0, received: 0 };
          const nowLost = stat.packetsLost || 0;
          const nowReceived = stat.packetsReceived || 0;
          lost += Math.max(0, nowLost - before.lost);
          received += Math.max(0, nowReceived - before.received);
          previous.set(stat.id, { lost: nowLost, received: nowReceived });
          if (stat.kind === "audio" && typeof stat.jitter === "number") { jitter = Math.max(jitter || 0, stat.jitter); }
          if (typeof stat.roundTripTime === "number") { rtt = Math.max(rtt || 0, stat.roundTripTime); }
        }
        if (stat.type === "candidate-pair" && stat.nominated && stat.state === "succeeded") {
          if (typeof stat.currentRoundTripTime === "number") { rtt = Math.max(rtt || 0, stat.currentRoundTripTime); }
          if (sending && typeof stat.availableOutgoingBitrate === "number") {
            bitrate = Math.min(bitrate === null ? Infinity : bitrate, stat.availableOutgoingBitrate);
          }
        }
      });
    }).catch(() => {})));
    // remote-inbound-rtp counts no packetsReceived: loss over what was sent is near enough.
    const loss = lost + received > 0 ? lost / (lost + received) : null;
    return { loss, rtt, jitter, bitrate };
  }

  async function sample() {
    if (!connections().length) { return; }
    last = await measure();
    const level = levelOf(last);
    streak = level === candidate ? streak + 1 : 1;
    candidate = level;
    if (streak >= STEADY_SAMPLES && level !== shown) {
      shown = level;
      show();
      call.send({ type: "media.quality", level: level });
    }
  }

  function show() {
    const node = byId("media-quality");
    if (!node) { return; }
    say(node, shown ? T["quality_" + shown] : "");
    node.dataset.level = shown || "";
  }

  return {
    start() {
      if (timer === null) { timer = setInterval(sample, SAMPLE_MS); }
    },
    stop() {
      if (timer !== null) { clearInterval(timer); }
      timer = null;
      shown = candidate = null;
      streak = 0;
      previous.clear();
      show();
    },
    // Back after the room socket dropped: presence forgot the level with the connection.
    resend() {
      if (shown) { call.send({ type: "media.quality", level: shown }); }
    },
    // For tests and diagnostics: the level shown and the last figures.
    level: () => shown,
    figures: () => last,
  };
}
