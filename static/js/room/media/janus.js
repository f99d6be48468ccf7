// The connections through a Janus VideoRoom (docs/protocol.md, "Through Janus"): one publisher
// connection carrying this page's camera (simulcast: three VP8 layers) and microphone (none for
// listen-only roles), and one subscriber connection per other participant's feed, whose video layer
// follows the stage (stage.js: on screen or not, small or pinned). Hadir gave the ticket
// (media.ticket); Janus checks it on every request. When Janus loses the session (it restarted, or
// Hadir took the token back) the page asks the room for a fresh ticket and joins again, without
// leaving the room. Same interface as peers.js, so call.js drives either.
import { createAudioOnly } from "./audioonly.js";
import { createStage, LAYER_OFF } from "./stage.js";
import { makeTile, tileState } from "./tiles.js";

function trace(...parts) { if (window.hadirMediaTrace) { window.hadirMediaTrace.push(parts.join(" ")); } }

function transaction() { return Math.random().toString(36).slice(2, 12); }

// Listen-only pages join no publisher handle, so get no room events: they ask who publishes (and
// who talks) this often.
const LIST_EVERY_MS = 3000;
const SIMULCAST = [
  { rid: "h", active: true, maxBitrate: 900000 },
  { rid: "m", active: true, maxBitrate: 300000, scaleResolutionDownBy: 2 },
  { rid: "l", active: true, maxBitrate: 100000, scaleResolutionDownBy: 4 },
];

export function createJanus(call) {
  const { T } = call;
  const feeds = new Map(); // participant id -> { id, feed, handle, pc, tile, videoMid }
  const stage = createStage(call, { limit: call.setup.tiles || 9 });
  let ticket = null;
  let session = null;
  let publisher = null; // { handle, pc }
  let firstFrameAt = null;
  let generation = 0;
  let lister = null;
  let starts = 0;
  const handlers = new Map(); // handle id -> event callback
  const talking = new Set(); // feed ids talking now (their events may come before their subscription)
  let ownFeed = null; // this page's publisher id in the VideoRoom
  let mixOnly = false; // low-bandwidth mode (audioonly.js): no subscriptions, one mixed stream instead

  async function post(path, body) {
    const response = await fetch(ticket.url + path, {
      method: "POST", body: JSON.stringify({ ...body, token: ticket.token, transaction: transaction() }),
    });
    return response.json();
  }

  // The session is gone (Janus restarted, or the token was taken back): start again with a fresh ticket.
  function lost(mine, why) {
    if (mine !== generation) { return; }
    trace("janus session lost:", why);
    closeAll();
    call.ticketLost();
  }

  async function poll(mine) {
    while (mine === generation && session) {
      let events = [];
      try {
        const response = await fetch(`${ticket.url}/${session}?maxev=10&token=${encodeURIComponent(ticket.token)}&rid=${Date.now()}`);
        if (response.status >= 400 && response.status < 500) {
          // Janus answers, and knows no such session (it restarted) or no longer this token.
          lost(mine, "long poll answered " + response.status);
          return;
        }
        events = await response.json();
      } catch (e) {
        trace("poll failed", e);
        await new Promise((resolve) => setTimeout(resolve, 1000));
        continue;
      }
      if (!Array.isArray(events) && events.janus === "error") {
        lost(mine, JSON.stringify(events.error));
        return;
      }
      (Array.isArray(events) ? events : [events]).forEach((event) => {
        if (event.janus === "keepalive" || event.janus === "ack") { return; }
        const handler = handlers.get(event.sender);
        if (handler) { handler(event); }
      });
    }
  }

  async function attach(onEvent, plugin = "janus.plugin.videoroom") {
    const answer = await post(`/${session}`, { janus: "attach", plugin });
    const handle = answer.data.id;
    handlers.set(handle, onEvent);
    return handle;
  }

  function message(handle, body, jsep) {
    return post(`/${session}/${handle}`, jsep ? { janus: "message", body, jsep } : { janus: "message", body });
  }

  function gathered(pc) {
    if (pc.iceGatheringState === "complete") { return Promise.resolve(); }
    return new Promise((resolve) => {
      const done = () => { if (pc.iceGatheringState === "complete") { resolve(); } };
      pc.addEventListener("icegatheringstatechange", done);
      setTimeout(resolve, 3000);
    });
  }

  function newConnection() {
    return new RTCPeerConnection({ iceServers: call.setup.ice_servers || [] });
  }

  function feedOf(feedId) {
    return Array.from(feeds.values()).find((entry) => entry.feed === feedId);
  }

  // Room events a publisher handle receives: who publishes, who left, who talks.
  function roomEvent(data) {
    (data.publishers || []).forEach(subscribe);
    const gone = data.unpublished || data.leaving || data.kicked;
    if (gone) { dropFeed(gone); }
    const talker = feedOf(data.id);
    if (data.videoroom === "talking") {
      talking.add(data.id);
      if (talker) { stage.spoke(talker.id); }
    }
    if (data.videoroom === "stopped-talking") {
      talking.delete(data.id);
      if (talker) { stage.quiet(talker.id); }
    }
  }

  async function publish(mine) {
    const pc = newConnection();
    const handle = await attach(async (event) => {
      const data = (event.plugindata || {}).data || {};
      if (event.jsep && event.jsep.type === "answer") { await pc.setRemoteDescription(event.jsep); }
      roomEvent(data);
      if (data.error_code) { trace("publisher error", data.error); }
      if (data.videoroom === "joined") { ownFeed = data.id; }
      if (data.videoroom === "joined" && ticket.publish && call.local) { await offer(); }
      if (data.videoroom === "joined") { audioOnly.ready(); }
    });
    publisher = { handle, pc };
    async function offer() {
      call.local.getAudioTracks().forEach((track) => pc.addTrack(track, call.local));
      call.local.getVideoTracks().forEach((track) => {
        pc.addTransceiver(track, { direction: "sendonly", streams: [call.local], sendEncodings: SIMULCAST });
      });
      await pc.setLocalDescription(await pc.createOffer());
      await gathered(pc);
      await message(handle, { request: "publish" }, pc.localDescription);
    }
    if (ticket.publish) {
      await message(handle, { request: "join", ptype: "publisher", room: ticket.room, pin: ticket.pin,
        token: ticket.token, display: call.me.id });
    } else {
      await list(handle);
      lister = setInterval(() => { if (mine === generation) { list(handle).catch(() => {}); } }, LIST_EVERY_MS);
      audioOnly.ready();
    }
  }

  function closeFeeds() {
    feeds.forEach((entry) => { entry.pc.close(); entry.tile.figure.remove(); });
    feeds.clear();
    stage.clear();
  }

  // Low-bandwidth mode: let go of every subscription (and stop sending video), or come back.
  function setMixOnly(on) {
    mixOnly = on;
    const sender = publisher && publisher.pc.getSenders().find((s) => s.track ? s.track.kind === "video" : false);
    const camera = call.local && call.local.getVideoTracks()[0];
    if (on) {
      closeFeeds();
      if (sender) { sender.replaceTrack(null); publisher.videoSender = sender; }
    } else {
      if (publisher && publisher.videoSender && camera) { publisher.videoSender.replaceTrack(camera); }
      if (publisher) { list(publisher.handle).catch((e) => trace("list failed", e)); }
    }
  }

  async function list(handle) {
    const answer = await message(handle, { request: "listparticipants", room: ticket.room });
    const participants = ((answer.plugindata || {}).data || {}).participants || [];
    participants.filter((p) => p.publisher).forEach((p) => {
      subscribe(p);
      const entry = feedOf(p.id);
      if (entry && p.talking) { stage.spoke(entry.id); }
    });
    const live = new Set(participants.filter((p) => p.publisher).map((p) => p.id));
    Array.from(feeds.values()).filter((entry) => !live.has(entry.feed)).forEach((entry) => dropFeed(entry.feed));
  }

  // The video layer a subscription receives: LAYER_OFF (off screen: audio only), 0, 1 or 2 (top).
  function setLayer(entry, layer) {
    entry.layer = layer;
    if (entry.handle === null || entry.videoMid === null) { return; }
    const stream = layer === LAYER_OFF ? { mid: entry.videoMid, send: false }
      : { mid: entry.videoMid, send: true, substream: layer };
    message(entry.handle, { request: "configure", streams: [stream] }).catch((e) => trace("configure failed", e));
  }

  async function subscribe(info) {
    const id = info.display;
    if (mixOnly || !id || id === call.me.id || feeds.has(id)) { return; }
    const pc = newConnection();
    const tile = makeTile(id, (call.people.get(id) || {}).name || "");
    const entry = { id, feed: info.id, pc, tile, handle: null, videoMid: null, layer: null };
    feeds.set(id, entry);
    // On the stage at once: a talking event may come before the subscription is set up.
    stage.add({ id, tile, setLayer: (layer) => setLayer(entry, layer) });
    if (info.talking || talking.has(info.id)) { stage.spoke(id); }
    tileState(entry, "connecting", T.connecting);
    pc.ontrack = (event) => {
      if (!tile.video.srcObject) { tile.video.srcObject = new MediaStream(); }
      tile.video.srcObject.addTrack(event.track);
      tile.video.onloadeddata = () => { if (firstFrameAt === null) { firstFrameAt = performance.now(); } };
    };
    pc.onconnectionstatechange = () => {
      if (pc.connectionState === "connected") { tileState(entry, "connected", ""); }
      if (pc.connectionState === "failed") { tileState(entry, "failed", T.cannot_connect); }
    };
    entry.handle = await attach(async (event) => {
      const data = (event.plugindata || {}).data || {};
      if (data.videoroom === "attached") {
        const video = (data.streams || []).find((s) => s.type === "video");
        entry.videoMid = video ? video.mid : null;
      }
      if (event.jsep && event.jsep.type === "offer") {
        await pc.setRemoteDescription(event.jsep);
        await pc.setLocalDescription(await pc.createAnswer());
        await gathered(pc);
        await message(entry.handle, { request: "start" }, pc.localDescription);
        if (entry.layer !== null) { setLayer(entry, entry.layer); }
      }
    });
    await message(entry.handle, { request: "join", ptype: "subscriber", room: ticket.room, pin: ticket.pin,
      token: ticket.token, streams: [{ feed: info.id }] });
  }

  function dropFeed(feedId) {
    feeds.forEach((entry, id) => {
      if (entry.feed !== feedId) { return; }
      entry.pc.close();
      entry.tile.figure.remove();
      feeds.delete(id);
      stage.remove(id);
    });
  }

  async function start(newTicket) {
    if (session && ticket && newTicket.token === ticket.token && newTicket.room === ticket.room) {
      return; // an answer to a repeated request: this session is live with that ticket already
    }
    closeAll();
    ticket = newTicket;
    const mine = ++generation;
    starts += 1;
    let created;
    try {
      created = await post("", { janus: "create" });
    } catch (e) {
      lost(mine, "cannot reach Janus: " + e);
      return;
    }
    if (created.janus !== "success") {
      lost(mine, JSON.stringify(created.error || created));
      return;
    }
    session = created.data.id;
    poll(mine);
    try {
      await publish(mine);
    } catch (e) {
      lost(mine, "joining failed: " + e);
    }
  }

  function closeAll() {
    generation += 1;
    if (lister) { clearInterval(lister); lister = null; }
    closeFeeds();
    audioOnly.closed();
    ownFeed = null;
    if (publisher) { publisher.pc.close(); publisher = null; }
    if (session && ticket) { post(`/${session}`, { janus: "destroy" }).catch(() => {}); }
    session = null;
    handlers.clear();
    talking.clear();
  }

  // For tests and diagnostics: what each subscription receives, from getStats.
  function stats() {
    const result = {};
    return Promise.all(Array.from(feeds.values()).map((entry) => entry.pc.getStats().then((report) => {
      const row = { state: entry.pc.connectionState, framesDecoded: 0, audioPackets: 0, audioSamples: 0,
        tile: entry.tile.figure.dataset.state, starts: starts, width: 0 };
      report.forEach((stat) => {
        if (stat.type !== "inbound-rtp") { return; }
        if (stat.kind === "video") {
          row.framesDecoded += stat.framesDecoded || 0;
          row.width = Math.max(row.width, stat.frameWidth || 0);
        }
        if (stat.kind === "audio") {
          row.audioPackets += stat.packetsReceived || 0;
          row.audioSamples += stat.totalSamplesReceived || 0;
        }
      });
      result[entry.id] = row;
    }))).then(() => result);
  }

  const audioOnly = createAudioOnly(call, {
    attach, message, gathered, newConnection, setMixOnly,
    ticket: () => ticket, ownFeed: () => ownFeed, live: () => session !== null,
  });

  return {
    start, closeAll, stats, audioOnly: audioOnly.stats,
    sync: () => {}, onSignal: () => {}, attachAll: () => {},
    ids: () => Array.from(feeds.keys()),
    firstFrameAt: () => firstFrameAt,
    layout: stage.layout,
    starts: () => starts,
    connections: () => (publisher ? [publisher.pc] : []).concat(Array.from(feeds.values()).map((entry) => entry.pc)),
  };
}
