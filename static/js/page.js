// What every page shares, kept out of the HTML so that the Content-Security-Policy can refuse
// inline script: the language menu switches on change (its <noscript> button does without
// JavaScript), and a button marked data-print prints the page.
(function () {
  "use strict";
  document.querySelectorAll("form.lang select[name=language]").forEach(function (select) {
    select.addEventListener("change", function () { select.form.submit(); });
  });
  document.querySelectorAll("button[data-print]").forEach(function (button) {
    button.addEventListener("click", function () { window.print(); });
  });
})();
