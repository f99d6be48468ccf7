// The waiting page before a room opens: counts down data-seconds and reloads at zero.
(function () {
  "use strict";
  var counter = document.getElementById("countdown");
  var value = document.getElementById("countdown-value");
  if (!counter || !value) { return; }
  var left = parseInt(counter.dataset.seconds, 10);
  function pad(n) { return (n < 10 ? "0" : "") + n; }
  function show() {
    var h = Math.floor(left / 3600), m = Math.floor((left % 3600) / 60), s = left % 60;
    value.textContent = (h ? h + ":" : "") + pad(m) + ":" + pad(s);
  }
  show();
  setInterval(function () {
    left -= 1;
    if (left <= 0) { window.location.reload(); return; }
    show();
  }, 1000);
})();
