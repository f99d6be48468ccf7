// The device check (templates/config/device_check.html): camera, microphone (a level meter),
// speakers (a test tone the person confirms) and a WebSocket round trip to /ws/healthz/. Each
// check ends "ok" or "problem" with what to fix, in the page's language (json_script strings).
import { byId } from "./lib/dom.js";
import { format, strings } from "./lib/i18n.js";
import { socketUrl } from "./lib/socket.js";

const text = strings("check-strings");
const results = {};

function report(name, state, message, fix) {
  const item = document.querySelector(`[data-check="${name}"]`);
  const badge = item.querySelector("[data-result]");
  badge.textContent = message;
  badge.className = "badge " + (state === "ok" ? "ok" : state === "problem" ? "bad" : "warn");
  item.dataset.state = state;
  const fixLine = item.querySelector("[data-fix]");
  fixLine.textContent = fix || "";
  fixLine.hidden = !fix;
  results[name] = state;
  const done = Object.values(results).filter((value) => value !== "checking");
  if (done.length === 4) {
    const problems = done.filter((value) => value === "problem").length;
    byId("check-summary").textContent = problems ? format(text.summary_problems, { count: problems }) : text.summary_ok;
  }
}

function deviceProblem(error, kind) {
  const name = error && error.name;
  if (name === "NotAllowedError" || name === "SecurityError") { return text[kind + "_denied"]; }
  if (name === "NotFoundError" || name === "OverconstrainedError") { return text[kind + "_missing"]; }
  if (name === "NotReadableError" || name === "AbortError") { return text[kind + "_busy"]; }
  return text[kind + "_failed"];
}

async function checkCamera() {
  report("camera", "checking", text.checking);
  try {
    const stream = await navigator.mediaDevices.getUserMedia({ video: true });
    byId("check-video").srcObject = stream;
    report("camera", "ok", text.camera_ok);
  } catch (error) {
    report("camera", "problem", text.problem, deviceProblem(error, "camera"));
  }
}

async function checkMicrophone() {
  report("microphone", "checking", text.checking);
  let stream;
  try {
    stream = await navigator.mediaDevices.getUserMedia({ audio: true });
  } catch (error) {
    report("microphone", "problem", text.problem, deviceProblem(error, "microphone"));
    return;
  }
  const context = new AudioContext();
  const analyser = context.createAnalyser();
  context.createMediaStreamSource(stream).connect(analyser);
  const samples = new Float32Array(analyser.fftSize);
  const meter = byId("check-level");
  let loudest = 0;
  const started = performance.now();
  const listen = () => {
    analyser.getFloatTimeDomainData(samples);
    const level = Math.min(1, Math.sqrt(samples.reduce((sum, v) => sum + v * v, 0) / samples.length) * 4);
    meter.value = level;
    loudest = Math.max(loudest, level);
    if (loudest > 0.02 && results.microphone !== "ok") { report("microphone", "ok", text.microphone_ok); }
    if (results.microphone === "checking" && performance.now() - started > 8000) {
      report("microphone", "problem", text.problem, text.microphone_silent);
    }
    requestAnimationFrame(listen);
  };
  if (context.state === "suspended") { await context.resume(); }
  listen();
}

function playTone() {
  const context = new AudioContext();
  const tone = context.createOscillator();
  const gain = context.createGain();
  tone.frequency.value = 440;
  gain.gain.value = 0.2;
  tone.connect(gain).connect(context.destination);
  tone.start();
  tone.stop(context.currentTime + 1);
  report("speakers", "checking", text.tone_playing);
  byId("check-heard").hidden = false;
}

function checkConnection() {
  report("connection", "checking", text.checking);
  const sent = performance.now();
  let answered = false;
  const socket = new WebSocket(socketUrl("/ws/healthz/"));
  const timer = setTimeout(() => {
    if (!answered) { socket.close(); report("connection", "problem", text.problem, text.connection_failed); }
  }, 10000);
  socket.onmessage = (event) => {
    const message = JSON.parse(event.data);
    if (message.type === "health" && message.status === "ok") {
      answered = true;
      clearTimeout(timer);
      const ms = Math.round(performance.now() - sent);
      report("connection", "ok", format(text.connection_ok, { ms }), ms > 1500 ? text.connection_slow : "");
      socket.close();
    }
  };
  socket.onerror = () => {
    if (!answered) { clearTimeout(timer); answered = true; report("connection", "problem", text.problem, text.connection_failed); }
  };
}

byId("check-start").addEventListener("click", () => {
  byId("check-summary").textContent = "";
  report("speakers", "checking", text.speakers_waiting);
  checkCamera();
  checkMicrophone();
  checkConnection();
});
byId("check-tone").addEventListener("click", playTone);
byId("check-heard-yes").addEventListener("click", () => report("speakers", "ok", text.speakers_ok));
byId("check-heard-no").addEventListener("click", () => report("speakers", "problem", text.problem, text.speakers_silent));
