// The room's chat: lines as they come (text only ever as text), each with its time in the
// session's zone and its label (WIB, WITA, WIT), and the form that sends one.
import { byId, make } from "../lib/dom.js";
import { clockTime, dateTime } from "../lib/time.js";

export function setUpChat({ bus, session }) {
  const log = byId("chat-log");
  const room = byId("room");

  bus.on("hello", () => { log.textContent = ""; });
  bus.on("chat.message", (message) => {
    const zone = session.room ? session.room.timezone : undefined;
    const at = make("time", {
      dateTime: message.at, text: clockTime(message.at, zone) + " " + room.dataset.zoneLabel,
      title: dateTime(message.at, zone) + " " + room.dataset.zoneLabel,
    });
    log.appendChild(make("li", { dataset: { id: message.id } },
      make("span", { className: "from", text: message.from.name }),
      make("span", { className: "text", text: message.text }),
      at));
    log.scrollTop = log.scrollHeight;
  });

  const form = byId("chat-form");
  if (!form) { return; } // a listen-only role: no chat box
  form.addEventListener("submit", (event) => {
    event.preventDefault();
    const input = byId("chat-text");
    const text = input.value;
    if (!text.trim()) { return; }
    session.sendFrom("chat-error", { type: "chat.send", text: text });
    input.value = "";
  });
}
