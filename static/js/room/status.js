// The session's status (the banner, the reason and next sitting in the session's zone, the
// moderators' form), the connection line and where errors show.
//
// The form offers only the statuses the room's policy allows next (hello.room.transitions), with
// no choice made for the moderator, and only the fields the chosen status takes
// (hello.room.fields: "reason" required, "next_at" read by the server in the session's zone). A
// final status (hello.room.final) closes everyone's connection: it asks first, in the page, saying so.
// An error shows next to the control that caused it (the last one used), else at the top.
import { byId, say, show } from "../lib/dom.js";
import { format } from "../lib/i18n.js";
import { dateTime, wallTime } from "../lib/time.js";

export function setUpStatus({ bus, session, send, T }) {
  const setConnection = (text) => { byId("connection").textContent = text; };
  const form = byId("status-form");
  // Where the answer to the last message sent from a control goes: its error line's id.
  let errorPlace = null;
  let pendingStatus = null;

  function sendFrom(place, message) {
    errorPlace = place;
    ["status-error", "lobby-error", "chat-error", "error-line"].forEach((id) => { if (byId(id)) { say(byId(id), ""); } });
    send(message);
  }
  session.sendFrom = sendFrom;

  function zoneLabel() { return byId("room").dataset.zoneLabel || ""; }

  function render(status, reason, nextAt) {
    const room = session.room;
    const banner = byId("status-banner");
    banner.textContent = (room && room.statuses[status]) || status;
    banner.dataset.status = status;
    let line = reason || "";
    if (nextAt && room) {
      line += (line ? " · " : "") + format(T.next_sitting, { when: dateTime(nextAt, room.timezone) + " " + zoneLabel() });
    }
    say(byId("status-reason"), line);
    if (!room || !session.me || !session.me.moderator || !form) { return; }
    const select = byId("status-select");
    select.textContent = "";
    const nextStatuses = room.transitions[status] || [];
    select.appendChild(new Option(T.choose_status, ""));
    nextStatuses.forEach((next) => select.appendChild(new Option(room.statuses[next] || next, next)));
    select.value = "";
    form.hidden = nextStatuses.length === 0;
    showFields();
  }

  function fieldsOf(status) {
    return (session.room && session.room.fields && session.room.fields[status]) || [];
  }

  function showFields() {
    const fields = fieldsOf(byId("status-select").value);
    show(byId("status-field-next"), fields.includes("next_at"));
    show(byId("status-reason-optional"), !fields.includes("reason"));
    byId("status-reason-input").required = fields.includes("reason");
    show(byId("status-confirm"), false);
  }

  function isFinal(status) {
    return !!session.room && (session.room.final || []).includes(status);
  }

  function message() {
    const status = byId("status-select").value;
    const result = { type: "room.set_status", status: status, reason: byId("status-reason-input").value };
    if (fieldsOf(status).includes("next_at") && byId("status-next").value) {
      result.next_at = wallTime(byId("status-next").value);
    }
    return result;
  }

  function submit() {
    pendingStatus = byId("status-select").value;
    sendFrom("status-error", message());
  }

  if (form) {
    byId("status-select").addEventListener("change", showFields);
    form.addEventListener("submit", (event) => {
      event.preventDefault();
      const status = byId("status-select").value;
      if (!status) {
        say(byId("status-error"), T.choose_status_first);
        byId("status-select").focus();
        return;
      }
      if (fieldsOf(status).includes("reason") && !byId("status-reason-input").value.trim()) {
        say(byId("status-error"), T.reason_needed);
        byId("status-reason-input").focus();
        return;
      }
      if (isFinal(status)) {
        // Irreversible: say what will happen, in the page, and wait for a second click.
        const present = Array.from(session.presence.people.values()).filter((p) => p.status !== "waiting").length;
        byId("status-confirm-text").textContent = format(T.confirm_final, {
          status: session.room.statuses[status] || status, count: present,
        });
        byId("status-confirm-yes").textContent = format(T.confirm_yes, { status: session.room.statuses[status] || status });
        show(byId("status-confirm"), true);
        byId("status-confirm-yes").focus();
        return;
      }
      submit();
    });
    byId("status-confirm-yes").addEventListener("click", () => { show(byId("status-confirm"), false); submit(); });
    byId("status-confirm-no").addEventListener("click", () => {
      show(byId("status-confirm"), false);
      byId("status-submit").focus();
    });
  }

  bus.on("hello", () => {
    if (byId("moderation")) { show(byId("moderation"), !!session.me.moderator); }
    render(session.room.status, session.room.reason, session.room.next_at);
  });
  bus.on("room.status", (m) => {
    session.room.status = m.status;
    session.room.reason = m.reason;
    session.room.next_at = m.next_at;
    if (form && pendingStatus === m.status) {
      // Done: the form forgets what was entered (the prompt goes away after success).
      pendingStatus = null;
      byId("status-reason-input").value = "";
      byId("status-next").value = "";
      say(byId("status-error"), "");
    }
    render(m.status, m.reason, m.next_at);
  });
  bus.on("error", (m) => {
    const place = errorPlace && byId(errorPlace) ? byId(errorPlace) : byId("error-line");
    say(place, m.message);
    if (place.id === "status-error") { pendingStatus = null; }
  });

  bus.on("socket.connecting", () => setConnection(T.connecting));
  bus.on("socket.open", () => {
    setConnection(T.connected);
    say(byId("error-line"), "");
  });
  bus.on("socket.reconnecting", ({ seconds, code }) => {
    setConnection(format(T.reconnecting, { seconds: seconds }));
    if (code === 4429) { say(byId("error-line"), T.too_many); }
  });
  bus.on("socket.closed", ({ final }) => { if (final) { setConnection(""); } });
}
