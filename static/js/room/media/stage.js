// Which of the Janus feeds are on screen (docs/protocol.md, "Through Janus"): at most `limit`
// tiles (the room's policy: 9 for a class, every camera of a hearing), the one pinned first and
// large, then whoever spoke most recently (the VideoRoom's talking events). The others are listed
// by name with their microphone's state, and a button brings one on screen (pinned). Every feed
// keeps its audio whatever is shown; a feed off screen receives no video, a small tile a lower
// simulcast layer, the pinned one the top layer.
import { byId, make } from "../../lib/dom.js";
import { format } from "../../lib/i18n.js";

export const LAYER_OFF = -1;
// How long a new speaker waits before taking a place on screen: speech, not a cough.
const RELAYOUT_MS = 400;

export function createStage(call, { limit }) {
  const { T } = call;
  const feeds = new Map(); // participant id -> { id, tile, spokeAt, joinedAt, layer, setLayer(layer) }
  let pinned = null;
  let shown = [];
  let timer = null;

  function rank(a, b) {
    if (a.id === pinned) { return -1; }
    if (b.id === pinned) { return 1; }
    return (b.spokeAt - a.spokeAt) || (a.joinedAt - b.joinedAt);
  }

  function layerFor(id, count) {
    if (id === pinned) { return 2; }
    return count <= 4 ? 1 : 0;
  }

  function relayout() {
    timer = null;
    const ordered = Array.from(feeds.values()).sort(rank);
    shown = ordered.slice(0, limit).map((feed) => feed.id);
    ordered.forEach((feed, index) => {
      const visible = index < limit;
      feed.tile.figure.hidden = !visible;
      feed.tile.figure.style.order = String(index + 1);
      feed.tile.figure.classList.toggle("pinned", feed.id === pinned);
      feed.tile.figure.dataset.rank = visible ? String(index + 1) : "";
      const layer = visible ? layerFor(feed.id, Math.min(limit, ordered.length)) : LAYER_OFF;
      if (layer !== feed.layer) {
        feed.layer = layer;
        feed.setLayer(layer);
      }
    });
    renderOthers(ordered.slice(limit));
  }

  function soon(now) {
    if (now) {
      if (timer) { clearTimeout(timer); }
      relayout();
    } else if (!timer) {
      timer = setTimeout(relayout, RELAYOUT_MS);
    }
  }

  // Those not on screen: name, microphone, and a button to show them.
  function renderOthers(rest) {
    const box = byId("media-others");
    if (!box) { return; }
    box.hidden = rest.length === 0;
    const list = byId("media-others-list");
    list.textContent = "";
    byId("media-others-count").textContent = format(T.others_count, { count: rest.length });
    rest.forEach((feed) => {
      const p = call.people.get(feed.id) || {};
      const name = p.name || feed.tile.caption.textContent;
      const showButton = make("button", { type: "button", className: "secondary show-feed", text: T.show,
        attrs: { "aria-label": format(T.show_named, { name: name }) } });
      showButton.addEventListener("click", () => pin(feed.id));
      list.appendChild(make("li", { dataset: { id: feed.id } }, make("span", { className: "name", text: name }),
        make("span", { className: "media-flags" + (p.microphone ? " on" : ""), text: p.microphone ? T.mic_is_on : T.mic_muted }),
        showButton));
    });
  }

  function pin(id) {
    pinned = pinned === id || !feeds.has(id) ? null : id;
    soon(true);
  }

  function add(feed) {
    const entry = { ...feed, spokeAt: 0, joinedAt: performance.now(), layer: null };
    feeds.set(feed.id, entry);
    const figure = entry.tile.figure;
    figure.addEventListener("click", () => pin(entry.id));
    figure.addEventListener("keydown", (event) => {
      if (event.key === "Enter" || event.key === " ") { event.preventDefault(); pin(entry.id); }
    });
    figure.tabIndex = 0;
    figure.title = T.pin;
    soon(true);
    return entry;
  }

  function remove(id) {
    feeds.delete(id);
    if (pinned === id) { pinned = null; }
    soon(true);
  }

  function spoke(id) {
    const feed = feeds.get(id);
    if (!feed) { return; }
    feed.spokeAt = performance.now();
    feed.tile.figure.dataset.talking = "yes";
    // Someone off screen starts to speak: they take the place of whoever spoke longest ago. On screen
    // already: the order follows too, without moving any element (CSS order only).
    soon(false);
  }

  function quiet(id) {
    const feed = feeds.get(id);
    if (feed) { feed.tile.figure.dataset.talking = "no"; }
  }

  function clear() {
    feeds.clear();
    pinned = null;
    shown = [];
    renderOthers([]);
  }

  return {
    add, remove, spoke, quiet, pin, clear, refresh: () => soon(true),
    // For tests and diagnostics: on screen in order, and the others.
    layout: () => ({
      shown: shown.slice(), pinned: pinned, limit: limit,
      others: Array.from(feeds.keys()).filter((id) => shown.indexOf(id) < 0),
      layers: Object.fromEntries(Array.from(feeds.values()).map((feed) => [feed.id, feed.layer])),
    }),
  };
}
