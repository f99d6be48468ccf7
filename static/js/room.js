// The live room page: one WebSocket speaking docs/protocol.md, rebuilt on every reconnect.
// Plain JavaScript, no build step. Text from the server is only ever set with textContent.
(function () {
  "use strict";

  var root = document.getElementById("room");
  if (!root) { return; }
  var T = JSON.parse(document.getElementById("room-strings").textContent);
  var path = "/ws/rooms/" + root.dataset.occurrence + "/";
  var el = function (id) { return document.getElementById(id); };

  var ws = null;
  var me = null;
  var room = null;
  var seq = 0;
  var people = new Map();
  var attempts = 0;
  var heartbeatTimer = null;
  var finished = false;
  var FINAL_CODES = { 4401: "not_allowed", 4403: "not_allowed", 4404: "closed", 4410: "ended" };

  function format(text, values) {
    return text.replace(/%\((\w+)\)s/g, function (_, key) { return values[key]; });
  }

  function send(message) {
    if (ws && ws.readyState === WebSocket.OPEN) { ws.send(JSON.stringify(message)); }
  }

  function show(id, visible) { el(id).hidden = !visible; }

  function setConnection(text) { el("connection").textContent = text; }

  function showError(text) {
    var line = el("error-line");
    line.textContent = text;
    line.hidden = !text;
  }

  function renderStatus(status, reason) {
    var banner = el("status-banner");
    banner.textContent = (room && room.statuses[status]) || status;
    banner.dataset.status = status;
    el("status-reason").textContent = reason || "";
    show("status-reason", !!reason);
    if (!room || !me || !me.moderator) { return; }
    var select = el("status-select");
    select.textContent = "";
    (room.transitions[status] || []).forEach(function (next) {
      var option = document.createElement("option");
      option.value = next;
      option.textContent = room.statuses[next] || next;
      select.appendChild(option);
    });
    el("status-form").hidden = select.options.length === 0;
  }

  function personItem(p) {
    var li = document.createElement("li");
    li.dataset.id = p.id;
    li.dataset.status = p.status;
    var dot = document.createElement("span");
    dot.className = "dot";
    var name = document.createElement("span");
    name.className = "name";
    name.textContent = p.name;
    var role = document.createElement("span");
    role.className = "badge";
    role.textContent = p.role_label || p.role;
    li.append(dot, name, role);
    var extra = [];
    if (p.moderator) { extra.push(T.moderator); }
    if (p.status !== "present") { extra.push(T[p.status] || p.status); }
    if (p.connections > 1) { extra.push(format(T.connections, { count: p.connections })); }
    if (me && p.id === me.id) { extra.push(T.you); }
    if (extra.length) {
      var note = document.createElement("span");
      note.className = "muted";
      note.textContent = extra.join(" · ");
      li.appendChild(note);
    }
    if (p.media) {
      // Built-in audio and video (media.js): who has camera and microphone on.
      [[p.camera, T.camera_on, T.camera_off], [p.microphone, T.microphone_on, T.microphone_off]].forEach(function (flag) {
        var media = document.createElement("span");
        media.className = "media-flags" + (flag[0] ? " on" : "");
        media.textContent = flag[0] ? flag[1] : flag[2];
        li.appendChild(media);
      });
      if (p.microphone && me && me.moderator && p.id !== me.id) {
        var mute = document.createElement("button");
        mute.type = "button";
        mute.className = "secondary ask-mute";
        mute.textContent = T.ask_mute;
        mute.addEventListener("click", function () { send({ type: "media.mute_request", participant: p.id }); });
        li.appendChild(mute);
      }
    }
    if (p.hand_raised) {
      var hand = document.createElement("span");
      hand.className = "badge warn hand";
      hand.textContent = "✋ " + T.hand;
      li.appendChild(hand);
    }
    if (p.status === "waiting" && me && me.moderator) {
      var actions = document.createElement("span");
      actions.className = "actions";
      var admit = document.createElement("button");
      admit.type = "button";
      admit.className = "admit";
      admit.textContent = T.admit;
      admit.addEventListener("click", function () { send({ type: "lobby.admit", participant: p.id }); });
      var deny = document.createElement("button");
      deny.type = "button";
      deny.className = "danger deny";
      deny.textContent = T.deny;
      deny.addEventListener("click", function () {
        var reason = window.prompt(T.deny_reason, "");
        if (reason !== null) { send({ type: "lobby.deny", participant: p.id, reason: reason }); }
      });
      actions.append(admit, deny);
      li.appendChild(actions);
    }
    return li;
  }

  function renderPeople() {
    var list = el("participants");
    var waiting = el("waiting");
    list.textContent = "";
    waiting.textContent = "";
    var sorted = Array.from(people.values()).sort(function (a, b) {
      return (b.moderator - a.moderator) || a.name.localeCompare(b.name);
    });
    var inside = 0;
    sorted.forEach(function (p) {
      if (p.status === "waiting") {
        waiting.appendChild(personItem(p));
      } else {
        list.appendChild(personItem(p));
        inside += 1;
      }
    });
    el("people-count").textContent = inside;
    if (!waiting.children.length) {
      var none = document.createElement("li");
      none.className = "muted";
      none.textContent = T.nobody_waiting;
      waiting.appendChild(none);
    }
    var mine = me && people.get(me.id);
    el("hand").textContent = mine && mine.hand_raised ? T.lower_hand : T.raise_hand;
  }

  function addChat(message) {
    var log = el("chat-log");
    var li = document.createElement("li");
    li.dataset.id = message.id;
    var from = document.createElement("span");
    from.className = "from";
    from.textContent = message.from.name;
    var text = document.createElement("span");
    text.className = "text";
    text.textContent = message.text;
    var at = document.createElement("time");
    at.dateTime = message.at;
    at.textContent = new Date(message.at).toLocaleTimeString([], { hour: "2-digit", minute: "2-digit" });
    li.append(from, text, at);
    log.appendChild(li);
    log.scrollTop = log.scrollHeight;
  }

  var handlers = {
    "hello": function (m) {
      me = m.you;
      room = m.room;
      people = new Map();
      seq = 0;
      el("chat-log").textContent = "";
      show("moderation", !!me.moderator);
      renderStatus(room.status, room.reason);
      clearInterval(heartbeatTimer);
      heartbeatTimer = setInterval(function () { send({ type: "heartbeat" }); }, (room.heartbeat_seconds || 10) * 1000);
    },
    "lobby.waiting": function () {
      show("lobby", true);
      show("inside", false);
    },
    "lobby.admitted": function () {
      show("lobby", false);
    },
    "lobby.denied": function (m) {
      finished = true;
      show("lobby", false);
      show("inside", false);
      el("closed-text").textContent = T.denied + (m.reason ? " " + m.reason : "");
      show("closed", true);
    },
    "presence.state": function (m) {
      people = new Map();
      m.participants.forEach(function (p) { people.set(p.id, p); });
      seq = m.seq;
      show("lobby", false);
      show("inside", true);
      renderPeople();
    },
    "presence.diff": function (m) {
      if (m.seq <= seq) { return; }
      if (m.seq !== seq + 1) {
        // A diff went missing: ask for the whole list again.
        send({ type: "presence.sync" });
        return;
      }
      seq = m.seq;
      m.joins.concat(m.updates).forEach(function (p) { people.set(p.id, p); });
      m.leaves.forEach(function (p) { people.delete(p.id); });
      renderPeople();
    },
    "room.status": function (m) {
      room.status = m.status;
      room.reason = m.reason;
      renderStatus(m.status, m.reason);
    },
    "chat.message": addChat,
    "signal": function (m) {
      root.dispatchEvent(new CustomEvent("room-signal", { detail: m }));
    },
    "error": function (m) { showError(m.message); }
  };

  function connect() {
    var scheme = window.location.protocol === "https:" ? "wss://" : "ws://";
    setConnection(T.connecting);
    ws = new WebSocket(scheme + window.location.host + path);
    ws.addEventListener("open", function () {
      attempts = 0;
      setConnection(T.connected);
      showError("");
    });
    ws.addEventListener("message", function (event) {
      var message;
      try { message = JSON.parse(event.data); } catch (e) { return; }
      var handler = handlers[message.type];
      if (handler) { handler(message); }
      root.dispatchEvent(new CustomEvent("room-message", { detail: message }));
    });
    ws.addEventListener("close", function (event) {
      clearInterval(heartbeatTimer);
      root.dispatchEvent(new CustomEvent("room-closed", {
        detail: { code: event.code, final: finished || !!FINAL_CODES[event.code] }
      }));
      if (finished) { setConnection(""); return; }
      var final = FINAL_CODES[event.code];
      if (final) {
        finished = true;
        setConnection("");
        show("inside", false);
        show("lobby", false);
        el("closed-text").textContent = T[final];
        show("closed", true);
        return;
      }
      // Exponential backoff with jitter, so that a restarted server is not stormed.
      attempts += 1;
      var base = Math.min(30, Math.pow(2, Math.min(attempts, 5)) / 2) * (event.code === 4429 ? 4 : 1);
      var delay = Math.min(60, base) * (0.5 + Math.random() / 2);
      setConnection(format(T.reconnecting, { seconds: Math.ceil(delay) }));
      if (event.code === 4429) { showError(T.too_many); }
      setTimeout(connect, delay * 1000);
    });
  }

  el("chat-form").addEventListener("submit", function (event) {
    event.preventDefault();
    var input = el("chat-text");
    var text = input.value;
    if (!text.trim()) { return; }
    send({ type: "chat.send", text: text });
    input.value = "";
  });

  el("hand").addEventListener("click", function () {
    var mine = me && people.get(me.id);
    send({ type: mine && mine.hand_raised ? "hand.lower" : "hand.raise" });
  });

  el("status-form").addEventListener("submit", function (event) {
    event.preventDefault();
    var message = { type: "room.set_status", status: el("status-select").value, reason: el("status-reason-input").value };
    var next = el("status-next").value;
    if (next) { message.next_at = new Date(next).toISOString(); }
    send(message);
    el("status-reason-input").value = "";
  });

  // For media.js: the same socket, and who this page is.
  window.hadirRoom = { send: send, me: function () { return me; }, people: function () { return people; } };

  connect();
})();
