// The room's audience (docs/protocol.md, "The audience"): listen-only members, counted and never
// listed to the room.
//
// For moderators (#audience-panel): the audience page by page over audience.list, searched by
// name, each listener with the time they came in (the session's zone and its label), "Let speak"
// (audience.promote); the listeners speaking now are listed apart with "Back to listening"
// (audience.demote). The open page comes up to date at most every 5 s while the count changes,
// and at once after a promotion: never once per listener.
//
// For a listener (#room[data-audience]): they are told they listen; a promotion shows the chat
// box and the hand at once (audience.promoted), a demotion hides them again. A new connection
// enters as a listener, so the page starts over as one on every hello.
import { byId, make, say, show } from "../lib/dom.js";
import { format } from "../lib/i18n.js";
import { clockTime } from "../lib/time.js";

const PAGE = 50;
const REFRESH_MS = 5000;

export function setUpAudience({ bus, session, send, T }) {
  const room = byId("room");
  if (room.dataset.audience) { setUpListener({ bus, T }); }
  if (byId("audience-panel")) { setUpPanel({ bus, session, send, T, zoneLabel: room.dataset.zoneLabel || "" }); }
}

function setUpListener({ bus, T }) {
  function speaking(yes, note) {
    ["chat-form", "hand"].forEach((id) => { if (byId(id)) { show(byId(id), yes); } });
    show(byId("listen-only"), !yes);
    say(byId("speak-note"), note);
  }
  bus.on("hello", () => speaking(false, ""));
  bus.on("audience.promoted", () => speaking(true, T.promoted));
  bus.on("audience.demoted", () => speaking(false, T.demoted));
}

function setUpPanel({ bus, session, send, T, zoneLabel }) {
  const list = byId("audience-list");
  const speakers = byId("audience-speakers");
  const number = (n) => Number(n).toLocaleString(document.documentElement.lang || undefined);
  let offset = 0, query = "", page = null, stale = false, lastAsked = 0, timer = null, acted = false;

  function ask() {
    if (!session.me || !session.me.moderator) { return; }
    lastAsked = Date.now();
    stale = false;
    send({ type: "audience.list", offset: offset, limit: PAGE, query: query });
  }

  // At most one request per REFRESH_MS however fast the count changes.
  function askSoon() {
    stale = true;
    if (timer) { return; }
    timer = setTimeout(() => { timer = null; if (stale) { ask(); } }, Math.max(0, lastAsked + REFRESH_MS - Date.now()));
  }

  function act(type, p) {
    say(byId("audience-error"), "");
    acted = true; // the page is asked again as soon as the count shows the move
    session.sendFrom("audience-error", { type: type, participant: p.id });
  }

  function button(className, text, label, onClick) {
    const node = make("button", { type: "button", className: className, text: text, attrs: { "aria-label": label } });
    node.addEventListener("click", onClick);
    return node;
  }

  function listenerItem(p) {
    const when = p.joined_at && session.room
      ? make("time", { dateTime: p.joined_at, text: format(T.audience_since, { time: clockTime(p.joined_at, session.room.timezone) + " " + zoneLabel }) })
      : "";
    return make("li", { dataset: { id: p.id } },
      make("span", { className: "name", text: p.name }),
      make("span", { className: "muted" }, when),
      make("span", { className: "actions" },
        button("let-speak", T.let_speak, format(T.let_speak_named, { name: p.name }), () => act("audience.promote", p))));
  }

  function render() {
    list.textContent = "";
    if (!page) { return; }
    page.participants.forEach((p) => list.appendChild(listenerItem(p)));
    const matches = page.matches !== undefined ? page.matches : page.total;
    let text;
    if (!matches) {
      text = page.query ? T.audience_none_found : T.audience_none;
    } else {
      text = format(T.audience_range, { first: number(page.offset + 1), last: number(page.offset + page.participants.length), count: number(matches) });
      if (page.query) { text += " · " + format(T.audience_found, { count: number(matches), query: page.query }); }
    }
    byId("audience-range").textContent = text;
    byId("audience-previous").disabled = page.offset <= 0;
    byId("audience-next").disabled = page.offset + PAGE >= matches;
  }

  // Listeners a moderator let speak are listed (with "listener") like any participant.
  function renderSpeakers(people) {
    speakers.textContent = "";
    const speaking = Array.from(people.values()).filter((p) => p.listener && p.status !== "waiting" && !p.moderator)
      .sort((a, b) => a.name.localeCompare(b.name));
    speaking.forEach((p) => speakers.appendChild(make("li", { dataset: { id: p.id } },
      make("span", { className: "name", text: p.name }),
      make("span", { className: "actions" }, button("secondary back-to-listening", T.back_to_listening,
        format(T.back_to_listening_named, { name: p.name }), () => act("audience.demote", p))))));
    show(byId("speakers-block"), speaking.length > 0);
  }

  bus.on("audience.page", (m) => {
    if (m.query !== undefined && m.query !== query) { return; } // the answer to an earlier search
    const matches = m.matches !== undefined ? m.matches : m.total;
    if (!m.participants.length && m.offset > 0 && m.offset === offset) {
      offset = Math.max(0, Math.floor((matches - 1) / PAGE) * PAGE); // the page emptied: go to the last one
      ask();
      return;
    }
    page = m;
    render();
  });

  let known = -1;
  bus.on("people.changed", ({ people }) => {
    const count = session.presence.audience || 0;
    byId("audience-total").textContent = number(count);
    renderSpeakers(people);
    // Shown where the room has an audience (or had one, while a search or a speaker is on).
    const panel = byId("audience-panel");
    if (count > 0 || !byId("speakers-block").hidden) { panel.hidden = false; }
    if (count !== known) {
      const first = known < 0;
      known = count;
      if (first && !count) { return; } // no audience (yet): nothing to ask
      if (first || acted) { acted = false; ask(); } else { askSoon(); }
    }
  });
  bus.on("hello", () => { known = -1; page = null; });

  byId("audience-search").addEventListener("submit", (event) => {
    event.preventDefault();
    query = byId("audience-query").value.trim();
    offset = 0;
    ask();
  });
  byId("audience-previous").addEventListener("click", () => { offset = Math.max(0, offset - PAGE); ask(); });
  byId("audience-next").addEventListener("click", () => { offset += PAGE; ask(); });
  byId("audience-refresh").addEventListener("click", ask);
}
