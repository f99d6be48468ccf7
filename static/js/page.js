// What every page shares, kept out of the HTML so that the Content-Security-Policy can refuse
// inline script: the language menu switches on change (its <noscript> button does without
// JavaScript), a button marked data-print prints the page, a form marked data-confirm asks first,
// and a form that came back with errors shows their summary.
import { make } from "./lib/dom.js";

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

// Irreversible actions ask first, in the page (never window.confirm): a form's data-confirm says
// what will happen, or the chosen <option>'s data-confirm in a select marked data-confirm-select.
// data-confirm-yes names the action on the button; the body carries the default labels.
function confirmationText(form) {
  const option = form.querySelector("select[data-confirm-select] option:checked");
  if (option) { return option.dataset.confirm || ""; }
  return form.dataset.confirm || "";
}

function ask(form, text, submitter) {
  const labels = document.body.dataset;
  const yes = make("button", { type: "button", className: "danger", text: form.dataset.confirmYes || labels.confirmYes });
  const no = make("button", { type: "button", className: "secondary", text: labels.confirmNo });
  const dialog = make("dialog", { className: "confirm", attrs: { "aria-labelledby": "confirm-text" } },
    make("p", { id: "confirm-text", text }), make("div", { className: "confirm-actions" }, no, yes));
  yes.addEventListener("click", () => {
    form.dataset.confirmed = "yes";
    dialog.close();
    form.requestSubmit(submitter && submitter.form === form ? submitter : undefined);
  });
  no.addEventListener("click", () => dialog.close());
  dialog.addEventListener("close", () => {
    dialog.remove();
    if (form.dataset.confirmed !== "yes" && submitter) { submitter.focus(); }
  });
  document.body.append(dialog);
  dialog.showModal();
  no.focus();
}

document.addEventListener("submit", (event) => {
  const form = event.target;
  const text = confirmationText(form);
  if (!text || form.dataset.confirmed === "yes") { return; }
  event.preventDefault();
  ask(form, text, event.submitter);
});
