// Built-in audio and video for small rooms: a full mesh of RTCPeerConnections negotiated over the
// room socket's `signal` messages with the "perfect negotiation" pattern (docs/protocol.md,
// "Audio and video"). room.js owns the socket; this script listens to its "room-message" and
// "room-closed" events and sends through window.hadirRoom.send. Text only ever via textContent.
(function () {
  "use strict";

  var root = document.getElementById("room");
  var section = document.getElementById("media");
  if (!root || !section || !window.hadirRoom) { return; }
  var el = function (id) { return document.getElementById(id); };
  var setup = JSON.parse(el("media-setup").textContent);
  var T = JSON.parse(el("media-strings").textContent);
  var send = window.hadirRoom.send;

  var me = null;
  var people = new Map();
  var admittedAt = null;
  var firstFrameAt = null;
  var local = null;          // the local MediaStream (possibly without video or audio)
  var joined = false;        // in the call
  var cameraOn = false;
  var micOn = false;
  var peers = new Map();     // participant id -> peer
  var meter = null;          // {context, analyser, frame}
  var previewStarted = false;
  var wasDisconnected = false;

  function message(text) {
    var line = el("media-message");
    line.textContent = text || "";
    line.hidden = !text;
  }

  function format(text, values) {
    return text.replace(/%\((\w+)\)s/g, function (_, key) { return values[key]; });
  }

  function supported() {
    return !!(window.RTCPeerConnection && navigator.mediaDevices && navigator.mediaDevices.getUserMedia);
  }

  // --- entering the room ------------------------------------------------------------------------

  function admitted() {
    section.hidden = false;
    if (admittedAt === null) { admittedAt = performance.now(); }
    if (setup.mode !== "mesh" || !setup.may_send) { return; }
    if (!window.isSecureContext) { message(T.insecure); return; }
    if (!supported()) { message(T.unsupported); return; }
    if (!previewStarted) {
      previewStarted = true;
      el("media-prejoin").hidden = false;
      acquire({});
    }
  }

  // --- devices ----------------------------------------------------------------------------------

  function constraint(deviceId) { return deviceId ? { deviceId: { exact: deviceId } } : true; }

  function explain(error) {
    var name = error && error.name;
    if (name === "NotAllowedError" || name === "SecurityError") { return T.denied; }
    if (name === "NotReadableError" || name === "AbortError") { return T.in_use; }
    return null;
  }

  function getMedia(audio, video) {
    return navigator.mediaDevices.getUserMedia({ audio: audio, video: video });
  }

  // Ask for camera and microphone; fall back to whichever exists, with a message for what is missing.
  function acquire(chosen) {
    var wantVideo = !setup.audio_only;
    var audio = constraint(chosen.microphone);
    var video = wantVideo ? constraint(chosen.camera) : false;
    return getMedia(audio, video).catch(function (error) {
      var reason = explain(error);
      if (reason) { throw error; }
      // A missing device: try each kind alone.
      return getMedia(audio, false).catch(function (audioError) {
        if (explain(audioError)) { throw audioError; }
        if (!wantVideo) { return new MediaStream(); }
        return getMedia(false, video).catch(function () { return new MediaStream(); });
      });
    }).then(function (stream) {
      var hasVideo = stream.getVideoTracks().length > 0;
      var hasAudio = stream.getAudioTracks().length > 0;
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
    }).catch(function (error) {
      message(explain(error) || T.no_devices);
      useStream(new MediaStream());
    }).then(function () {
      el("media-join").disabled = false; // joining without a device is allowed: see and hear the others
    });
  }

  function useStream(stream) {
    var old = local;
    local = stream;
    cameraOn = stream.getVideoTracks().length > 0 && (!old || cameraOn || !joined);
    micOn = stream.getAudioTracks().length > 0 && (!old || micOn || !joined);
    applyEnabled();
    el("media-preview").srcObject = stream;
    startMeter(stream);
    peers.forEach(function (peer) { attachTracks(peer); });
    if (old && old !== stream) {
      old.getTracks().forEach(function (track) { if (stream.getTracks().indexOf(track) < 0) { track.stop(); } });
    }
    var self = el("media-self-video");
    if (self) { self.srcObject = stream; }
    renderControls();
    if (joined) { announce(); }
  }

  function listDevices() {
    return navigator.mediaDevices.enumerateDevices().then(function (devices) {
      fill(el("media-camera"), devices, "videoinput", local && local.getVideoTracks()[0]);
      fill(el("media-microphone"), devices, "audioinput", local && local.getAudioTracks()[0]);
    });
  }

  function fill(select, devices, kind, track) {
    if (!select) { return; }
    var current = track && track.getSettings ? track.getSettings().deviceId : "";
    select.textContent = "";
    var number = 0;
    devices.forEach(function (device) {
      if (device.kind !== kind) { return; }
      number += 1;
      var option = document.createElement("option");
      option.value = device.deviceId;
      option.textContent = device.label || format(T.device, { number: number });
      option.selected = device.deviceId === current;
      select.appendChild(option);
    });
    if (!number) {
      var none = document.createElement("option");
      none.value = "";
      none.textContent = T.none;
      select.appendChild(none);
    }
    select.disabled = !number;
  }

  function chosenDevices() {
    var camera = el("media-camera");
    var microphone = el("media-microphone");
    return { camera: camera ? camera.value : "", microphone: microphone ? microphone.value : "" };
  }

  // The level meter: the microphone's loudness (RMS) from an AnalyserNode, on every animation frame.
  function startMeter(stream) {
    stopMeter();
    var Context = window.AudioContext || window.webkitAudioContext;
    if (!Context || !stream.getAudioTracks().length) { return; }
    var context = new Context();
    var analyser = context.createAnalyser();
    analyser.fftSize = 512;
    context.createMediaStreamSource(stream).connect(analyser);
    var samples = new Float32Array(analyser.fftSize);
    var bar = el("media-level");
    meter = { context: context, frame: 0 };
    (function tick() {
      analyser.getFloatTimeDomainData(samples);
      var sum = 0;
      for (var i = 0; i < samples.length; i += 1) { sum += samples[i] * samples[i]; }
      bar.value = Math.min(1, Math.sqrt(sum / samples.length) * 4);
      meter.frame = requestAnimationFrame(tick);
    })();
  }

  // Browsers start an AudioContext suspended until the page is used: the meter moves from the first
  // click or key press.
  ["pointerdown", "keydown"].forEach(function (kind) {
    document.addEventListener(kind, function () {
      if (meter && meter.context.state === "suspended") { meter.context.resume(); }
    });
  });

  function stopMeter() {
    if (!meter) { return; }
    cancelAnimationFrame(meter.frame);
    meter.context.close();
    meter = null;
  }

  // --- the call ---------------------------------------------------------------------------------

  function applyEnabled() {
    if (!local) { return; }
    local.getVideoTracks().forEach(function (track) { track.enabled = cameraOn; });
    local.getAudioTracks().forEach(function (track) { track.enabled = micOn; });
  }

  function announce() {
    send({ type: "media.state", media: joined, camera: joined && cameraOn, microphone: joined && micOn });
  }

  function renderControls() {
    var camera = el("media-toggle-camera");
    if (camera) {
      camera.textContent = cameraOn ? T.camera_off : T.camera_on;
      camera.disabled = !local || !local.getVideoTracks().length;
      camera.setAttribute("aria-pressed", String(cameraOn));
    }
    var mic = el("media-toggle-mic");
    if (mic) {
      mic.textContent = micOn ? T.mic_off : T.mic_on;
      mic.disabled = !local || !local.getAudioTracks().length;
      mic.setAttribute("aria-pressed", String(micOn));
    }
  }

  function join() {
    if (joined) { return; }
    joined = true;
    if (meter && meter.context.state === "suspended") { meter.context.resume(); }
    el("media-prejoin").hidden = true;
    el("media-call").hidden = false;
    selfTile();
    renderControls();
    announce();
    syncPeers();
  }

  function leaveCall() {
    joined = false;
    Array.from(peers.keys()).forEach(closePeer);
    var tiles = el("media-tiles");
    if (tiles) { tiles.textContent = ""; }
    announce();
  }

  function stopEverything() {
    joined = false;
    Array.from(peers.keys()).forEach(closePeer);
    stopMeter();
    if (local) { local.getTracks().forEach(function (track) { track.stop(); }); }
    local = null;
    section.hidden = true;
  }

  function makeTile(id, name) {
    var figure = document.createElement("figure");
    figure.className = "media-tile";
    figure.dataset.peer = id;
    var video = document.createElement("video");
    video.autoplay = true;
    video.playsInline = true;
    var caption = document.createElement("figcaption");
    caption.textContent = name;
    var note = document.createElement("p");
    note.className = "tile-message";
    note.hidden = true;
    figure.append(video, caption, note);
    el("media-tiles").appendChild(figure);
    return { figure: figure, video: video, caption: caption, note: note };
  }

  function selfTile() {
    var tiles = el("media-tiles");
    if (el("media-self-video")) { return; }
    var tile = makeTile(me.id, T.you);
    tile.figure.classList.add("self");
    tiles.insertBefore(tile.figure, tiles.firstChild);
    tile.video.id = "media-self-video";
    tile.video.muted = true;
    tile.video.srcObject = local;
  }

  function tileState(peer, state, text) {
    peer.tile.figure.dataset.state = state;
    peer.tile.note.textContent = text || "";
    peer.tile.note.hidden = !text;
  }

  function describe(peer) {
    var p = people.get(peer.id);
    if (!p) { return; }
    var flags = [];
    if (!p.camera) { flags.push(T.camera_muted); }
    if (!p.microphone) { flags.push(T.mic_muted); }
    peer.tile.caption.textContent = p.name + (flags.length ? " · " + flags.join(", ") : "");
    peer.tile.figure.dataset.video = p.camera ? "on" : "off";
  }

  // Each connection has its own id, so that signals meant for an earlier connection (before a
  // reload or a reconnect) are told apart from a fresh start.
  // Diagnostics: a page that sets window.hadirMediaTrace = [] gets the signalling steps logged there.
  function trace() { if (window.hadirMediaTrace) { window.hadirMediaTrace.push(Array.from(arguments).join(" ")); } }
  function signal(peer, data) {
    trace("out", peer.id.slice(0, 4), data.description ? data.description.type : "cand", peer.pc.signalingState);
    data.sid = peer.session;
    if (peer.remoteSession) { data.rsid = peer.remoteSession; }
    send({ type: "signal", to: peer.id, data: data });
  }

  function attachTracks(peer) {
    if (!local) { return; }
    var pc = peer.pc;
    local.getTracks().forEach(function (track) {
      var sender = pc.getSenders().find(function (s) { return s.track && s.track.kind === track.kind; });
      if (sender) {
        if (sender.track !== track) { sender.replaceTrack(track); }
      } else {
        var spare = pc.getTransceivers().find(function (t) {
          return !t.stopped && t.receiver.track.kind === track.kind && !t.sender.track && t.direction === "recvonly";
        });
        if (spare) {
          spare.sender.replaceTrack(track);
          spare.direction = "sendrecv";
          spare.sender.setStreams && spare.sender.setStreams(local);
        } else {
          pc.addTrack(track, local);
        }
      }
    });
    ["audio", "video"].forEach(function (kind) {
      var has = pc.getTransceivers().some(function (t) { return !t.stopped && t.receiver.track.kind === kind; });
      if (!has) { pc.addTransceiver(kind, { direction: "recvonly" }); }
    });
  }

  function createPeer(id, answering) {
    var peer = {
      id: id,
      polite: me.id < id,
      makingOffer: false,
      ignoreOffer: false,
      confirmed: false,
      session: Math.random().toString(36).slice(2) + Date.now().toString(36),
      remoteSession: null,
      queue: Promise.resolve(),
      restarts: 0,
      timer: null,
      pc: new RTCPeerConnection({ iceServers: setup.ice_servers || [] })
    };
    var p = people.get(id);
    peer.tile = makeTile(id, p ? p.name : "");
    tileState(peer, "connecting", T.connecting);
    var pc = peer.pc;
    pc.addEventListener("track", function (event) {
      var stream = event.streams[0];
      if (!stream) {
        stream = peer.tile.video.srcObject || new MediaStream();
        stream.addTrack(event.track);
      }
      if (peer.tile.video.srcObject !== stream) { peer.tile.video.srcObject = stream; }
    });
    peer.tile.video.addEventListener("loadeddata", function () {
      if (firstFrameAt === null) { firstFrameAt = performance.now(); }
    });
    pc.addEventListener("icecandidate", function (event) {
      if (event.candidate) { signal(peer, { candidate: event.candidate.toJSON() }); }
    });
    pc.addEventListener("negotiationneeded", function () {
      trace("nn", id.slice(0, 4), pc.signalingState);
      peer.queue = peer.queue.then(function () {
        peer.makingOffer = true;
        return pc.setLocalDescription().then(function () {
          signal(peer, { description: pc.localDescription.toJSON() });
        });
      }).catch(function (error) {
        console.warn("media: offer failed", error);
        trace("offer failed", error);
      }).then(function () { peer.makingOffer = false; });
    });
    pc.addEventListener("connectionstatechange", function () { connectionChanged(peer); });
    pc.addEventListener("iceconnectionstatechange", function () {
      if (pc.iceConnectionState === "failed") { restart(peer); }
    });
    // A peer that never connects is shown as such on its own tile; the others are unaffected.
    peer.timer = setTimeout(function () { watchdog(peer); }, 10000);
    peers.set(id, peer);
    trace("create", id.slice(0, 4), peer.session, peer.polite);
    // The impolite side offers first; the polite side adds its tracks to the transceivers of that
    // offer, so that the first negotiation has no glare. It offers itself if no offer comes.
    if (peer.polite || answering) {
      peer.waiting = setTimeout(function () { start(peer); }, 3000);
    } else {
      start(peer);
    }
    describe(peer);
    return peer;
  }

  function start(peer) {
    clearTimeout(peer.waiting);
    if (peer.started || peers.get(peer.id) !== peer) { return; }
    peer.started = true;
    attachTracks(peer);
  }

  // A connection still not up after a while is started afresh (the other side follows, seeing a new
  // connection id); after a few tries its tile says it cannot connect, and it keeps trying.
  function watchdog(peer) {
    if (peers.get(peer.id) !== peer || peer.pc.connectionState === "connected") { return; }
    var attempts = (peer.attempts || 0) + 1;
    closePeer(peer.id);
    var fresh = createPeer(peer.id);
    fresh.attempts = attempts;
    fresh.confirmed = peer.confirmed;
    if (attempts >= 2) { tileState(fresh, "failed", T.cannot_connect); }
  }

  function connectionChanged(peer) {
    var state = peer.pc.connectionState;
    if (state === "connected") {
      peer.restarts = 0;
      tileState(peer, "connected", "");
    } else if (state === "disconnected") {
      tileState(peer, "reconnecting", T.reconnecting);
      setTimeout(function () {
        if (peers.get(peer.id) === peer && peer.pc.connectionState === "disconnected") { restart(peer); }
      }, 4000);
    } else if (state === "failed") {
      tileState(peer, "failed", T.cannot_connect);
      restart(peer);
    }
  }

  function restart(peer) {
    if (peers.get(peer.id) !== peer || peer.restarts >= 5) { return; }
    peer.restarts += 1;
    peer.pc.restartIce();
  }

  function closePeer(id) {
    var peer = peers.get(id);
    if (!peer) { return; }
    peers.delete(id);
    clearTimeout(peer.waiting);
    trace("close", id.slice(0, 4));
    clearTimeout(peer.timer);
    peer.pc.close();
    peer.tile.video.srcObject = null;
    peer.tile.figure.remove();
  }

  // Connect to everyone present and in the call; let go of whoever left, was removed, or left the call.
  function syncPeers() {
    if (!joined || !me) { return; }
    people.forEach(function (p) {
      if (p.id === me.id || p.status !== "present" || !p.media) { return; }
      var peer = peers.get(p.id) || createPeer(p.id);
      peer.confirmed = true;
      describe(peer);
    });
    Array.from(peers.values()).forEach(function (peer) {
      var p = people.get(peer.id);
      if (!p || p.status === "waiting" || (peer.confirmed && (!p.media || p.status !== "present"))) {
        closePeer(peer.id);
      }
    });
  }

  // Perfect negotiation: the polite side (the lower participant id) rolls back its own offer on
  // glare; the impolite side ignores the colliding offer.
  function onSignal(from, data) {
    trace("in", from.slice(0, 4), data.description ? data.description.type : "cand", data.sid, data.rsid, peers.get(from) && peers.get(from).session);
    if (!joined || !data || typeof data !== "object") { return; }
    var peer = peers.get(from);
    if (data.rsid && (!peer || data.rsid !== peer.session)) { return; } // meant for an earlier connection
    if (peer && data.sid && peer.remoteSession && peer.remoteSession !== data.sid) {
      closePeer(from); // the other side started afresh (a reload, or back after a drop)
      peer = null;
    }
    if (!peer) {
      var p = people.get(from);
      if (!p || p.status !== "present") { return; } // e.g. a late candidate from someone who left
      peer = createPeer(from, !!data.description && data.description.type === "offer");
    }
    if (data.sid) { peer.remoteSession = data.sid; }
    var pc = peer.pc;
    peer.queue = peer.queue.then(function () {
      if (data.description) {
        var description = data.description;
        var collision = description.type === "offer" && (peer.makingOffer || pc.signalingState !== "stable");
        peer.ignoreOffer = !peer.polite && collision;
        trace("offer?", from.slice(0, 4), collision, peer.ignoreOffer, pc.signalingState, peer.makingOffer);
        if (peer.ignoreOffer) { return null; }
        var ready = collision
          ? pc.setLocalDescription({ type: "rollback" }).then(function () { return pc.setRemoteDescription(description); })
          : pc.setRemoteDescription(description);
        return ready.then(function () {
          if (description.type !== "offer") { return null; }
          start(peer);
          return pc.setLocalDescription().then(function () {
            signal(peer, { description: pc.localDescription.toJSON() });
          });
        });
      }
      if (data.candidate) {
        return pc.addIceCandidate(data.candidate).catch(function (error) {
          if (!peer.ignoreOffer) { throw error; }
        });
      }
      return null;
    }).catch(function (error) {
      console.warn("media: signal failed", error);
      trace("signal failed", error);
    });
  }

  // --- the room's events --------------------------------------------------------------------------

  root.addEventListener("room-message", function (event) {
    var m = event.detail;
    if (m.type === "hello") {
      me = m.you;
    } else if (m.type === "lobby.admitted" && setup.mode === "link" && !setup.link) {
      window.location.reload(); // the page gives the external link to people let in only
    } else if (m.type === "presence.state" || m.type === "presence.diff") {
      people = window.hadirRoom.people();
      admitted();
      if (m.type === "presence.state" && joined) {
        if (wasDisconnected) {
          // Back after a drop: the others saw this page leave the call (its media fields reset with
          // its last connection), so start every connection afresh and tell the room again.
          wasDisconnected = false;
          Array.from(peers.keys()).forEach(closePeer);
          announce();
        }
      }
      syncPeers();
    } else if (m.type === "signal") {
      onSignal(m.from, m.data);
    } else if (m.type === "media.mute_request") {
      if (micOn) {
        micOn = false;
        applyEnabled();
        renderControls();
        announce();
      }
      message(T.mute_request);
    }
  });

  root.addEventListener("room-closed", function (event) {
    if (event.detail.final) {
      stopEverything();
    } else {
      wasDisconnected = true;
    }
  });

  if (el("media-join")) {
    el("media-join").addEventListener("click", join);
    el("media-leave").addEventListener("click", function () {
      leaveCall();
      el("media-call").hidden = true;
      el("media-prejoin").hidden = false;
    });
    el("media-toggle-mic").addEventListener("click", function () {
      micOn = !micOn;
      applyEnabled();
      renderControls();
      announce();
      if (micOn) { message(""); }
    });
    if (el("media-toggle-camera")) {
      el("media-toggle-camera").addEventListener("click", function () {
        cameraOn = !cameraOn;
        applyEnabled();
        renderControls();
        announce();
      });
    }
    ["media-camera", "media-microphone"].forEach(function (id) {
      if (el(id)) { el(id).addEventListener("change", function () { acquire(chosenDevices()); }); }
    });
  }
  window.addEventListener("pagehide", function () {
    if (local) { local.getTracks().forEach(function (track) { track.stop(); }); }
  });

  // For tests and diagnostics: what each connection receives, from getStats.
  window.hadirMedia = {
    peers: function () { return Array.from(peers.keys()); },
    joined: function () { return joined; },
    timeToFirstFrame: function () {
      return firstFrameAt === null || admittedAt === null ? null : firstFrameAt - admittedAt;
    },
    stats: function () {
      var result = {};
      return Promise.all(Array.from(peers.values()).map(function (peer) {
        return peer.pc.getStats().then(function (report) {
          var entry = { state: peer.pc.connectionState, framesDecoded: 0, audioPackets: 0, tile: peer.tile.figure.dataset.state };
          report.forEach(function (stat) {
            if (stat.type !== "inbound-rtp") { return; }
            if (stat.kind === "video") { entry.framesDecoded += stat.framesDecoded || 0; }
            if (stat.kind === "audio") { entry.audioPackets += stat.packetsReceived || 0; }
          });
          result[peer.id] = entry;
        });
      })).then(function () { return result; });
    }
  };
})();
