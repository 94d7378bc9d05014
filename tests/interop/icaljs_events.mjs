// ical.js (the parser Thunderbird uses) reads an .ics file and prints each event's view as JSON,
// in the shape of vaultsync/calendar_check.py's Reading. Usage: node icaljs_events.mjs FILE.ics
import { readFileSync } from "node:fs";
import ICAL from "ical.js";

const pad = (n, width = 2) => String(n).padStart(width, "0");

function moment(time) {
  const day = `${pad(time.year, 4)}-${pad(time.month)}-${pad(time.day)}`;
  if (time.isDate) return day;
  const floating = !time.zone || time.zone === ICAL.Timezone.localTimezone;
  const t = floating ? time : time.convertToZone(ICAL.Timezone.utcTimezone);
  const text = `${pad(t.year, 4)}-${pad(t.month)}-${pad(t.day)}T${pad(t.hour)}:${pad(t.minute)}:${pad(t.second)}`;
  return floating ? text : `${text}Z`;
}

const optional = (time) => (time === null ? null : moment(time));

const text = readFileSync(process.argv[2], "utf8");
const calendar = new ICAL.Component(ICAL.parse(text));
for (const zone of calendar.getAllSubcomponents("vtimezone")) {
  ICAL.TimezoneService.register(zone);
}
const events = calendar.getAllSubcomponents("vevent").map((vevent) => {
  const event = new ICAL.Event(vevent);
  return {
    uid: event.uid,
    start: moment(event.startDate),
    end: event.endDate ? moment(event.endDate) : null,
    all_day: event.startDate.isDate,
    summary: event.summary,
    description: event.description,
    transp: vevent.getFirstPropertyValue("transp"),
    stamp: optional(vevent.getFirstPropertyValue("dtstamp")),
    modified: optional(vevent.getFirstPropertyValue("last-modified")),
    sequence: vevent.getFirstPropertyValue("sequence"),
    alarms: vevent.getAllSubcomponents("valarm").map((alarm) => {
      const trigger = alarm.getFirstPropertyValue("trigger");
      return {
        action: alarm.getFirstPropertyValue("action"),
        trigger: trigger instanceof ICAL.Duration ? trigger.toSeconds() : String(trigger),
        description: alarm.getFirstPropertyValue("description"),
      };
    }),
  };
});
// ical.js keeps an unknown property (X-WR-CALNAME) as raw text: decode it as the TEXT it is, as
// a client that shows the name must
const rawName = calendar.getFirstPropertyValue("x-wr-calname");
const name = rawName === null ? null : ICAL.design.icalendar.value.text.fromICAL(rawName);
process.stdout.write(JSON.stringify({ name, events, errors: [] }));
