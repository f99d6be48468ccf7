// WebSockets to the page's own origin, and a connection kept open by reconnecting with a doubling
// delay (1 s up to 30 s) for the pages that only listen (the docket, the notices).

export function socketUrl(path) {
  return (location.protocol === "https:" ? "wss://" : "ws://") + location.host + path;
}

// onMessage gets each parsed message; onOpen / onClose(event) are optional; onClose returning
// false stops the reconnecting.
export function keepConnected(path, { onMessage, onOpen, onClose }) {
  let delay = 1000;
  function connect() {
    const socket = new WebSocket(socketUrl(path));
    socket.onopen = function () {
      delay = 1000;
      if (onOpen) { onOpen(); }
    };
    socket.onmessage = function (event) { onMessage(JSON.parse(event.data)); };
    socket.onclose = function (event) {
      if (onClose && onClose(event) === false) { return; }
      setTimeout(connect, delay);
      delay = Math.min(delay * 2, 30000);
    };
  }
  connect();
}
