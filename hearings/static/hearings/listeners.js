// How many listen to today's public hearings now: the docket's rows and a hearing's public page ask
// /docket/<court>/listeners.json every 10 seconds (the server caches it for 5) and show the label it
// gives, in the page's language, next to each hearing ([data-listeners="<hearing id>"]). Hearings
// the answer leaves out (closed, not live, nobody listening) show nothing. The docket redraws its
// rows on each change; the last answer is applied again to the new rows.
import { byId } from "../js/lib/dom.js";

const holder = document.querySelector("[data-listeners-court], #hearing-listeners");
const court = holder && (holder.dataset.listenersCourt || holder.dataset.court);
const EVERY_MS = 10000;
let last = {};

function apply() {
  document.querySelectorAll("[data-listeners]").forEach((node) => {
    const entry = last[node.dataset.listeners];
    node.textContent = entry ? (node.id ? "" : " · ") + entry.label : "";
    node.hidden = !entry;
  });
}

async function poll() {
  try {
    const response = await fetch("/docket/" + encodeURIComponent(court) + "/listeners.json", { credentials: "same-origin" });
    if (response.ok) {
      last = (await response.json()).hearings || {};
      apply();
    }
  } catch (e) {
    // offline for a moment: the next poll tries again
  }
}

if (court) {
  const rows = byId("docket");
  if (rows) {
    // docket.js rebuilds the rows: give each new status cell its place for the number.
    new MutationObserver(() => {
      rows.querySelectorAll("tr[data-hearing] td.status").forEach((cell) => {
        if (!cell.querySelector("[data-listeners]")) {
          const span = document.createElement("span");
          span.className = "listeners";
          span.dataset.listeners = cell.parentNode.dataset.hearing;
          span.hidden = true;
          cell.appendChild(span);
        }
      });
      apply();
    }).observe(rows, { childList: true });
  }
  poll();
  setInterval(poll, EVERY_MS);
}
