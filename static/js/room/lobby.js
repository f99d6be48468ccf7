// Which part of the page shows: the lobby while waiting, the room once admitted (the first
// presence.state), or the closing line when the room is over for this page (denied, not
// allowed, closed, ended). When the session ends the page says so, takes the chat box and the
// hand away, and offers the next step (#next-steps: attendance or the record for moderators,
// feedback and home for everyone). A page waiting for a room that opens by itself at the start
// (data-opens-at) comes back then.
import { byId, show } from "../lib/dom.js";

export function setUpLobby({ bus, socket, session, T }) {
  let comeBack = null;

  function over(text, { steps = true, retry = false, ended = false } = {}) {
    clearTimeout(comeBack);
    show(byId("lobby"), false);
    show(byId("inside"), false);
    byId("closed-text").textContent = text;
    show(byId("next-steps"), steps);
    show(byId("denied-again"), retry);
    // The attendee's feedback link (#feedback-line, when the page has one) once the session has ended.
    if (byId("feedback-line")) { show(byId("feedback-line"), ended); }
    show(byId("closed"), true);
    if (byId("lobby-banner")) { show(byId("lobby-banner"), false); }
    byId("closed-text").setAttribute("tabindex", "-1");
    byId("closed-text").focus();
  }

  bus.on("lobby.waiting", () => {
    show(byId("lobby"), true);
    show(byId("inside"), false);
    const opensAt = byId("room").dataset.opensAt;
    if (opensAt && !comeBack) {
      // A little after the start, spread so that a class's lobby does not reload at once.
      const wait = Math.max(0, new Date(opensAt) - Date.now()) + 1000 + Math.random() * 3000;
      comeBack = setTimeout(() => window.location.reload(), Math.min(wait, 2147483000));
    }
  });
  bus.on("lobby.admitted", () => {
    clearTimeout(comeBack);
    show(byId("lobby"), false);
  });
  bus.on("lobby.denied", (m) => {
    socket.finish();
    over(T.denied + (m.reason ? " " + m.reason : ""), { retry: true });
  });
  bus.on("presence.state", () => {
    show(byId("lobby"), false);
    show(byId("inside"), true);
  });
  bus.on("room.status", (m) => {
    if (session.room && (session.room.final || []).includes(m.status)) {
      over(T.ended_as + " " + (session.room.statuses[m.status] || m.status), { ended: true });
    }
  });
  bus.on("socket.closed", ({ ending }) => {
    if (ending && !byId("closed").hidden) { return; } // already said (ended, denied)
    if (ending) { over(T[ending], { steps: ending === "ended", ended: ending === "ended" }); }
  });
  byId("try-again").addEventListener("click", () => window.location.reload());
}
