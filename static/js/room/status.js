// The session's status (the banner, the reason, the moderators' form for the allowed next
// statuses), the connection line and the error line.
import { byId, say, show } from "../lib/dom.js";
import { format } from "../lib/i18n.js";
import { instantFromLocal } from "../lib/time.js";

export function setUpStatus({ bus, session, send, T }) {
  const setConnection = (text) => { byId("connection").textContent = text; };
  const showError = (text) => say(byId("error-line"), text);

  function render(status, reason) {
    const room = session.room;
    const banner = byId("status-banner");
    banner.textContent = (room && room.statuses[status]) || status;
    banner.dataset.status = status;
    byId("status-reason").textContent = reason || "";
    show(byId("status-reason"), !!reason);
    if (!room || !session.me || !session.me.moderator) { return; }
    const select = byId("status-select");
    select.textContent = "";
    (room.transitions[status] || []).forEach((next) => {
      const option = document.createElement("option");
      option.value = next;
      option.textContent = room.statuses[next] || next;
      select.appendChild(option);
    });
    byId("status-form").hidden = select.options.length === 0;
  }

  bus.on("hello", () => {
    show(byId("moderation"), !!session.me.moderator);
    render(session.room.status, session.room.reason);
  });
  bus.on("room.status", (m) => {
    session.room.status = m.status;
    session.room.reason = m.reason;
    render(m.status, m.reason);
  });
  bus.on("error", (m) => showError(m.message));

  bus.on("socket.connecting", () => setConnection(T.connecting));
  bus.on("socket.open", () => {
    setConnection(T.connected);
    showError("");
  });
  bus.on("socket.reconnecting", ({ seconds, code }) => {
    setConnection(format(T.reconnecting, { seconds: seconds }));
    if (code === 4429) { showError(T.too_many); }
  });
  bus.on("socket.closed", ({ final }) => { if (final) { setConnection(""); } });

  byId("status-form").addEventListener("submit", (event) => {
    event.preventDefault();
    const message = { type: "room.set_status", status: byId("status-select").value, reason: byId("status-reason-input").value };
    const next = byId("status-next").value;
    if (next) { message.next_at = instantFromLocal(next); }
    send(message);
    byId("status-reason-input").value = "";
  });
}
