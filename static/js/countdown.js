// The waiting page before a room opens: counts down data-seconds and reloads at zero.
import { byId } from "./lib/dom.js";
import { duration } from "./lib/time.js";

const counter = byId("countdown");
const value = byId("countdown-value");
if (counter && value) {
  let left = parseInt(counter.dataset.seconds, 10);
  value.textContent = duration(left);
  setInterval(() => {
    left -= 1;
    if (left <= 0) { window.location.reload(); return; }
    value.textContent = duration(left);
  }, 1000);
}
