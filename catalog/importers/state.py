"""The catalog as the sources describe it, in memory: courses, sections, and what was decided.

The reader (catalog.importers.reader) fills it from the data set's files,
catalog.importers.lineage decides which codes are one course, and
catalog.services writes it to the database in one transaction. Which source
wins for a field:

- full title: catalog/courses.json, then course-graph-catalog.json, then the Summer 2026 listing;
- abbreviated title: the most recent grade file that lists the course;
- description, units, prerequisites: course-graph-catalog.json (the official
  catalog), then the Summer 2026 listing;
- level: from the course number (Berkeley's numbering), the same for every source.
"""

from __future__ import annotations

import datetime
import re
from collections import Counter
from dataclasses import dataclass, field
from datetime import time
from decimal import Decimal, InvalidOperation

from sources import grades as formats
from sources.codes import SubjectCodes, normalize_number, normalize_subject
from sources.names import PersonName
from sources.terms import TermRef

from .lineage import title_key


@dataclass
class CourseState:
    subject: str
    number: str
    title: str = ""
    title_rank: int = 99
    abbreviated_title: str = ""
    abbreviated_term: TermRef | None = None
    description: str = ""
    description_rank: int = 99
    units_min: Decimal | None = None
    units_max: Decimal | None = None
    units_rank: int = 99
    prerequisites: str = ""
    prerequisites_rank: int = 99
    has_grades: bool = False
    aliases: set[str] = field(default_factory=set)
    requirements: set[str] = field(default_factory=set)
    terms: set[TermRef] = field(default_factory=set)
    # Codes this course had before (a lineage), with the last term under each.
    former: dict[str, TermRef] = field(default_factory=dict)
    # Evidence for lineage and cross-listing (catalog.importers.lineage).
    full_titles: set[str] = field(default_factory=set)  # title keys
    full_title_texts: set[str] = field(default_factory=set)
    transcript_titles: set[str] = field(default_factory=set)
    transcript_title_texts: set[str] = field(default_factory=set)
    section_terms: set[TermRef] = field(default_factory=set)  # per-section grade rows
    history_terms: set[TermRef] = field(default_factory=set)  # the per-course grade history
    listed_terms: set[TermRef] = field(default_factory=set)  # a term's class listing
    surnames: set[str] = field(default_factory=set)
    taught: set[tuple] = field(default_factory=set)  # (term, surname)
    section_prints: set[tuple] = field(default_factory=set)  # (term, grade counts) of a section
    history_prints: set[tuple] = field(default_factory=set)  # (term, grade counts) of a history entry
    fingerprints: set[str] = field(default_factory=set)  # history entries with their instructor
    has_history_file: bool = False  # the grade-history files are named by a course's current code

    @property
    def code(self) -> str:
        return f"{self.subject} {self.number}"

    def add_instructors(self, term: TermRef, names) -> None:
        for surname in surnames(names):
            self.surnames.add(surname)
            self.taught.add((term, surname))


@dataclass
class SectionState:
    course_code: str
    term: TermRef
    kind: str
    number: str
    parent_key: tuple | None
    class_number: int | None
    days: list[str]
    start_time: time | None
    end_time: time | None
    location: str
    instructor: str
    enrolled: int | None
    capacity: int | None
    waitlisted: int | None
    status: str

    @property
    def key(self) -> tuple:
        return (self.course_code, self.term, self.kind, self.number)


@dataclass
class CatalogState:
    subjects: dict[str, dict] = field(default_factory=dict)  # code -> {"name", "spellings"}
    courses: dict[str, CourseState] = field(default_factory=dict)
    requirements: dict[str, tuple[str, str]] = field(default_factory=dict)  # slug -> (name, kind)
    sections: dict[tuple, SectionState] = field(default_factory=dict)
    section_terms: set[TermRef] = field(default_factory=set)
    section_dates: dict[TermRef, datetime.datetime] = field(default_factory=dict)  # when a listing was pulled
    cross_listings: list[set[str]] = field(default_factory=list)
    subject_codes: SubjectCodes = field(default_factory=SubjectCodes)
    # Which codes are one course (catalog.importers.lineage), and what was decided.
    candidates: list = field(default_factory=list)
    merged: dict[str, str] = field(default_factory=dict)  # former code -> canonical code
    placeholders: int = 0
    respelled: dict[str, str] = field(default_factory=dict)  # 'LS' -> 'L&S'
    skipped_decisions: list[str] = field(default_factory=list)  # reviewed decisions about unknown codes

    def subject(self, raw: str) -> str:
        code = self.subject_codes.canonical(raw)
        if code != normalize_subject(raw):
            self.respelled[normalize_subject(raw)] = code
        entry = self.subjects.setdefault(code, {"name": "", "spellings": set()})
        entry["spellings"].add(" ".join(raw.split()).upper())
        return code

    def course(self, raw_subject: str, raw_number: str) -> CourseState | None:
        number = normalize_number(raw_number)
        if not raw_subject.strip() or not number:
            return None
        subject = self.subject(raw_subject)
        code = f"{subject} {number}"
        state = self.courses.get(code)
        if state is None:
            state = self.courses[code] = CourseState(subject=subject, number=number)
        spelled = f"{' '.join(raw_subject.split()).upper()} {number}"
        if spelled != code:
            state.aliases.add(spelled)
        return state

    def merge(self, old_code: str, new_code: str, until: TermRef | None) -> None:
        """``old_code`` became ``new_code``: one course with everything both codes had."""
        old, new = self.courses.pop(old_code), self.courses[new_code]
        for former in (old_code, *old.aliases):
            new.former[former] = until
        new.former.update(old.former)
        new.aliases |= old.aliases
        for name in ("terms", "requirements", "full_titles", "full_title_texts", "transcript_titles", "transcript_title_texts",
                     "section_terms", "history_terms", "listed_terms", "surnames", "taught", "section_prints",
                     "history_prints", "fingerprints"):  # fmt: skip
            getattr(new, name).update(getattr(old, name))
        new.has_grades = new.has_grades or old.has_grades
        for name in ("title", "description", "units", "prerequisites"):
            value = (old.units_min, old.units_max) if name == "units" else getattr(old, name)
            if value not in ("", (None, None)):
                set_ranked(new, name, value, getattr(old, f"{name}_rank") + 10)
        if not new.abbreviated_title:
            new.abbreviated_title, new.abbreviated_term = old.abbreviated_title, old.abbreviated_term
        for key, section in list(self.sections.items()):
            if section.course_code == old_code:
                del self.sections[key]
                section.course_code = new_code
                if section.parent_key:
                    section.parent_key = (new_code, *section.parent_key[1:])
                self.sections.setdefault(section.key, section)
        for code, target in self.merged.items():
            if target == old_code:
                self.merged[code] = new_code
        self.merged[old_code] = new_code


def quality(state: CatalogState) -> dict:
    """What the catalog import found and decided, for ImportRun.details and `manage.py data_quality`."""
    decided = Counter((c.verdict, c.rule) for c in state.candidates)

    def by_rule(verdict: str) -> dict:
        return {rule: n for (v, rule), n in sorted(decided.items()) if v == verdict}

    return {
        "course lineages": {"merged": len(state.merged), "by rule": by_rule("merge")},
        "cross-listings": {
            "linked pairs": sum(by_rule("link").values()),
            "groups": len(state.cross_listings),
            "by rule": by_rule("link"),
        },
        "candidates left apart": {"pairs": sum(by_rule("apart").values()), "by reason": by_rule("apart")},
        "subject codes read as another subject": {"codes": dict(sorted(state.respelled.items()))},
        "placeholder sections": {"hidden": state.placeholders},
    }


# A distribution specific enough to recognise when another source repeats it.
PRINT_MIN_STUDENTS = 20
PRINT_MIN_GRADES = 4


def grade_print(record) -> tuple | None:
    counts = tuple(record.counts.get(grade, 0) for grade in formats.GRADES)
    if sum(counts) < PRINT_MIN_STUDENTS or sum(1 for n in counts if n) < PRINT_MIN_GRADES:
        return None
    return (record.term, counts)


def surnames(names) -> set[str]:
    return {reading[0] for name in names for reading in PersonName.parse(name).readings[:1]}


def add_full_title(course: CourseState, title: str) -> None:
    if title:
        course.full_titles.add(title_key(title))
        course.full_title_texts.add(title)


def set_ranked(state: CourseState, name: str, value, rank: int) -> None:
    """Keep the value from the highest-ranked (lowest number) source."""
    if value in (None, "") or rank >= getattr(state, f"{name}_rank"):
        return
    if name == "units":
        state.units_min, state.units_max = value
    else:
        setattr(state, name, value)
    setattr(state, f"{name}_rank", rank)


def parse_units(raw) -> tuple[Decimal, Decimal] | None:
    """4 -> (4, 4); '1-4' -> (1, 4); '2.5' -> (2.5, 2.5)."""
    if raw is None or isinstance(raw, bool):
        return None
    text = str(raw).strip()
    if not text:
        return None
    parts = re.split(r"\s*(?:-|to|–)\s*", text)
    try:
        values = [Decimal(p) for p in parts if p]
    except InvalidOperation:
        return None
    if not values or any(v < 0 or v > 99 for v in values):
        return None
    return min(values), max(values)


def parse_time(raw) -> time | None:
    match = re.match(r"^(\d{1,2}):(\d{2})", str(raw or ""))
    if not match:
        return None
    hour, minute = int(match.group(1)), int(match.group(2))
    return time(hour, minute) if hour < 24 and minute < 60 else None


def count_or_none(value) -> int | None:
    return value if isinstance(value, int) and not isinstance(value, bool) and value >= 0 else None
