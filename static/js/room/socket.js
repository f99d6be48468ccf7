// The room's WebSocket (docs/protocol.md): connect, send, a heartbeat, and reconnecting with
// exponential backoff and jitter. Every message from the server goes to the event table under
// its type; the socket's own life is told there too:
//   "socket.connecting" · "socket.open" · "socket.reconnecting" {seconds, code} ·
//   "socket.closed" {code, final, ending}
// where `ending` names why the room is over for this page ("denied" is told by the lobby).
import { socketUrl } from "../lib/socket.js";

const FINAL_CODES = { 4401: "not_allowed", 4403: "not_allowed", 4404: "closed", 4410: "ended" };

export function createRoomSocket(path, bus) {
  let ws = null;
  let attempts = 0;
  let heartbeatTimer = null;
  let finished = false;

  function send(message) {
    if (ws && ws.readyState === WebSocket.OPEN) { ws.send(JSON.stringify(message)); }
  }

  bus.on("hello", (m) => {
    clearInterval(heartbeatTimer);
    heartbeatTimer = setInterval(() => send({ type: "heartbeat" }), (m.room.heartbeat_seconds || 10) * 1000);
  });

  function closed(event) {
    clearInterval(heartbeatTimer);
    const ending = finished ? null : FINAL_CODES[event.code] || null;
    bus.emit("socket.closed", { code: event.code, final: finished || !!ending, ending: ending });
    if (finished || ending) {
      finished = true;
      return;
    }
    // Exponential backoff with jitter, so that a restarted server is not stormed.
    attempts += 1;
    const base = Math.min(30, Math.pow(2, Math.min(attempts, 5)) / 2) * (event.code === 4429 ? 4 : 1);
    const delay = Math.min(60, base) * (0.5 + Math.random() / 2);
    bus.emit("socket.reconnecting", { seconds: Math.ceil(delay), code: event.code });
    setTimeout(connect, delay * 1000);
  }

  function connect() {
    bus.emit("socket.connecting");
    ws = new WebSocket(socketUrl(path));
    ws.addEventListener("open", () => {
      attempts = 0;
      bus.emit("socket.open");
    });
    ws.addEventListener("message", (event) => {
      let message;
      try { message = JSON.parse(event.data); } catch (e) { return; }
      bus.emit(message.type, message);
    });
    ws.addEventListener("close", closed);
  }

  // The room is over for this page (denied at the door): no reconnecting after the close.
  function finish() { finished = true; }

  return { connect, send, finish };
}
