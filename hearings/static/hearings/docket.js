// The public docket, live: every message carries the whole day's docket, so a missed one is
// repaired by the next. No login; nothing here can send.
import { byId, make, readJSON } from "../js/lib/dom.js";
import { keepConnected } from "../js/lib/socket.js";

const body = byId("docket");
const court = body.dataset.court;
const statusLabels = readJSON("docket-status-labels");
const typeLabels = readJSON("docket-case-type-labels");
const closedLabel = readJSON("docket-closed-label");
const emptyLabel = readJSON("docket-empty-label");
const observeLabel = readJSON("docket-observe-label");
const live = byId("docket-live");
const idleLabel = readJSON("docket-idle-label");

// The airport board: held, to come, the median delay, and what is in session in each courtroom.
function renderProgress(progress) {
  if (!progress) { return; }
  byId("progress-held").textContent = String(progress.held);
  byId("progress-to-come").textContent = String(progress.to_come);
  const delay = byId("progress-delay");
  delay.textContent = progress.median_delay_minutes === null ? "–"
    : progress.median_delay_minutes + " " + delay.getAttribute("data-unit");
  const rooms = byId("progress-rooms");
  rooms.textContent = "";
  progress.in_session.forEach((room) => {
    rooms.appendChild(make("li", { text: room.courtroom + ": " + (room.closed ? closedLabel : room.case_number) }));
  });
  if (!progress.in_session.length) { rooms.appendChild(make("li", { className: "muted", text: idleLabel })); }
}
// Each cell names its column (shown where the rows stack on a narrow screen).
const headings = [...document.querySelectorAll("#docket-table thead th")].map((th) => th.textContent);

function cell(row, text, span) {
  const td = make("td", { text: text || "" });
  if (span) { td.colSpan = span; } else if (headings[row.children.length]) {
    td.dataset.label = headings[row.children.length];
  }
  row.appendChild(td);
  return td;
}

function render(docket) {
  byId("docket-date").textContent = docket.date;
  renderProgress(docket.progress);
  body.textContent = "";
  if (!docket.hearings.length) {
    const empty = make("tr", { className: "empty" });
    cell(empty, emptyLabel, 9).className = "muted";
    body.appendChild(empty);
    return;
  }
  docket.hearings.forEach((entry) => {
    const row = make("tr");
    cell(row, entry.time + " " + entry.zone);
    cell(row, entry.case_number);
    if (entry.closed) {
      row.className = "closed";
      cell(row, closedLabel, 7);
    } else {
      row.setAttribute("data-hearing", entry.id);
      cell(row, typeLabels[entry.case_type] || entry.case_type);
      cell(row, entry.agenda);
      cell(row, entry.courtroom);
      const status = cell(row, statusLabels[entry.status] || entry.status);
      status.className = "status";
      status.setAttribute("data-status", entry.status);
      cell(row, entry.reason);
      cell(row, entry.next_local);
      const follow = make("td");
      if (entry.observe_path) { follow.appendChild(make("a", { href: entry.observe_path, text: observeLabel })); }
      row.appendChild(follow);
    }
    body.appendChild(row);
  });
}

keepConnected("/ws/docket/" + encodeURIComponent(court) + "/", {
  onOpen: () => { live.textContent = live.getAttribute("data-live"); },
  onMessage: (message) => { if (message.type === "docket.state") { render(message.docket); } },
  onClose: (event) => {
    live.textContent = live.getAttribute("data-offline");
    return event.code !== 4404;
  },
});
