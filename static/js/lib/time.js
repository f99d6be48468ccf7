// Dates and durations as the pages show them. The room shows every time in the session's own
// zone with its label (WIB, WITA, WIT: the server's `zone_abbr`), never the device's zone.

// "14:05" for an ISO instant, in `zone` (an IANA name) when given, else the browser's zone.
export function clockTime(iso, zone) {
  const options = { hour: "2-digit", minute: "2-digit", hourCycle: "h23" };
  if (zone) { options.timeZone = zone; }
  return new Date(iso).toLocaleTimeString(pageLanguage(), options);
}

// "Thu 10 Dec 2026, 09:00" for an ISO instant in `zone` (the date part in the page's language).
export function dateTime(iso, zone) {
  const options = { weekday: "short", day: "numeric", month: "short", year: "numeric", hour: "2-digit",
                    minute: "2-digit", hourCycle: "h23" };
  if (zone) { options.timeZone = zone; }
  return new Date(iso).toLocaleString(pageLanguage(), options);
}

// The language the page is in (<html lang>), for dates as the rest of the page writes them.
export function pageLanguage() {
  return document.documentElement.lang || undefined;
}

// "1:02:03", or "02:03" under an hour.
export function duration(seconds) {
  const pad = (n) => (n < 10 ? "0" : "") + n;
  const h = Math.floor(seconds / 3600), m = Math.floor((seconds % 3600) / 60), s = seconds % 60;
  return (h ? h + ":" : "") + pad(m) + ":" + pad(s);
}

// The value of an <input type="datetime-local"> as the wall time it names ("2026-12-08T09:00"),
// without an offset: the server reads it in the session's zone, not the browser's.
export function wallTime(value) {
  return value && value.length === 16 ? value + ":00" : value;
}
