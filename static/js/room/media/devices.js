// The camera and the microphone: asking for them (falling back to whichever exists, with a
// message for what is missing), the device menus, and the level meter.
import { byId, make } from "../../lib/dom.js";
import { format } from "../../lib/i18n.js";
import { message } from "./tiles.js";

export function supported() {
  return !!(window.RTCPeerConnection && navigator.mediaDevices && navigator.mediaDevices.getUserMedia);
}

function constraint(deviceId) { return deviceId ? { deviceId: { exact: deviceId } } : true; }

function getMedia(audio, video) {
  return navigator.mediaDevices.getUserMedia({ audio: audio, video: video });
}

// `useStream(stream)` is called with what was got (an empty MediaStream when nothing was).
export function createDevices(call, useStream) {
  const { T, setup } = call;
  let meter = null; // {context, frame}

  function explain(error) {
    const name = error && error.name;
    if (name === "NotAllowedError" || name === "SecurityError") { return T.denied; }
    if (name === "NotReadableError" || name === "AbortError") { return T.in_use; }
    return null;
  }

  // Ask for camera and microphone; fall back to whichever exists, with a message for what is missing.
  function acquire(chosen) {
    const wantVideo = !setup.audio_only;
    const audio = constraint(chosen.microphone);
    const video = wantVideo ? constraint(chosen.camera) : false;
    return getMedia(audio, video).catch((error) => {
      if (explain(error)) { throw error; }
      // A missing device: try each kind alone.
      return getMedia(audio, false).catch((audioError) => {
        if (explain(audioError)) { throw audioError; }
        if (!wantVideo) { return new MediaStream(); }
        return getMedia(false, video).catch(() => new MediaStream());
      });
    }).then((stream) => {
      const hasVideo = stream.getVideoTracks().length > 0;
      const hasAudio = stream.getAudioTracks().length > 0;
      if (!hasAudio && !hasVideo) {
        message(T.no_devices);
      } else if (wantVideo && !hasVideo) {
        message(T.no_camera);
      } else if (!hasAudio) {
        message(T.no_microphone);
      } else {
        message(setup.audio_only ? T.audio_only : "");
      }
      useStream(stream);
      return listDevices();
    }).catch((error) => {
      message(explain(error) || T.no_devices);
      useStream(new MediaStream());
    }).then(() => {
      byId("media-join").disabled = false; // joining without a device is allowed: see and hear the others
    });
  }

  function listDevices() {
    return navigator.mediaDevices.enumerateDevices().then((devices) => {
      fill(byId("media-camera"), devices, "videoinput", call.local && call.local.getVideoTracks()[0]);
      fill(byId("media-microphone"), devices, "audioinput", call.local && call.local.getAudioTracks()[0]);
    });
  }

  function fill(select, devices, kind, track) {
    if (!select) { return; }
    const current = track && track.getSettings ? track.getSettings().deviceId : "";
    select.textContent = "";
    let number = 0;
    devices.forEach((device) => {
      if (device.kind !== kind) { return; }
      number += 1;
      select.appendChild(make("option", {
        value: device.deviceId,
        text: device.label || format(T.device, { number: number }),
        selected: device.deviceId === current,
      }));
    });
    if (!number) { select.appendChild(make("option", { value: "", text: T.none })); }
    select.disabled = !number;
  }

  function chosen() {
    const camera = byId("media-camera");
    const microphone = byId("media-microphone");
    return { camera: camera ? camera.value : "", microphone: microphone ? microphone.value : "" };
  }

  // The level meter: the microphone's loudness (RMS) from an AnalyserNode, on every animation frame.
  function startMeter(stream) {
    stopMeter();
    const Context = window.AudioContext || window.webkitAudioContext;
    if (!Context || !stream.getAudioTracks().length) { return; }
    const context = new Context();
    const analyser = context.createAnalyser();
    analyser.fftSize = 512;
    context.createMediaStreamSource(stream).connect(analyser);
    const samples = new Float32Array(analyser.fftSize);
    const bar = byId("media-level");
    meter = { context: context, frame: 0 };
    (function tick() {
      analyser.getFloatTimeDomainData(samples);
      let sum = 0;
      for (let i = 0; i < samples.length; i += 1) { sum += samples[i] * samples[i]; }
      bar.value = Math.min(1, Math.sqrt(sum / samples.length) * 4);
      meter.frame = requestAnimationFrame(tick);
    })();
  }

  function stopMeter() {
    if (!meter) { return; }
    cancelAnimationFrame(meter.frame);
    meter.context.close();
    meter = null;
  }

  // Browsers start an AudioContext suspended until the page is used: the meter moves from the
  // first click or key press (and when joining the call).
  function resumeMeter() {
    if (meter && meter.context.state === "suspended") { meter.context.resume(); }
  }
  ["pointerdown", "keydown"].forEach((kind) => document.addEventListener(kind, resumeMeter));

  // Device menus changed: ask again for the chosen ones.
  ["media-camera", "media-microphone"].forEach((id) => {
    if (byId(id)) { byId(id).addEventListener("change", () => acquire(chosen())); }
  });

  return { acquire, startMeter, stopMeter, resumeMeter };
}
