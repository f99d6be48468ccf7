// The room page's presence.state / presence.diff application (static/js/room/presence.js), run
// by node --test (tests/rooms/test_presence_js.py): joins, leaves, updates, stale and missing diffs.
import assert from "node:assert/strict";
import { test } from "node:test";

import { newPresence, syncDiff, syncState } from "../../static/js/room/presence.js";

const person = (id, extra) => ({ id, name: id, role: "student", moderator: false, status: "present", connections: 1, hand_raised: false, ...extra });
const diff = (seq, { joins = [], leaves = [], updates = [] } = {}) => ({ type: "presence.diff", seq, joins, leaves, updates });
const names = (state) => Array.from(state.people.keys()).sort();

test("a snapshot replaces everything known, in a fresh map", () => {
  const state = newPresence();
  syncState(state, { seq: 3, participants: [person("ani"), person("budi")] });
  const before = state.people;
  syncState(state, { seq: 7, participants: [person("wati")] });
  assert.equal(state.seq, 7);
  assert.deepEqual(names(state), ["wati"]);
  assert.notEqual(state.people, before);
  assert.deepEqual(Array.from(before.keys()).sort(), ["ani", "budi"]);
});

test("a join adds the participant", () => {
  const state = syncState(newPresence(), { seq: 1, participants: [person("ani")] });
  assert.equal(syncDiff(state, diff(2, { joins: [person("budi")] })), "applied");
  assert.equal(state.seq, 2);
  assert.deepEqual(names(state), ["ani", "budi"]);
});

test("a leave removes the participant, and a leave of someone unknown changes nothing else", () => {
  const state = syncState(newPresence(), { seq: 1, participants: [person("ani"), person("budi")] });
  assert.equal(syncDiff(state, diff(2, { leaves: [person("budi")] })), "applied");
  assert.deepEqual(names(state), ["ani"]);
  assert.equal(syncDiff(state, diff(3, { leaves: [person("nobody")] })), "applied");
  assert.deepEqual(names(state), ["ani"]);
});

test("an update replaces the participant's fields", () => {
  const state = syncState(newPresence(), { seq: 1, participants: [person("ani")] });
  assert.equal(syncDiff(state, diff(2, { updates: [person("ani", { hand_raised: true, connections: 2, status: "away" })] })), "applied");
  assert.equal(state.people.get("ani").hand_raised, true);
  assert.equal(state.people.get("ani").connections, 2);
  assert.equal(state.people.get("ani").status, "away");
});

test("a waiting participant admitted: an update from waiting to present", () => {
  const state = syncState(newPresence(), { seq: 4, participants: [person("ani", { status: "waiting" })] });
  syncDiff(state, diff(5, { updates: [person("ani")] }));
  assert.equal(state.people.get("ani").status, "present");
});

test("joins, updates and leaves of one batch are applied together, leaves last", () => {
  const state = syncState(newPresence(), { seq: 1, participants: [person("ani"), person("budi")] });
  syncDiff(state, diff(2, { joins: [person("citra")], updates: [person("ani", { hand_raised: true })], leaves: [person("budi")] }));
  assert.deepEqual(names(state), ["ani", "citra"]);
  assert.equal(state.people.get("ani").hand_raised, true);
});

test("a diff already covered by the snapshot (or seen) is ignored", () => {
  const state = syncState(newPresence(), { seq: 5, participants: [person("ani")] });
  assert.equal(syncDiff(state, diff(5, { joins: [person("budi")] })), "stale");
  assert.equal(syncDiff(state, diff(3, { leaves: [person("ani")] })), "stale");
  assert.equal(state.seq, 5);
  assert.deepEqual(names(state), ["ani"]);
});

test("a gap changes nothing and says so; the next snapshot repairs it", () => {
  const state = syncState(newPresence(), { seq: 1, participants: [person("ani")] });
  assert.equal(syncDiff(state, diff(3, { joins: [person("citra")] })), "gap");
  assert.equal(state.seq, 1);
  assert.deepEqual(names(state), ["ani"]);
  syncState(state, { seq: 3, participants: [person("ani"), person("budi"), person("citra")] });
  assert.equal(syncDiff(state, diff(4, { leaves: [person("ani")] })), "applied");
  assert.deepEqual(names(state), ["budi", "citra"]);
});

test("state + diffs in order = the next snapshot", () => {
  const state = syncState(newPresence(), { seq: 10, participants: [person("ani")] });
  [
    diff(11, { joins: [person("budi")] }),
    diff(12, { updates: [person("budi", { connections: 2 })] }),
    diff(13, { joins: [person("citra")], leaves: [person("ani")] }),
  ].forEach((d) => assert.equal(syncDiff(state, d), "applied"));
  const fresh = syncState(newPresence(), { seq: 13, participants: [person("budi", { connections: 2 }), person("citra")] });
  assert.equal(state.seq, fresh.seq);
  assert.deepEqual(Object.fromEntries(state.people), Object.fromEntries(fresh.people));
});

test("the audience count comes with the snapshot and each diff, and is additive", () => {
  const state = syncState(newPresence(), { seq: 1, participants: [person("ani")], audience: 40 });
  assert.equal(state.audience, 40);
  assert.equal(syncDiff(state, { ...diff(2), audience: 41 }), "applied");
  assert.equal(state.audience, 41);
  assert.deepEqual(names(state), ["ani"]);
  assert.equal(syncDiff(state, diff(3, { joins: [person("budi")] })), "applied");
  assert.equal(state.audience, 41); // a diff without the field leaves the count alone
  assert.equal(syncDiff(state, { ...diff(3), audience: 7 }), "stale");
  assert.equal(state.audience, 41);
  assert.equal(syncState(newPresence(), { seq: 1, participants: [] }).audience, 0);
});
