// The waiting page before a room opens: the server says when in words ("The room opens tomorrow
// at 08:00 WIB"); within the last hour this page counts the minutes ("… in 12 minutes"), and it
// reloads itself at opening time.
import { byId } from "./lib/dom.js";
import { format, strings } from "./lib/i18n.js";

const counter = byId("countdown");
const value = byId("countdown-value");
if (counter && value) {
  const T = strings("countdown-strings");
  const openAt = Date.now() + parseInt(counter.dataset.seconds, 10) * 1000;
  const tick = () => {
    const left = Math.ceil((openAt - Date.now()) / 1000);
    if (left <= 0) { window.location.reload(); return; }
    if (left <= 3600) {
      const minutes = Math.max(1, Math.ceil(left / 60));
      value.textContent = format(minutes === 1 ? T.one : T.other, { count: minutes });
    }
  };
  setInterval(tick, 1000);
}
