// The sitting's recording (docs/protocol.md, "Recording for the record"). Everyone sees a bar while
// it records (`hello.room.recording`, then each `media.recording`); a moderator, where the court or
// school allows it (`hello.room.recording_allowed`), starts and stops it with `media.record`.
// The server decides: the button only asks, and a refusal shows next to it.
import { byId, say } from "../../lib/dom.js";

export function setUpRecording({ bus, session, send }) {
  const bar = byId("recording-bar");
  if (!bar) { return null; }
  const text = byId("recording-text");
  const button = byId("recording-toggle");
  let recording = false;
  let allowed = false;
  let seen = false; // whether this page saw it record (then "stopped" stays shown a while)
  let ended = false;

  function render() {
    const mayControl = !!(button && allowed && !ended && session.me && session.me.moderator);
    bar.hidden = !(recording || seen || mayControl);
    bar.classList.toggle("is-off", !recording);
    text.textContent = recording ? text.dataset.on : (seen ? text.dataset.off : text.dataset.idle);
    document.body.classList.toggle("is-recording", recording);
    if (button) {
      button.hidden = !mayControl;
      button.disabled = false;
      button.textContent = recording ? button.dataset.stop : button.dataset.start;
      button.setAttribute("aria-pressed", String(recording));
    }
  }

  bus.on("hello", (m) => {
    recording = !!m.room.recording;
    allowed = !!m.room.recording_allowed;
    seen = seen || recording;
    render();
  });
  bus.on("media.recording", (m) => {
    recording = !!m.recording;
    seen = seen || recording;
    if (byId("recording-error")) { say(byId("recording-error"), ""); }
    render();
  });
  bus.on("error", () => { if (button) { button.disabled = false; } });
  bus.on("socket.closed", (m) => {
    if (m.final) { ended = true; recording = false; render(); }
  });

  if (button) {
    button.addEventListener("click", () => {
      button.disabled = true;
      const message = { type: "media.record", on: !recording };
      if (session.sendFrom) { session.sendFrom("recording-error", message); } else { send(message); }
    });
  }
  return { recording: () => recording };
}
