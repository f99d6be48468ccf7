// What every page shares, kept out of the HTML so that the Content-Security-Policy can refuse
// inline script: the language menu switches on change (its <noscript> button does without
// JavaScript), and a button marked data-print prints the page.
document.querySelectorAll("form.lang select[name=language]").forEach((select) => {
  select.addEventListener("change", () => select.form.submit());
});
document.querySelectorAll("button[data-print]").forEach((button) => {
  button.addEventListener("click", () => window.print());
});
// A form that came back with errors: its summary (templates/_form_errors.html) is brought into
// view and focused, so that the eye and a screen reader start there.
const summary = document.querySelector("[data-focus-on-load]");
if (summary) {
  summary.scrollIntoView({ block: "start" });
  summary.focus({ preventScroll: true });
}
