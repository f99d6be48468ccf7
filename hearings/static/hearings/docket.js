// The public docket, live: every message carries the whole day's docket, so a missed one is
// repaired by the next. No login; nothing here can send.
(function () {
  "use strict";
  var script = document.currentScript;
  var court = script.getAttribute("data-court");
  var read = function (id) { return JSON.parse(document.getElementById(id).textContent); };
  var statusLabels = read("docket-status-labels");
  var typeLabels = read("docket-case-type-labels");
  var closedLabel = read("docket-closed-label");
  var emptyLabel = read("docket-empty-label");
  var body = document.getElementById("docket");
  var live = document.getElementById("docket-live");
  var delay = 1000;

  function cell(row, text, span) {
    var td = document.createElement("td");
    td.textContent = text || "";
    if (span) { td.colSpan = span; }
    row.appendChild(td);
    return td;
  }

  function render(docket) {
    document.getElementById("docket-date").textContent = docket.date;
    body.textContent = "";
    if (!docket.hearings.length) {
      var empty = document.createElement("tr");
      empty.className = "empty";
      cell(empty, emptyLabel, 8).className = "muted";
      body.appendChild(empty);
      return;
    }
    docket.hearings.forEach(function (entry) {
      var row = document.createElement("tr");
      cell(row, entry.time + " " + entry.zone);
      cell(row, entry.case_number);
      if (entry.closed) {
        row.className = "closed";
        cell(row, closedLabel, 6);
      } else {
        row.setAttribute("data-hearing", entry.id);
        cell(row, typeLabels[entry.case_type] || entry.case_type);
        cell(row, entry.agenda);
        cell(row, entry.courtroom);
        var status = cell(row, statusLabels[entry.status] || entry.status);
        status.className = "status";
        status.setAttribute("data-status", entry.status);
        cell(row, entry.reason);
        cell(row, entry.next_local);
      }
      body.appendChild(row);
    });
  }

  function connect() {
    var scheme = location.protocol === "https:" ? "wss://" : "ws://";
    var socket = new WebSocket(scheme + location.host + "/ws/docket/" + encodeURIComponent(court) + "/");
    socket.onopen = function () { delay = 1000; live.textContent = live.getAttribute("data-live"); };
    socket.onmessage = function (event) {
      var message = JSON.parse(event.data);
      if (message.type === "docket.state") { render(message.docket); }
    };
    socket.onclose = function (event) {
      live.textContent = live.getAttribute("data-offline");
      if (event.code === 4404) { return; }
      setTimeout(connect, delay);
      delay = Math.min(delay * 2, 30000);
    };
  }
  connect();
})();
