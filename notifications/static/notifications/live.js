// Live in-app notices on every page of a signed-in user: on the notifications page each new
// notice is prepended to the list; elsewhere it shows briefly in a corner. The texts arrive
// already translated from the server; the page supplies the word for "New" when it has a list.
(function () {
  "use strict";
  const list = document.getElementById("notice-list");
  const count = document.getElementById("unread-count");
  const stringsNode = document.getElementById("notice-strings");
  const strings = stringsNode ? JSON.parse(stringsNode.textContent) : {};
  const scheme = location.protocol === "https:" ? "wss://" : "ws://";
  let delay = 1000;

  function link(notice) {
    const node = document.createElement(notice.url ? "a" : "span");
    if (notice.url) node.href = notice.url;
    node.textContent = notice.text;
    return node;
  }

  function prepend(notice) {
    const item = document.createElement("li");
    item.className = "unread";
    item.dataset.id = notice.id;
    const label = document.createElement("strong");
    label.textContent = (strings.new || "") + " ";
    item.appendChild(label);
    item.appendChild(link(notice));
    const empty = list.querySelector(".hint");
    if (empty) empty.remove();
    list.prepend(item);
  }

  function toast(notice) {
    const box = document.createElement("div");
    box.className = "notice-toast";
    box.setAttribute("role", "status");
    box.style.cssText = "position:fixed;right:1em;bottom:1em;max-width:24em;padding:.75em 1em;" +
      "background:#1d2733;color:#fff;border-radius:6px;box-shadow:0 2px 8px rgba(0,0,0,.3);z-index:1000";
    const text = link(notice);
    text.style.color = "inherit";
    box.appendChild(text);
    document.body.appendChild(box);
    setTimeout(function () { box.remove(); }, 10000);
  }

  function connect() {
    const socket = new WebSocket(scheme + location.host + "/ws/notifications/");
    socket.onopen = function () { delay = 1000; };
    socket.onmessage = function (event) {
      const message = JSON.parse(event.data);
      if (message.type === "notice") {
        if (list) prepend(message); else toast(message);
        if (count) count.textContent = String(Number(count.textContent || 0) + 1);
      }
      if ((message.type === "notice.hello" || message.type === "notice.unread") && count) {
        count.textContent = String(message.unread);
      }
    };
    socket.onclose = function (event) {
      if (event.code === 4401) return;
      setTimeout(connect, delay);
      delay = Math.min(delay * 2, 30000);
    };
  }
  connect();
})();
