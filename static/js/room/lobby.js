// Which part of the page shows: the lobby while waiting, the room once admitted (the first
// presence.state), or the closing line when the room is over for this page (denied, not
// allowed, closed, ended).
import { byId, show } from "../lib/dom.js";

export function setUpLobby({ bus, socket, T }) {
  function over(text) {
    show(byId("lobby"), false);
    show(byId("inside"), false);
    byId("closed-text").textContent = text;
    show(byId("closed"), true);
  }

  bus.on("lobby.waiting", () => {
    show(byId("lobby"), true);
    show(byId("inside"), false);
  });
  bus.on("lobby.admitted", () => show(byId("lobby"), false));
  bus.on("lobby.denied", (m) => {
    socket.finish();
    over(T.denied + (m.reason ? " " + m.reason : ""));
  });
  bus.on("presence.state", () => {
    show(byId("lobby"), false);
    show(byId("inside"), true);
  });
  bus.on("socket.closed", ({ ending }) => {
    if (ending) { over(T[ending]); }
    // The attendee's feedback link (data-feedback-url), offered once the session has ended.
    const feedback = byId("feedback-line");
    if (ending === "ended" && feedback) { show(feedback, true); }
  });
}
