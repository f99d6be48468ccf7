// Live in-app notices on every page of a signed-in user: on the notifications page each new
// notice is prepended to the list; elsewhere it shows briefly in a corner. The texts arrive
// already translated from the server; the page supplies the word for "New" when it has a list.
import { byId, make } from "../js/lib/dom.js";
import { strings as translated } from "../js/lib/i18n.js";
import { keepConnected } from "../js/lib/socket.js";

const list = byId("notice-list");
const count = byId("unread-count");
const strings = translated("notice-strings");

function link(notice) {
  const node = make(notice.url ? "a" : "span", { text: notice.text });
  if (notice.url) { node.href = notice.url; }
  return node;
}

function prepend(notice) {
  const item = make("li", { className: "unread", dataset: { id: notice.id } },
    make("strong", { text: (strings.new || "") + " " }), link(notice));
  const empty = list.querySelector(".hint");
  if (empty) { empty.remove(); }
  list.prepend(item);
}

function toast(notice) {
  const box = make("div", { className: "notice-toast", attrs: { role: "status" } });
  box.style.cssText = "position:fixed;right:1em;bottom:1em;max-width:24em;padding:.75em 1em;" +
    "background:#1d2733;color:#fff;border-radius:6px;box-shadow:0 2px 8px rgba(0,0,0,.3);z-index:1000";
  const text = link(notice);
  text.style.color = "inherit";
  box.appendChild(text);
  document.body.appendChild(box);
  setTimeout(() => box.remove(), 10000);
}

keepConnected("/ws/notifications/", {
  onMessage: (message) => {
    if (message.type === "notice") {
      if (list) { prepend(message); } else { toast(message); }
      if (count) { count.textContent = String(Number(count.textContent || 0) + 1); }
    }
    if ((message.type === "notice.hello" || message.type === "notice.unread") && count) {
      count.textContent = String(message.unread);
    }
  },
  onClose: (event) => event.code !== 4401,
});
