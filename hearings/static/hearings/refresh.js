// The clerk's list of today's hearings comes up to date every 20 seconds, unless the clerk turns
// that off (WCAG 2.2.1: a page that changes by itself can be stopped) or is typing in a form.
const toggle = document.getElementById("auto-refresh");
setInterval(() => {
  const typing = document.activeElement && document.activeElement.closest("form");
  if (toggle.checked && !typing && !document.querySelector("dialog[open]")) { location.reload(); }
}, 20000);
