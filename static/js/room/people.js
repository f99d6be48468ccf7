// Who is in the room: presence.state and presence.diff applied (presence.js), the participant
// list (parties apart from listen-only observers) and the lobby queue drawn from them, the hand
// button. After every presence message the event table hears "people.changed" {snapshot, people},
// once the list is up to date.
//
// Who comes with whom (participant.accompanies / .companions, e.g. an interpreter and the witness)
// is shown to moderators: admitting one admits that person only; "Admit both" admits both on
// purpose (lobby.admit_all with both listed), and someone let in while a companion is not is flagged.
// Refusing asks for an optional reason in the page; a refused person can be let back in.
import { byId, make, show } from "../lib/dom.js";
import { format } from "../lib/i18n.js";
import { syncDiff, syncState } from "./presence.js";

export function setUpPeople({ bus, session, send, T }) {
  const isMe = (p) => !!session.me && p.id === session.me.id;
  const moderating = () => !!session.me && !!session.me.moderator;
  const sendFrom = (place, message) => (session.sendFrom ? session.sendFrom(place, message) : send(message));
  const people = () => session.presence.people;
  let denying = null; // the id whose refusal is being confirmed

  function button(className, text, label, onClick) {
    const node = make("button", { type: "button", className: className, text: text });
    if (label) { node.setAttribute("aria-label", label); }
    node.addEventListener("click", onClick);
    return node;
  }

  // Companions not in the room (listed as waiting, or not connected at all).
  function missingCompanions(p) {
    return (p.companions || []).filter((c) => {
      const there = people().get(c.id);
      return !there || there.status === "waiting";
    });
  }

  function personItem(p) {
    const li = make("li", { dataset: { id: p.id, status: p.status } },
      make("span", { className: "dot", attrs: { "aria-hidden": "true" } }),
      make("span", { className: "name", text: p.name }),
      make("span", { className: "badge", text: p.role_label || p.role }));
    const extra = [];
    if (p.moderator) { extra.push(T.moderator); }
    if (p.status !== "present") { extra.push(T[p.status] || p.status); }
    if (p.connections > 1) { extra.push(format(T.connections, { count: p.connections })); }
    if (isMe(p)) { extra.push(T.you); }
    if (extra.length) { li.appendChild(make("span", { className: "muted", text: extra.join(" · ") })); }
    if (moderating() && p.accompanies) {
      li.appendChild(make("span", { className: "companion", text: format(T.link_accompanies, { name: p.accompanies.name }) }));
    }
    if (moderating() && p.status !== "waiting" && missingCompanions(p).length) {
      const names = missingCompanions(p).map((c) => c.name).join(", ");
      li.appendChild(make("span", { className: "badge warn without", text: "⚠ " + format(T.link_without, { names: names }) }));
    }
    if (p.media) {
      // Built-in audio and video (media/): who has camera and microphone on.
      [[p.camera, T.camera_on, T.camera_off], [p.microphone, T.microphone_on, T.microphone_off]].forEach((flag) => {
        li.appendChild(make("span", { className: "media-flags" + (flag[0] ? " on" : ""), text: flag[0] ? flag[1] : flag[2] }));
      });
      if (p.microphone && moderating() && !isMe(p)) {
        li.appendChild(button("secondary ask-mute", T.ask_mute, format(T.ask_mute_named, { name: p.name }),
          () => sendFrom("lobby-error", { type: "media.mute_request", participant: p.id })));
      }
    }
    if (p.quality && p.quality !== "good" && moderating()) {
      // The connection quality the participant's page measured: moderators see who is struggling.
      li.appendChild(make("span", { className: "badge quality " + (p.quality === "poor" ? "bad " : "warn ") + p.quality, text: T["quality_" + p.quality] }));
    }
    if (p.hand_raised) { li.appendChild(make("span", { className: "badge warn hand", text: "✋ " + T.hand })); }
    if (moderating() && !isMe(p) && !p.moderator) { li.appendChild(actions(p)); }
    return li;
  }

  function actions(p) {
    const box = make("span", { className: "actions" });
    if (denying === p.id) {
      box.append(confirmDeny(p));
      return box;
    }
    if (p.status === "waiting") {
      box.appendChild(button("admit", T.admit, format(T.admit_named, { name: p.name }),
        () => sendFrom("lobby-error", { type: "lobby.admit", participant: p.id })));
      const partner = p.accompanies ? people().get(p.accompanies.id) : null;
      const waitingCompanions = (p.companions || []).map((c) => people().get(c.id)).filter((c) => c && c.status === "waiting");
      const both = partner && partner.status === "waiting" ? [partner] : waitingCompanions;
      if (both.length) {
        const names = [p.name].concat(both.map((c) => c.name)).join(", ");
        box.appendChild(button("admit-both", T.link_both, format(T.admit_named, { name: names }),
          () => sendFrom("lobby-error", { type: "lobby.admit_all", participants: [p.id].concat(both.map((c) => c.id)) })));
      }
    }
    const denyText = p.status === "waiting" ? T.deny : T.remove;
    box.appendChild(button("danger deny", denyText, format(p.status === "waiting" ? T.deny_named : T.remove_named, { name: p.name }), () => {
      denying = p.id;
      render();
      const input = byId("deny-reason-" + p.id);
      if (input) { input.focus(); }
    }));
    return box;
  }

  // Refusing or removing, confirmed in the page with an optional reason.
  function confirmDeny(p) {
    const id = "deny-reason-" + p.id;
    const wrap = make("span", { className: "confirm-inline", attrs: { role: "group", "aria-label": format(T.deny_named, { name: p.name }) } });
    wrap.append(make("label", { htmlFor: id, text: T.deny_reason }),
      make("input", { id: id, maxLength: 2000 }));
    wrap.append(button("danger deny-confirm", p.status === "waiting" ? T.deny : T.remove, null, () => {
      const reason = byId(id).value;
      denying = null;
      sendFrom("lobby-error", { type: "lobby.deny", participant: p.id, reason: reason });
      addRefused(p);
    }), button("secondary deny-cancel", T.cancel, null, () => { denying = null; render(); }));
    return wrap;
  }

  // The refused list: let someone back in (the undo of a refusal or removal).
  function addRefused(p) {
    const list = byId("refused");
    if (!list || list.querySelector(`li[data-id="${p.id}"]`)) { return; }
    const item = make("li", { dataset: { id: p.id } }, make("span", { className: "name", text: p.name }),
      make("span", { className: "actions" }, make("button", {
        type: "button", className: "secondary let-back", text: T.let_back, dataset: { id: p.id },
        attrs: { "aria-label": format(T.let_back_named, { name: p.name }) },
      })));
    list.appendChild(item);
    show(byId("refused-block"), true);
  }

  const refusedList = byId("refused");
  if (refusedList) {
    refusedList.addEventListener("click", (event) => {
      const target = event.target.closest("button.let-back");
      if (!target) { return; }
      sendFrom("lobby-error", { type: "lobby.admit", participant: target.dataset.id });
      target.closest("li").remove();
      show(byId("refused-block"), refusedList.children.length > 0);
    });
  }

  function render() {
    const list = byId("participants");
    const listeners = byId("listeners");
    const waiting = byId("waiting");
    const focused = document.activeElement && document.activeElement.closest("li[data-id]");
    const focusKey = focused ? [focused.dataset.id, document.activeElement.className] : null;
    [list, listeners].concat(waiting ? [waiting] : []).forEach((node) => { node.textContent = ""; });
    const sorted = Array.from(people().values()).sort((a, b) => (b.moderator - a.moderator) || a.name.localeCompare(b.name));
    let inside = 0, listening = 0;
    sorted.forEach((p) => {
      if (p.status === "waiting") {
        if (waiting) { waiting.appendChild(personItem(p)); }
      } else if (p.listener) {
        listeners.appendChild(personItem(p));
        listening += 1;
      } else {
        list.appendChild(personItem(p));
        inside += 1;
      }
    });
    byId("people-count").textContent = inside;
    byId("listeners-count").textContent = listening;
    show(byId("listeners-block"), listening > 0);
    // The audience (listen-only members) is counted, never listed.
    const audience = byId("audience-count");
    audience.hidden = !session.presence.audience;
    audience.textContent = format(T.listening, { count: session.presence.audience.toLocaleString(document.documentElement.lang || undefined) });
    if (waiting && !waiting.children.length) { waiting.appendChild(make("li", { className: "muted", text: T.nobody_waiting })); }
    const mine = mineNow();
    if (byId("hand")) { byId("hand").textContent = mine && mine.hand_raised ? T.lower_hand : T.raise_hand; }
    if (focusKey) {
      // Keyboard users keep their place when the list is drawn again.
      const again = document.querySelector(`li[data-id="${focusKey[0]}"] [class="${focusKey[1]}"]`);
      if (again) { again.focus(); }
    }
  }

  function mineNow() {
    return session.me && people().get(session.me.id);
  }

  bus.on("presence.state", (m) => {
    syncState(session.presence, m);
    render();
    bus.emit("people.changed", { snapshot: true, people: people() });
  });

  bus.on("presence.diff", (m) => {
    const outcome = syncDiff(session.presence, m);
    if (outcome === "gap") { send({ type: "presence.sync" }); } // a diff went missing: ask for the whole list
    if (outcome === "applied") { render(); }
    bus.emit("people.changed", { snapshot: false, people: people(), joins: m.joins });
  });

  if (byId("hand")) {
    byId("hand").addEventListener("click", () => {
      const mine = mineNow();
      sendFrom("error-line", { type: mine && mine.hand_raised ? "hand.lower" : "hand.raise" });
    });
  }
}
