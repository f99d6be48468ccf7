// Who is in the room: presence.state and presence.diff applied (presence.js), the participant
// list and the lobby queue drawn from them, the hand button. After every presence message the
// event table hears "people.changed" {snapshot, people}, once the list is up to date.
import { byId, make } from "../lib/dom.js";
import { format } from "../lib/i18n.js";
import { syncDiff, syncState } from "./presence.js";

export function setUpPeople({ bus, session, send, T }) {
  const isMe = (p) => !!session.me && p.id === session.me.id;
  const moderating = () => !!session.me && !!session.me.moderator;

  function button(className, text, onClick) {
    const node = make("button", { type: "button", className: className, text: text });
    node.addEventListener("click", onClick);
    return node;
  }

  function personItem(p) {
    const li = make("li", { dataset: { id: p.id, status: p.status } },
      make("span", { className: "dot" }),
      make("span", { className: "name", text: p.name }),
      make("span", { className: "badge", text: p.role_label || p.role }));
    const extra = [];
    if (p.moderator) { extra.push(T.moderator); }
    if (p.status !== "present") { extra.push(T[p.status] || p.status); }
    if (p.connections > 1) { extra.push(format(T.connections, { count: p.connections })); }
    if (isMe(p)) { extra.push(T.you); }
    if (extra.length) { li.appendChild(make("span", { className: "muted", text: extra.join(" · ") })); }
    if (p.media) {
      // Built-in audio and video (media/): who has camera and microphone on.
      [[p.camera, T.camera_on, T.camera_off], [p.microphone, T.microphone_on, T.microphone_off]].forEach((flag) => {
        li.appendChild(make("span", { className: "media-flags" + (flag[0] ? " on" : ""), text: flag[0] ? flag[1] : flag[2] }));
      });
      if (p.microphone && moderating() && !isMe(p)) {
        li.appendChild(button("secondary ask-mute", T.ask_mute, () => send({ type: "media.mute_request", participant: p.id })));
      }
    }
    if (p.hand_raised) { li.appendChild(make("span", { className: "badge warn hand", text: "✋ " + T.hand })); }
    if (p.status === "waiting" && moderating()) {
      const admit = button("admit", T.admit, () => send({ type: "lobby.admit", participant: p.id }));
      const deny = button("danger deny", T.deny, () => {
        const reason = window.prompt(T.deny_reason, "");
        if (reason !== null) { send({ type: "lobby.deny", participant: p.id, reason: reason }); }
      });
      li.appendChild(make("span", { className: "actions" }, admit, deny));
    }
    return li;
  }

  function render() {
    const list = byId("participants");
    const waiting = byId("waiting");
    list.textContent = "";
    waiting.textContent = "";
    const sorted = Array.from(session.presence.people.values()).sort((a, b) => (b.moderator - a.moderator) || a.name.localeCompare(b.name));
    let inside = 0;
    sorted.forEach((p) => {
      if (p.status === "waiting") {
        waiting.appendChild(personItem(p));
      } else {
        list.appendChild(personItem(p));
        inside += 1;
      }
    });
    byId("people-count").textContent = inside;
    // The audience (listen-only members) is counted, never listed.
    const audience = byId("audience-count");
    audience.hidden = !session.presence.audience;
    audience.textContent = format(T.listening, { count: session.presence.audience });
    if (!waiting.children.length) { waiting.appendChild(make("li", { className: "muted", text: T.nobody_waiting })); }
    const mine = mineNow();
    byId("hand").textContent = mine && mine.hand_raised ? T.lower_hand : T.raise_hand;
  }

  function mineNow() {
    return session.me && session.presence.people.get(session.me.id);
  }

  bus.on("presence.state", (m) => {
    syncState(session.presence, m);
    render();
    bus.emit("people.changed", { snapshot: true, people: session.presence.people });
  });

  bus.on("presence.diff", (m) => {
    const outcome = syncDiff(session.presence, m);
    if (outcome === "gap") { send({ type: "presence.sync" }); } // a diff went missing: ask for the whole list
    if (outcome === "applied") { render(); }
    bus.emit("people.changed", { snapshot: false, people: session.presence.people });
  });

  byId("hand").addEventListener("click", () => {
    const mine = mineNow();
    send({ type: mine && mine.hand_raised ? "hand.lower" : "hand.raise" });
  });
}
