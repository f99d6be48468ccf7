// "Copy" buttons of the calendar feed: data-copy is the text; the label "Copied" comes
// translated from the page (json_script "hadir-copied").
(function () {
  "use strict";
  document.querySelectorAll("[data-copy]").forEach(function (button) {
    button.addEventListener("click", function () {
      navigator.clipboard.writeText(button.dataset.copy).then(function () {
        button.textContent = JSON.parse(document.getElementById("hadir-copied").textContent);
      });
    });
  });
})();
