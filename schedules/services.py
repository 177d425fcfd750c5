"""Schedules from the database: plans (the courses, their chosen sections and blocks of one
term), their meetings and conflicts, the generator's bundles, the drawn week, and plans kept
in a URL for students who have not signed in."""

import datetime
import itertools
import re
from dataclasses import dataclass, field

from django.db import transaction
from django.http import QueryDict

from catalog.models import Course, Section, Term, lookup_course, lookup_courses

from . import generator
from .meetings import (
    DAY_CODES,
    DAY_NAMES,
    Exam,
    Item,
    Meeting,
    clock,
    clock12,
    conflicts,
    day_index,
    days_text,
    exam_slots,
    mask,
    minutes,
    parse_days,
)
from .models import Block, Schedule, ScheduleCourse

MAX_COURSES = 12
_CODE = re.compile(r"^(.+?)\s*([A-Za-z]{0,2}[0-9]+[A-Za-z]*)$")
MAX_BLOCKS = 12
MAX_BUNDLES_PER_COURSE = 5000


class PlanError(ValueError):
    """What is wrong with a plan's text, naming the parameter."""

    def __init__(self, parameter: str, message: str):
        super().__init__(message)
        self.parameter = parameter


@dataclass
class PlannedCourse:
    course: Course
    lecture: Section | None = None
    sections: list = field(default_factory=list)  # the lecture's associated sections

    @property
    def chosen(self) -> list:
        return ([self.lecture] if self.lecture else []) + list(self.sections)


@dataclass
class PlannedBlock:
    title: str
    days: list
    start: int
    end: int


@dataclass
class Plan:
    term: Term
    courses: list = field(default_factory=list)
    blocks: list = field(default_factory=list)
    preferences: dict = field(default_factory=dict)
    notes: list = field(default_factory=list)  # what was dropped while reading it
    sections: dict | None = None  # the term's sections of its courses by course id, once read

    def course_ids(self) -> set:
        return {p.course.id for p in self.courses}


# -- sections ------------------------------------------------------------------


def label(section: Section) -> str:
    return f"{section.course.code} {section.kind} {section.number}"


def section_meetings(section: Section) -> list[Meeting]:
    """Every meeting of a section: the SIS's meeting list when there is one, else the
    section's own days and times."""
    raw = section.meetings or [
        {"days": section.days, "start": section.start_time, "end": section.end_time, "location": section.location}
    ]
    found = []
    for meeting in raw:
        if not isinstance(meeting, dict):
            continue
        start, end = minutes(meeting.get("start")), minutes(meeting.get("end"))
        days = meeting.get("days") or []
        if isinstance(days, str):
            days = [DAY_CODES[d] for d in parse_days(days)]
        if start is None or end is None or end <= start:
            continue
        for code in days:
            index = day_index(code)
            if index is not None:
                found.append(Meeting(index, start, end, str(meeting.get("location") or section.location or "")))
    return found


def section_exams(section: Section) -> list[Exam]:
    found = []
    for exam in section.exams or []:
        if not isinstance(exam, dict):
            continue
        try:
            date = datetime.date.fromisoformat(str(exam.get("date"))[:10])
        except ValueError:
            continue
        start, end = minutes(exam.get("start")), minutes(exam.get("end"))
        if start is not None and end is not None and end > start:
            found.append(Exam(date, start, end, str(exam.get("location") or "")))
    return found


def open_seats(section: Section) -> int | None:
    if section.capacity is None or section.enrolled is None:
        return None
    return section.capacity - section.enrolled


def is_lecture(section: Section) -> bool:
    return section.parent_id is None


def term_has_exams(sections) -> bool:
    return any(s.exams for s in sections)


def term_sections(term: Term, course_ids, courses: dict | None = None) -> dict[int, list[Section]]:
    """The term's sections of the given courses, by course id, in catalog order; ``courses``
    (id -> Course), when the caller has them, saves reading each section's course again."""
    by_course: dict[int, list[Section]] = {cid: [] for cid in course_ids}
    query = Section.objects.filter(term=term, course_id__in=list(course_ids))
    if courses is None:
        query = query.select_related("course")
    for section in query.order_by("course_id", "parent_id", "kind", "number"):
        if courses is not None:
            section.course = courses[section.course_id]
        by_course[section.course_id].append(section)
    return by_course


def lecture_choices(sections: list[Section]) -> list[dict]:
    """[{"lecture": Section, "kinds": {"DIS": [Section...], "LAB": [...]}}] for a course's term sections."""
    lectures = [s for s in sections if is_lecture(s)]
    kids: dict[int, dict[str, list]] = {}
    for s in sections:
        if s.parent_id is not None:
            kids.setdefault(s.parent_id, {}).setdefault(s.kind, []).append(s)
    return [{"lecture": lec, "kinds": kids.get(lec.id, {})} for lec in lectures]


def bundles(course: Course, sections: list[Section]) -> list[generator.Bundle]:
    """Every lecture with one of each kind of its associated sections. Each section's
    meetings, bitmask, exams and seats are read once. Sections of one kind meeting at the
    same times (eight labs Monday 1-3 pm in different rooms) are one choice: the one with
    the most open seats stands for them, and the bundle counts how many it stands for."""
    facts = {}
    for s in sections:
        meetings = section_meetings(s)
        facts[s.id] = (s.id, label(s), meetings, mask(meetings), exam_slots(section_exams(s)), open_seats(s))
    found = []
    for choice in lecture_choices(sections):
        kinds = []
        for kind in sorted(choice["kinds"]):
            slots: dict = {}
            for s in choice["kinds"][kind]:
                fact = facts[s.id]
                best, count = slots.get((fact[3], fact[4]), (None, 0))
                if best is None or (fact[5] or 0) > (best[5] or 0):
                    best = fact
                slots[(fact[3], fact[4])] = (best, count + 1)
            kinds.append(list(slots.values()))
        lecture = facts[choice["lecture"].id]
        for combo in itertools.product(*kinds):
            chosen = [lecture] + [fact for fact, _ in combo]
            bits, clash = 0, False
            for fact in chosen:
                if bits & fact[3]:  # a lab at the lecture's own time is no bundle at all
                    clash = True
                    break
                bits |= fact[3]
            if clash:
                continue
            known = [f[5] for f in chosen if f[5] is not None]
            count = 1
            for _, n in combo:
                count *= n
            found.append(
                generator.Bundle(
                    sections=tuple(f[0] for f in chosen),
                    labels=tuple(f[1] for f in chosen),
                    meetings=[m for f in chosen for m in f[2]],
                    mask=bits,
                    exams=frozenset().union(*(f[4] for f in chosen)),
                    open_seats=min(known) if known else None,
                    count=count,
                )
            )
            if len(found) >= MAX_BUNDLES_PER_COURSE:
                return found
    return found


def offered_course(term: Term, text: str) -> Course | None:
    """A course with sections in the term, by id or by any spelling of its code."""
    text = " ".join(str(text).split())
    course = None
    if text.isdigit():
        course = Course.objects.filter(pk=int(text)).first() if len(text) < 12 else None
    elif text:
        match = _CODE.match(text)
        if match:
            course = lookup_course(match.group(1), match.group(2))
    if course is None or not Section.objects.filter(term=term, course=course).exists():
        return None
    return course


def offered_courses(term: Term, texts: list[str]) -> list[Course | None]:
    """``offered_course`` for several texts, in a few queries: codes through
    ``lookup_courses``, ids directly, then one query for which have sections in the term."""
    keys = []
    for text in texts:
        text = " ".join(str(text).split())
        if text.isdigit():
            keys.append(("id", int(text)) if len(text) < 12 else None)
        else:
            match = _CODE.match(text)
            keys.append(("code", (match.group(1), match.group(2))) if match else None)
    by_code = lookup_courses([k[1] for k in keys if k and k[0] == "code"])
    by_id = Course.objects.in_bulk([k[1] for k in keys if k and k[0] == "id"])
    found = [None if k is None else (by_code if k[0] == "code" else by_id).get(k[1]) for k in keys]
    ids = {c.id for c in found if c is not None}
    offered = set(Section.objects.filter(term=term, course_id__in=ids).values_list("course_id", flat=True).distinct())
    return [c if c is not None and c.id in offered else None for c in found]


def planned_course(term: Term, course: Course, lecture_id=None, section_ids=(), sections=None, notes=None):
    """A course with the lecture and associated sections asked for, keeping only a real
    lecture of the course in the term and, of the rest, one section of each kind associated
    with that lecture."""
    notes = notes if notes is not None else []
    sections = sections if sections is not None else term_sections(term, [course.id])[course.id]
    by_id = {s.id: s for s in sections}
    planned = PlannedCourse(course)
    if lecture_id is not None:
        lecture = by_id.get(lecture_id)
        if lecture is None or not is_lecture(lecture):
            notes.append(f"{course.code}: that lecture is not one of this term's.")
        else:
            planned.lecture = lecture
    kinds = set()
    for sid in section_ids:
        section = by_id.get(sid)
        if planned.lecture is None or section is None or section.parent_id != planned.lecture.id:
            notes.append(f"{course.code}: a section not associated with the chosen lecture was left out.")
            continue
        if section.kind in kinds:
            notes.append(f"{course.code}: one {section.kind} at a time.")
            continue
        kinds.add(section.kind)
        planned.sections.append(section)
    return planned


def _ids(parts) -> list[int]:
    found = []
    for part in parts:
        if part.isdigit() and len(part) < 12:
            found.append(int(part))
    return found


def parse_block(text: str) -> PlannedBlock:
    """'Work~MW~09:00~12:00'."""
    parts = str(text).split("~")
    if len(parts) != 4:
        raise PlanError("b", "a block is TITLE~DAYS~HH:MM~HH:MM, like Work~MW~09:00~12:00.")
    title, days, start, end = (
        " ".join(parts[0].split())[:60],
        parse_days(parts[1]),
        minutes(parts[2]),
        minutes(parts[3]),
    )
    if not title:
        raise PlanError("b", "a block needs a title.")
    if not days:
        raise PlanError("b", "a block needs days, like MW or TuTh.")
    if start is None or end is None or end <= start:
        raise PlanError("b", "a block needs a start before its end, as HH:MM.")
    return PlannedBlock(title, days, start, end)


def block_text(block: PlannedBlock) -> str:
    return f"{block.title.replace('~', '-')}~{days_text(block.days)}~{clock(block.start)}~{clock(block.end)}"


def parse_preferences(data) -> dict:
    """not_before / not_after (HH:MM) and ranking (a list of generator.RANKINGS)."""
    prefs = {}
    for name in ("not_before", "not_after"):
        value = data.get(name)
        if value not in (None, ""):
            if minutes(value) is None:
                raise PlanError(name, "a time as HH:MM, like 09:00.")
            prefs[name] = clock(minutes(value))
    ranking = data.get("ranking")
    if ranking not in (None, "", []):
        if isinstance(ranking, str):
            ranking = [r for r in ranking.split(",") if r]
        if not isinstance(ranking, list) or any(r not in generator.RANKINGS for r in ranking):
            raise PlanError("ranking", f"a list of {', '.join(generator.RANKINGS)}.")
        prefs["ranking"] = list(dict.fromkeys(ranking))
    return prefs


def plan_from_query(term: Term, query) -> Plan:
    """A plan kept in a URL: ``c=COURSE[.LECTURE[.SECTION...]]`` per course (ids),
    ``b=TITLE~DAYS~HH:MM~HH:MM`` per block, and the preferences. What does not fit the
    term is left out, with a note."""
    plan = Plan(term)
    wanted = []
    for text in query.getlist("c")[:MAX_COURSES]:
        ids = _ids(str(text).split("."))
        if ids:
            wanted.append(ids)
    courses = Course.objects.in_bulk([ids[0] for ids in wanted])
    sections = term_sections(term, set(courses), courses)
    plan.sections = sections
    for ids in wanted:
        course = courses.get(ids[0])
        if course is None or not sections.get(ids[0]) or ids[0] in plan.course_ids():
            if course is None or not sections.get(ids[0]):
                plan.notes.append("A course with no sections this term was left out.")
            continue
        plan.courses.append(
            planned_course(term, course, ids[1] if len(ids) > 1 else None, ids[2:], sections[ids[0]], plan.notes)
        )
    for text in query.getlist("b")[:MAX_BLOCKS]:
        try:
            plan.blocks.append(parse_block(text))
        except PlanError as exc:
            plan.notes.append(f"Block {str(text)[:40]!r} left out: {exc}")
    try:
        plan.preferences = parse_preferences(
            {
                "not_before": query.get("not_before"),
                "not_after": query.get("not_after"),
                "ranking": query.get("ranking"),
            }
        )
    except PlanError as exc:
        plan.notes.append(str(exc))
    return plan


def plan_query(plan: Plan, **changes) -> str:
    """The plan as a URL query string (the inverse of plan_from_query)."""
    q = QueryDict(mutable=True)
    for p in plan.courses:
        parts = [p.course.id] + ([p.lecture.id] if p.lecture else []) + [s.id for s in p.sections]
        q.appendlist("c", ".".join(str(x) for x in parts))
    for b in plan.blocks:
        q.appendlist("b", block_text(b))
    for name in ("not_before", "not_after"):
        if plan.preferences.get(name):
            q[name] = plan.preferences[name]
    if plan.preferences.get("ranking"):
        q["ranking"] = ",".join(plan.preferences["ranking"])
    for name, value in changes.items():
        q[name] = value
    return q.urlencode(safe="~.,:")


def plan_from_schedule(schedule: Schedule) -> Plan:
    plan = Plan(schedule.term, preferences=dict(schedule.preferences or {}))
    entries = list(schedule.courses.select_related("course", "lecture__course").prefetch_related("sections__course"))
    for entry in entries:
        plan.courses.append(
            PlannedCourse(entry.course, entry.lecture, sorted(entry.sections.all(), key=lambda s: (s.kind, s.number)))
        )
    for block in schedule.blocks.all():
        plan.blocks.append(PlannedBlock(block.title, list(block.days), minutes(block.start), minutes(block.end)))
    return plan


@transaction.atomic
def save_plan(schedule: Schedule, plan: Plan) -> Schedule:
    """The schedule made exactly the plan (its courses, sections, blocks and preferences)."""
    schedule.term = plan.term
    schedule.preferences = plan.preferences
    schedule.save()
    schedule.courses.all().delete()
    schedule.blocks.all().delete()
    for position, p in enumerate(plan.courses):
        entry = ScheduleCourse.objects.create(schedule=schedule, course=p.course, lecture=p.lecture, position=position)
        entry.sections.set(p.sections)
    Block.objects.bulk_create(
        Block(
            schedule=schedule,
            title=b.title,
            days=b.days,
            start=datetime.time(b.start // 60, b.start % 60),
            end=datetime.time(b.end // 60, b.end % 60),
        )
        for b in plan.blocks
    )
    return schedule


# -- conflicts and the week ---------------------------------------------------


def items(plan: Plan) -> list[Item]:
    found = []
    for p in plan.courses:
        for s in p.chosen:
            found.append(Item(f"section:{s.id}", label(s), section_meetings(s), section_exams(s), p.course.code))
    for i, b in enumerate(plan.blocks):
        found.append(Item(f"block:{i}", b.title, [Meeting(d, b.start, b.end) for d in b.days]))
    return found


def plan_conflicts(plan: Plan):
    return conflicts(items(plan), exams=term_has_exams(s for p in plan.courses for s in p.chosen))


COLORS = 8


def week(plan: Plan) -> dict:
    """The week to draw: the days shown (Monday to Friday, and a weekend day when something
    meets on it), the hours, and each meeting placed in 5-minute rows."""
    all_items = items(plan)
    clashing = set()
    for c in plan_conflicts(plan):
        clashing.update((c.first, c.second))
    colors = {code: i % COLORS for i, code in enumerate(dict.fromkeys(p.course.code for p in plan.courses))}
    meetings = [(item, m) for item in all_items for m in item.meetings]
    first = min([m.start for _, m in meetings] + [8 * 60]) // 60 * 60
    last = -(-max([m.end for _, m in meetings] + [18 * 60]) // 60) * 60
    shown = sorted(set(range(5)) | {m.day for _, m in meetings})
    days = []
    for d in shown:
        events = []
        for item, m in sorted((x for x in meetings if x[1].day == d), key=lambda x: (x[1].start, x[1].end)):
            events.append(
                {
                    "label": item.label,
                    "course": item.course,
                    "block": not item.course,
                    "color": colors.get(item.course, "block"),
                    "time": f"{clock12(m.start)}–{clock12(m.end)}",
                    "location": m.location,
                    "row_start": (m.start - first) // 5 + 1,
                    "row_end": max((m.end - first) // 5 + 1, (m.start - first) // 5 + 2),
                    "conflict": item.label in clashing,
                }
            )
        days.append({"name": DAY_NAMES[d], "short": DAY_CODES[d], "events": events})
    hours = [
        {"label": clock12(h * 60).replace(":00", ""), "row": (h * 60 - first) // 5 + 1}
        for h in range(first // 60, last // 60)
    ]
    return {"days": days, "hours": hours, "rows": (last - first) // 5, "empty": not meetings}


def unscheduled(plan: Plan) -> list[str]:
    """Chosen sections with no meeting time (online, to be arranged)."""
    return [label(s) for p in plan.courses for s in p.chosen if not section_meetings(s)]


# -- generating ----------------------------------------------------------------


def generate(plan: Plan, limit: int = generator.DEFAULT_LIMIT, keep: int = generator.DEFAULT_KEEP, sections=None):
    """Alternatives for the plan's courses (every lecture and associated sections), around its
    blocks. ``sections``: the term's sections of those courses when the caller has them."""
    ids = [p.course.id for p in plan.courses]
    sections = sections if sections is not None else term_sections(plan.term, ids)
    choices = [generator.CourseChoices(p.course.code, bundles(p.course, sections[p.course.id])) for p in plan.courses]
    blocks_mask = mask(Meeting(d, b.start, b.end) for b in plan.blocks for d in b.days)
    prefs = generator.Preferences(
        not_before=minutes(plan.preferences.get("not_before")),
        not_after=minutes(plan.preferences.get("not_after")),
        ranking=tuple(plan.preferences.get("ranking") or ("fewer_days", "open_seats", "compact")),
    )
    has_exams = term_has_exams(s for group in sections.values() for s in group)
    return generator.generate(choices, blocks_mask, prefs, limit=limit, keep=keep, check_exams=has_exams)


def plan_with(plan: Plan, combination: dict) -> Plan:
    """The plan with each course's sections replaced by a generated combination's."""
    by_id = {}
    sections = term_sections(plan.term, [p.course.id for p in plan.courses])
    for group in sections.values():
        by_id.update({s.id: s for s in group})
    new = Plan(plan.term, blocks=list(plan.blocks), preferences=dict(plan.preferences))
    for p, bundle in zip(plan.courses, combination["bundles"], strict=True):
        chosen = [by_id[i] for i in bundle.sections]
        new.courses.append(PlannedCourse(p.course, chosen[0], chosen[1:]))
    return new


def schedulable_terms():
    """Terms with sections, latest first."""
    return Term.objects.filter(sections__isnull=False).distinct().order_by("-sort_key")
