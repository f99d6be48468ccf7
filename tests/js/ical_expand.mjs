// Read iCalendar text on stdin and print, as JSON, what ical.js (the library of Thunderbird's
// and many web calendars) makes of it: every VEVENT's properties, and every sitting of the
// range [argv[2], argv[3]) (ISO instants) in UTC, overrides applied, cancelled ones marked.
// Used by tests/interop/; run: node tests/js/ical_expand.mjs 2026-01-01T00:00:00Z 2028-01-01T00:00:00Z < file.ics
import ICAL from "ical.js";

const chunks = [];
for await (const chunk of process.stdin) chunks.push(chunk);
const text = Buffer.concat(chunks).toString("utf8");
const [from, to] = [ICAL.Time.fromJSDate(new Date(process.argv[2]), true), ICAL.Time.fromJSDate(new Date(process.argv[3]), true)];

const root = new ICAL.Component(ICAL.parse(text));
for (const zone of root.getAllSubcomponents("vtimezone")) {
  ICAL.TimezoneService.register(new ICAL.Timezone(zone));
}
const utc = (time) => time.toJSDate().toISOString().replace(".000Z", "Z");
const events = root.getAllSubcomponents("vevent");
const byUid = new Map();
for (const component of events) {
  const uid = component.getFirstPropertyValue("uid");
  if (!byUid.has(uid)) byUid.set(uid, { master: null, exceptions: [] });
  if (component.hasProperty("recurrence-id")) byUid.get(uid).exceptions.push(component);
  else byUid.get(uid).master = component;
}
const sittings = [];
for (const [uid, { master, exceptions }] of byUid) {
  if (master === null) {
    // A message about single sittings only (a CANCEL or REPLY with RECURRENCE-ID).
    for (const component of exceptions) {
      const event = new ICAL.Event(component);
      sittings.push({ uid, start: utc(event.startDate), end: utc(event.endDate),
        recurrence_id: utc(event.recurrenceId), status: component.getFirstPropertyValue("status") || "" });
    }
    continue;
  }
  const event = new ICAL.Event(master);
  for (const component of exceptions) event.relateException(component);
  if (!event.isRecurring()) {
    sittings.push({ uid, start: utc(event.startDate), end: utc(event.endDate), recurrence_id: null,
      status: master.getFirstPropertyValue("status") || "" });
    continue;
  }
  const iterator = event.iterator();
  let next;
  let guard = 0;
  while ((next = iterator.next()) && guard++ < 5000) {
    if (next.compare(to) >= 0) break;
    const details = event.getOccurrenceDetails(next);
    if (details.endDate.compare(from) <= 0) continue;
    sittings.push({ uid, start: utc(details.startDate), end: utc(details.endDate),
      recurrence_id: utc(details.recurrenceId),
      status: details.item.component.getFirstPropertyValue("status") || "" });
  }
}
const method = root.getFirstPropertyValue("method") || "";
const attendees = events.flatMap((component) => component.getAllProperties("attendee").map((p) => ({
  value: p.getFirstValue(), partstat: p.getParameter("partstat") || "", role: p.getParameter("role") || "" })));
const organizers = events.map((component) => component.getFirstPropertyValue("organizer"));
const descriptions = events.map((component) => component.getFirstPropertyValue("description") || "");
process.stdout.write(JSON.stringify({ method, sittings, attendees, organizers, descriptions,
  timezones: root.getAllSubcomponents("vtimezone").map((zone) => zone.getFirstPropertyValue("tzid")) }));
