"""libical (the parser Evolution uses, through GObject introspection) reads an .ics file and
prints each event's view as JSON, in the shape of vaultsync/outputs/calendar_check.py's Reading.

Run it with the system Python that has python3-gi and gir1.2-ical-3.0 (Debian), not the
project's: ``/usr/bin/python3 libical_events.py FILE.ics``. Stand-alone: no vaultsync imports.
"""

import json
import sys

import gi

gi.require_version("ICalGLib", "3.0")
from gi.repository import ICalGLib as ICal  # noqa: E402

Kind = ICal.ComponentKind
Prop = ICal.PropertyKind


def each(first, following, kind):
    """libical's iterators: first(kind), then following(kind) until None."""
    item = first(kind)
    while item is not None:
        yield item
        item = following(kind)


def children(component, kind):
    return each(component.get_first_component, component.get_next_component, kind)


def walk(component):
    yield component
    for child in list(children(component, Kind.ANY_COMPONENT)):
        yield from walk(child)


def properties(component, kind):
    return each(component.get_first_property, component.get_next_property, kind)


def moment(time):
    """A date, a floating local time, or UTC with Z (a TZID libical cannot resolve reads as floating)."""
    if not time.is_date() and (time.is_utc() or time.get_timezone() is not None):
        time.convert_to_zone_inplace(ICal.Timezone.get_utc_timezone())
        suffix = "Z"
    else:
        suffix = ""
    day = f"{time.get_year():04d}-{time.get_month():02d}-{time.get_day():02d}"
    if time.is_date():
        return day
    return f"{day}T{time.get_hour():02d}:{time.get_minute():02d}:{time.get_second():02d}{suffix}"


def has(component, kind):
    return component.get_first_property(kind) is not None


def value(component, kind):
    prop = component.get_first_property(kind)
    return prop.get_value_as_string() if prop is not None else None


def time_of(component, kind, getter):
    prop = component.get_first_property(kind)
    return moment(getattr(prop, getter)()) if prop is not None else None


def alarm_view(alarm):
    action = alarm.get_first_property(Prop.ACTION_PROPERTY)
    trigger = alarm.get_first_property(Prop.TRIGGER_PROPERTY)
    return {
        "action": action.get_value_as_string() if action else None,
        "trigger": trigger.get_trigger().get_duration().as_int() if trigger else None,
        "description": alarm.get_description(),
    }


def main(path):
    with open(path, encoding="utf-8", newline="") as handle:
        calendar = ICal.Component.new_from_string(handle.read())
    if calendar is None:
        print(json.dumps({"name": None, "events": [], "errors": ["libical could not parse the file"]}))
        return
    # libical keeps what it could not read as X-LIC-ERROR properties, in any component
    errors = [
        f"{component.kind_to_string(component.isa())}: {prop.get_value_as_string()}"
        for component in walk(calendar)
        for prop in properties(component, Prop.XLICERROR_PROPERTY)
    ]
    events = [
        {
            "uid": event.get_uid(),
            "start": moment(event.get_dtstart()),
            "end": moment(event.get_dtend()),
            "all_day": bool(event.get_dtstart().is_date()),
            "summary": event.get_summary(),
            "description": event.get_description(),
            "transp": value(event, Prop.TRANSP_PROPERTY),
            "stamp": time_of(event, Prop.DTSTAMP_PROPERTY, "get_dtstamp"),
            "modified": time_of(event, Prop.LASTMODIFIED_PROPERTY, "get_lastmodified"),
            "sequence": event.get_sequence() if has(event, Prop.SEQUENCE_PROPERTY) else None,
            "alarms": [alarm_view(a) for a in children(event, Kind.VALARM_COMPONENT)],
        }
        for event in children(calendar, Kind.VEVENT_COMPONENT)
    ]
    names = [p.get_x() for p in properties(calendar, Prop.X_PROPERTY) if p.get_x_name() == "X-WR-CALNAME"]
    print(json.dumps({"name": names[0] if names else None, "events": events, "errors": errors}))


if __name__ == "__main__":
    main(sys.argv[1])
