// The one JavaScript implementation of applying presence.state and presence.diff
// (docs/protocol.md), after Phoenix.Presence's syncState / syncDiff. No DOM: node tests import it.
//
// The state is {seq, people, audience}: the last sequence number applied, a Map of participant id →
// participant, and how many listen-only members (the audience) are in the room, counted and never
// listed. Every diff carries the next sequence number; a diff already covered is ignored,
// and one that skips a number means a diff was lost: the client asks for a fresh presence.state
// ({"type": "presence.sync"}) and applies nothing until that snapshot arrives.

export function newPresence() {
  return { seq: 0, people: new Map(), audience: 0 };
}

// The whole room: replaces everything known (a fresh Map, so that holders of the old one see the
// list they had until they ask again). "audience" is additive: a frame without it counts none.
export function syncState(state, snapshot) {
  state.people = new Map();
  snapshot.participants.forEach((p) => state.people.set(p.id, p));
  state.audience = snapshot.audience || 0;
  state.seq = snapshot.seq;
  return state;
}

// One batch of changes. Returns "applied", "stale" (already covered: nothing changes) or "gap"
// (a diff is missing: nothing changes; ask for presence.sync).
export function syncDiff(state, diff) {
  if (diff.seq <= state.seq) { return "stale"; }
  if (diff.seq !== state.seq + 1) { return "gap"; }
  state.seq = diff.seq;
  diff.joins.concat(diff.updates).forEach((p) => state.people.set(p.id, p));
  diff.leaves.forEach((p) => state.people.delete(p.id));
  if (typeof diff.audience === "number") { state.audience = diff.audience; }
  return "applied";
}
