// What every page shares, kept out of the HTML so that the Content-Security-Policy can refuse
// inline script: the language menu switches on change (its <noscript> button does without
// JavaScript), and a button marked data-print prints the page.
document.querySelectorAll("form.lang select[name=language]").forEach((select) => {
  select.addEventListener("change", () => select.form.submit());
});
document.querySelectorAll("button[data-print]").forEach((button) => {
  button.addEventListener("click", () => window.print());
});
