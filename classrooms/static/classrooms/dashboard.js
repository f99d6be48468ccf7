// Keep the class dashboard's present / expected counts and room statuses live without reloading
// the page: every 15 s from the URL in the script tag's data-url.
import { byId } from "../js/lib/dom.js";

const url = byId("dashboard-script").dataset.url;

function refresh() {
  fetch(url, { credentials: "same-origin", headers: { "Accept": "application/json" } })
    .then((response) => (response.ok ? response.json() : []))
    .then((cards) => {
      cards.forEach((card) => {
        document.querySelectorAll('.count[data-occurrence="' + card.occurrence_id + '"]').forEach((node) => {
          node.textContent = card.present + " / " + card.expected;
        });
        document.querySelectorAll('.room-status[data-occurrence="' + card.occurrence_id + '"]').forEach((node) => {
          node.textContent = card.status_label;
          node.className = "badge room-status" + (card.status === "live" ? " ok" : card.status === "open" ? " warn" : "");
        });
      });
    })
    .catch(() => {});
}
setInterval(refresh, 15000);
