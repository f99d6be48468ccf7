// "Copy" buttons of the calendar feed: data-copy is the text; the label "Copied" comes
// translated from the page (json_script "hadir-copied").
import { readJSON } from "../js/lib/dom.js";

document.querySelectorAll("[data-copy]").forEach((button) => {
  button.addEventListener("click", () => {
    navigator.clipboard.writeText(button.dataset.copy).then(() => {
      button.textContent = readJSON("hadir-copied");
    });
  });
});
