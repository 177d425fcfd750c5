"""A plan as an iCalendar file (the icalendar library).

Each meeting pattern of a chosen section (its days at one time and place) is one weekly
event from the term's first day of instruction to its last, with the term's holidays as
exception dates; each final exam is an event of its own; custom blocks repeat like classes.
Times are Berkeley's (America/Los_Angeles), with the zone's definition included."""

import datetime
import hashlib
import zoneinfo

from icalendar import Calendar, Event

from .meetings import clock
from .services import Plan, label, section_exams, section_meetings
from .terms import term_dates

BERKELEY = zoneinfo.ZoneInfo("America/Los_Angeles")
ICAL_DAYS = ["MO", "TU", "WE", "TH", "FR", "SA", "SU"]


def _at(day: datetime.date, minute: int) -> datetime.datetime:
    return datetime.datetime(day.year, day.month, day.day, minute // 60, minute % 60, tzinfo=BERKELEY)


def _uid(*parts) -> str:
    return hashlib.sha256("|".join(str(p) for p in parts).encode()).hexdigest()[:32] + "@berkeleytime"


def _weekly(cal, uid, summary, days, start, end, location, dates, description=""):
    first = dates.begins
    while first.weekday() not in days:
        first += datetime.timedelta(days=1)
    if first > dates.ends:
        return
    event = Event()
    event.add("uid", uid)
    event.add("summary", summary)
    event.add("dtstamp", datetime.datetime.now(datetime.UTC))
    event.add("dtstart", _at(first, start))
    event.add("dtend", _at(first, end))
    until = datetime.datetime.combine(dates.ends, datetime.time(23, 59, 59), BERKELEY).astimezone(datetime.UTC)
    event.add("rrule", {"freq": "weekly", "byday": [ICAL_DAYS[d] for d in sorted(days)], "until": until})
    skipped = [_at(d, start) for d in sorted(dates.holidays) if dates.begins <= d <= dates.ends and d.weekday() in days]
    if skipped:
        event.add("exdate", skipped)
    if location:
        event.add("location", location)
    if description:
        event.add("description", description)
    cal.add_component(event)


def calendar(plan: Plan, name: str) -> bytes:
    dates = term_dates(plan.term)
    cal = Calendar()
    cal.add("prodid", "-//Berkeleytime//Schedules//EN")
    cal.add("version", "2.0")
    cal.add("x-wr-calname", name)
    cal.add("x-wr-timezone", "America/Los_Angeles")
    for p in plan.courses:
        for section in p.chosen:
            if dates.begins and dates.ends:
                patterns: dict = {}
                for m in section_meetings(section):
                    patterns.setdefault((m.start, m.end, m.location), set()).add(m.day)
                for (start, end, location), days in patterns.items():
                    uid = _uid(section.id, start, end, location, sorted(days))
                    title = f"{label(section)} {p.course.display_title}".strip()
                    _weekly(cal, uid, title, days, start, end, location, dates, section.instructor)
            for exam in section_exams(section):
                event = Event()
                event.add("uid", _uid("exam", section.id, exam.date, exam.start))
                event.add("summary", f"Final exam: {p.course.code}")
                event.add("dtstamp", datetime.datetime.now(datetime.UTC))
                event.add("dtstart", _at(exam.date, exam.start))
                event.add("dtend", _at(exam.date, exam.end))
                if exam.location:
                    event.add("location", exam.location)
                cal.add_component(event)
    if dates.begins and dates.ends:
        for b in plan.blocks:
            uid = _uid("block", b.title, sorted(b.days), clock(b.start), clock(b.end))
            _weekly(cal, uid, b.title, set(b.days), b.start, b.end, "", dates)
    cal.add_missing_timezones()
    return cal.to_ical()
