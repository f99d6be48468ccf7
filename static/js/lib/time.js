// Dates and durations as the pages show them, in the browser's own locale and zone.

// "14:05" for an ISO instant (a chat line's time).
export function clockTime(iso) {
  return new Date(iso).toLocaleTimeString([], { hour: "2-digit", minute: "2-digit" });
}

// "1:02:03", or "02:03" under an hour (the countdown before a room opens).
export function duration(seconds) {
  const pad = (n) => (n < 10 ? "0" : "") + n;
  const h = Math.floor(seconds / 3600), m = Math.floor((seconds % 3600) / 60), s = seconds % 60;
  return (h ? h + ":" : "") + pad(m) + ":" + pad(s);
}

// The value of an <input type="datetime-local"> (the browser's zone) as an ISO instant in UTC.
export function instantFromLocal(value) {
  return new Date(value).toISOString();
}
