// The room's chat: lines as they come (text only ever as text), and the form that sends one.
import { byId, make } from "../lib/dom.js";
import { clockTime } from "../lib/time.js";

export function setUpChat({ bus, send }) {
  const log = byId("chat-log");

  bus.on("hello", () => { log.textContent = ""; });
  bus.on("chat.message", (message) => {
    const at = make("time", { dateTime: message.at, text: clockTime(message.at) });
    log.appendChild(make("li", { dataset: { id: message.id } },
      make("span", { className: "from", text: message.from.name }),
      make("span", { className: "text", text: message.text }),
      at));
    log.scrollTop = log.scrollHeight;
  });

  byId("chat-form").addEventListener("submit", (event) => {
    event.preventDefault();
    const input = byId("chat-text");
    const text = input.value;
    if (!text.trim()) { return; }
    send({ type: "chat.send", text: text });
    input.value = "";
  });
}
