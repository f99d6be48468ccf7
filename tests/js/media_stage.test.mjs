// The room page's choice of cameras on screen (static/js/room/media/stage.js) and its connection
// quality levels (quality.js), run by node --test (tests/media/test_stage_js.py) with stub tiles.
import assert from "node:assert/strict";
import { test } from "node:test";

import { levelOf } from "../../static/js/room/media/quality.js";
import { createStage, LAYER_OFF } from "../../static/js/room/media/stage.js";

globalThis.document = { getElementById: () => null };

function tile() {
  const listeners = {};
  return {
    figure: { hidden: false, style: {}, dataset: {}, classList: { toggle() {} }, setAttribute() {},
      addEventListener: (kind, fn) => { listeners[kind] = fn; }, click: () => listeners.click() },
    caption: { textContent: "" },
  };
}

function stageOf(limit, ids) {
  const layers = {};
  const tiles = {};
  const call = { T: { pin: "", others_count: "", show: "", show_named: "" }, people: new Map() };
  const stage = createStage(call, { limit });
  ids.forEach((id) => {
    tiles[id] = tile();
    stage.add({ id, tile: tiles[id], setLayer: (layer) => { layers[id] = layer; } });
  });
  return { stage, layers, tiles };
}

const wait = (ms) => new Promise((resolve) => setTimeout(resolve, ms));

test("at most `limit` on screen, in the order they came while nobody spoke; the rest off, audio only", () => {
  const { stage, layers, tiles } = stageOf(2, ["a", "b", "c"]);
  assert.deepEqual(stage.layout().shown, ["a", "b"]);
  assert.deepEqual(stage.layout().others, ["c"]);
  assert.equal(layers.c, LAYER_OFF);
  assert.equal(tiles.c.figure.hidden, true);
  assert.equal(layers.a, 1); // small tiles, few of them: the middle layer
});

test("whoever spoke last comes first, taking the place of whoever spoke longest ago", async () => {
  const { stage, layers } = stageOf(2, ["a", "b", "c"]);
  stage.spoke("c");
  await wait(450);
  assert.deepEqual(stage.layout().shown, ["c", "a"]);
  assert.equal(layers.b, LAYER_OFF);
  stage.spoke("b");
  await wait(450);
  assert.deepEqual(stage.layout().shown, ["b", "c"]);
});

test("a pinned one is first and gets the top layer; more than four small tiles get the lowest", () => {
  const { stage, layers, tiles } = stageOf(9, ["a", "b", "c", "d", "e", "f"]);
  assert.equal(layers.a, 0);
  stage.pin("f");
  assert.deepEqual(stage.layout().shown.slice(0, 1), ["f"]);
  assert.equal(layers.f, 2);
  tiles.f.figure.click(); // a second click unpins
  assert.equal(stage.layout().pinned, null);
  stage.remove("a");
  assert.deepEqual(stage.layout().shown, ["b", "c", "d", "e", "f"]);
});

test("quality: the worst of loss, round trip, jitter and the bitrate left to send", () => {
  assert.equal(levelOf({ loss: 0, rtt: 0.02, jitter: 0.005, bitrate: 1500000 }), "good");
  assert.equal(levelOf({ loss: 0.05, rtt: 0.02, jitter: 0.005, bitrate: null }), "fair");
  assert.equal(levelOf({ loss: 0, rtt: 0.6, jitter: 0.005, bitrate: null }), "poor");
  assert.equal(levelOf({ loss: 0, rtt: 0.02, jitter: 0.05, bitrate: null }), "fair");
  assert.equal(levelOf({ loss: 0, rtt: 0.02, jitter: 0.005, bitrate: 50000 }), "poor");
  assert.equal(levelOf({ loss: null, rtt: null, jitter: null, bitrate: null }), "good");
});
