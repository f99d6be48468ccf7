// Keep the class dashboard's present / expected counts and room statuses live without reloading
// the page: every 15 s from the URL in the script tag's data-url.
(function () {
  "use strict";
  var url = document.currentScript.dataset.url;
  function refresh() {
    fetch(url, {credentials: "same-origin", headers: {"Accept": "application/json"}})
      .then(function (response) { return response.ok ? response.json() : []; })
      .then(function (cards) {
        cards.forEach(function (card) {
          document.querySelectorAll('.count[data-occurrence="' + card.occurrence_id + '"]').forEach(function (el) {
            el.textContent = card.present + " / " + card.expected;
          });
          document.querySelectorAll('.room-status[data-occurrence="' + card.occurrence_id + '"]').forEach(function (el) {
            el.textContent = card.status_label;
            el.className = "badge room-status" + (card.status === "live" ? " ok" : card.status === "open" ? " warn" : "");
          });
        });
      })
      .catch(function () {});
  }
  setInterval(refresh, 15000);
})();
