// The lobby cannot be missed (moderators only): a banner at the top of the page while people wait
// ("3 waiting — Admit all / Review"), the count in the tab's title, and for each new arrival a short
// tone (WebAudio, no sound file) and a desktop notification when the browser allows them.
// "Admit all" (lobby.admit_all) is offered where the room's policy allows it (hello.room.admit_all).
import { byId, show } from "../lib/dom.js";
import { format } from "../lib/i18n.js";

export function setUpAlerts({ bus, session, T }) {
  const banner = byId("lobby-banner");
  if (!banner) { return null; }
  const baseTitle = document.title;
  let known = null; // ids seen waiting, so that only new arrivals are announced
  let audio = null;
  const announced = { tones: 0, notifications: 0 }; // read by tests (window.hadirRoom.alerts)

  function tone() {
    try {
      audio = audio || new (window.AudioContext || window.webkitAudioContext)();
      if (audio.state === "suspended") { audio.resume(); }
      const oscillator = audio.createOscillator();
      const gain = audio.createGain();
      oscillator.frequency.value = 880;
      gain.gain.setValueAtTime(0.0001, audio.currentTime);
      gain.gain.exponentialRampToValueAtTime(0.2, audio.currentTime + 0.02);
      gain.gain.exponentialRampToValueAtTime(0.0001, audio.currentTime + 0.25);
      oscillator.connect(gain).connect(audio.destination);
      oscillator.start();
      oscillator.stop(audio.currentTime + 0.3);
      announced.tones += 1;
    } catch (e) { /* no audio on this device: the banner and the title still say it */ }
  }

  function notify(names) {
    if (!("Notification" in window) || Notification.permission !== "granted") { return; }
    try {
      new Notification(format(T.arrived, { names: names.join(", ") }), { body: session.room ? session.room.title : "", tag: "hadir-lobby" });
      announced.notifications += 1;
    } catch (e) { /* some browsers only notify from a service worker */ }
  }

  const alertsButton = byId("lobby-alerts");
  function offerAlerts() {
    show(alertsButton, "Notification" in window && Notification.permission === "default");
  }
  alertsButton.addEventListener("click", () => {
    Notification.requestPermission().then(offerAlerts);
    if (!audio) { tone(); } // a click lets the page play the tone later
  });

  byId("lobby-admit-all").addEventListener("click", () => {
    session.sendFrom("lobby-error", { type: "lobby.admit_all" });
  });
  byId("lobby-review").addEventListener("click", (event) => {
    event.preventDefault();
    const title = byId("waiting-title");
    title.scrollIntoView({ block: "start" });
    title.focus();
  });

  bus.on("hello", () => { known = null; });
  bus.on("people.changed", ({ people }) => {
    if (!session.me || !session.me.moderator) { return; }
    const waiting = Array.from(people.values()).filter((p) => p.status === "waiting");
    const count = waiting.length;
    byId("lobby-banner-text").textContent = count === 1 ? T.waiting_one : format(T.waiting_many, { count: count });
    show(banner, count > 0);
    show(byId("lobby-admit-all"), !!session.room.admit_all && count > 0);
    document.title = count ? "(" + count + ") " + baseTitle : baseTitle;
    const arrivals = known === null ? [] : waiting.filter((p) => !known.has(p.id));
    known = new Set(waiting.map((p) => p.id));
    if (arrivals.length) {
      tone();
      notify(arrivals.map((p) => p.name));
    }
    offerAlerts();
  });
  return announced;
}
