// The connections through a Janus VideoRoom (docs/protocol.md, "Through Janus"): one publisher
// connection carrying this page's camera and microphone (none for listen-only roles), and one
// subscriber connection per other participant's feed. Hadir gave the ticket (media.ticket);
// Janus checks it on every request. Same interface as peers.js, so call.js drives either.
import { createAudioOnly } from "./audioonly.js";
import { makeTile, tileState } from "./tiles.js";

function trace(...parts) { if (window.hadirMediaTrace) { window.hadirMediaTrace.push(parts.join(" ")); } }

function transaction() { return Math.random().toString(36).slice(2, 12); }

export function createJanus(call) {
  const { T } = call;
  const feeds = new Map(); // participant id -> { id, feed, handle, pc, tile }
  let ticket = null;
  let session = null;
  let publisher = null; // { handle, pc }
  let firstFrameAt = null;
  let generation = 0;
  const handlers = new Map(); // handle id -> event callback
  let ownFeed = null; // this page's publisher id in the VideoRoom
  let mixOnly = false; // low-bandwidth mode (audioonly.js): no subscriptions, one mixed stream instead

  async function post(path, body) {
    const response = await fetch(ticket.url + path, {
      method: "POST", body: JSON.stringify({ ...body, token: ticket.token, transaction: transaction() }),
    });
    return response.json();
  }

  async function poll(mine) {
    while (mine === generation && session) {
      let events = [];
      try {
        const response = await fetch(`${ticket.url}/${session}?maxev=10&token=${encodeURIComponent(ticket.token)}&rid=${Date.now()}`);
        events = await response.json();
      } catch (e) {
        trace("poll failed", e);
        await new Promise((resolve) => setTimeout(resolve, 1000));
        continue;
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

  async function publish() {
    const pc = newConnection();
    const handle = await attach(async (event) => {
      const data = (event.plugindata || {}).data || {};
      if (event.jsep && event.jsep.type === "answer") { await pc.setRemoteDescription(event.jsep); }
      (data.publishers || []).forEach(subscribe);
      if (data.unpublished || data.leaving) { dropFeed(data.unpublished || data.leaving); }
      if (data.error_code) { trace("publisher error", data.error); }
      if (data.videoroom === "joined") { ownFeed = data.id; }
      if (data.videoroom === "joined" && ticket.publish && call.local) { await offer(); }
      if (data.videoroom === "joined") { audioOnly.ready(); }
    });
    publisher = { handle, pc };
    async function offer() {
      call.local.getTracks().forEach((track) => pc.addTrack(track, call.local));
      await pc.setLocalDescription(await pc.createOffer());
      await gathered(pc);
      await message(handle, { request: "publish" }, pc.localDescription);
    }
    if (ticket.publish) {
      await message(handle, { request: "join", ptype: "publisher", room: ticket.room, pin: ticket.pin,
        token: ticket.token, display: call.me.id });
    } else {
      await subscribeAll();
      audioOnly.ready();
    }
  }

  async function subscribeAll() {
    const list = await message(publisher.handle, { request: "listparticipants", room: ticket.room });
    ((list.plugindata || {}).data.participants || []).filter((p) => p.publisher).forEach(subscribe);
  }

  function closeFeeds() {
    feeds.forEach((entry) => { entry.pc.close(); entry.tile.figure.remove(); });
    feeds.clear();
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
      if (publisher) { subscribeAll(); }
    }
  }

  async function subscribe(info) {
    const id = info.display;
    if (mixOnly || !id || id === call.me.id || feeds.has(id)) { return; }
    const pc = newConnection();
    const tile = makeTile(id, (call.people.get(id) || {}).name || "");
    const entry = { id, feed: info.id, pc, tile, handle: null };
    feeds.set(id, entry);
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
      if (event.jsep && event.jsep.type === "offer") {
        await pc.setRemoteDescription(event.jsep);
        await pc.setLocalDescription(await pc.createAnswer());
        await gathered(pc);
        await message(entry.handle, { request: "start" }, pc.localDescription);
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
    });
  }

  async function start(newTicket) {
    closeAll();
    ticket = newTicket;
    const mine = ++generation;
    const created = await post("", { janus: "create" });
    if (created.janus !== "success") { trace("janus refused", JSON.stringify(created)); return; }
    session = created.data.id;
    poll(mine);
    await publish();
  }

  function closeAll() {
    generation += 1;
    closeFeeds();
    audioOnly.closed();
    ownFeed = null;
    if (publisher) { publisher.pc.close(); publisher = null; }
    if (session && ticket) { post(`/${session}`, { janus: "destroy" }).catch(() => {}); }
    session = null;
    handlers.clear();
  }

  // For tests and diagnostics: what each subscription receives, from getStats.
  function stats() {
    const result = {};
    return Promise.all(Array.from(feeds.values()).map((entry) => entry.pc.getStats().then((report) => {
      const row = { state: entry.pc.connectionState, framesDecoded: 0, audioPackets: 0, audioSamples: 0,
        tile: entry.tile.figure.dataset.state };
      report.forEach((stat) => {
        if (stat.type !== "inbound-rtp") { return; }
        if (stat.kind === "video") { row.framesDecoded += stat.framesDecoded || 0; }
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
  };
}
