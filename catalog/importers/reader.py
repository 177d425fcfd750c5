"""Read every catalog source into one in-memory picture of the catalog (catalog.importers.state).

Nothing here touches the database: a structural problem in any file raises
DataFileError before a single row is written.
"""

from __future__ import annotations

import contextlib
import datetime
import re
from collections import defaultdict
from functools import partial
from pathlib import Path

import yaml

from sources import grades as formats
from sources.codes import SubjectCodes, is_placeholder_section, normalize_number, normalize_subject
from sources.disjoint import DisjointSets
from sources.files import DataFileError, check_strings, csv_rows, fitted, json_array_items, load_json, read_text
from sources.importing import ImportReport
from sources.names import split_names
from sources.terms import TermRef

from ..models import Course, CourseAlias, Requirement, Section, Subject
from .lineage import REVIEWED_FILE, CourseLinks, reviewed_decisions, title_key
from .state import (
    CatalogState,
    CourseState,
    SectionState,
    add_full_title,
    count_or_none,
    grade_print,
    parse_time,
    parse_units,
    set_ranked,
)

SUMMER_2026 = TermRef.of("summer", 2026)

LS_BREADTH_NAMES = {
    "arts_literature": "Arts & Literature",
    "biological_science": "Biological Science",
    "historical_studies": "Historical Studies",
    "international_studies": "International Studies",
    "philosophy_values": "Philosophy & Values",
    "physical_science": "Physical Science",
    "social_behavioral_sciences": "Social & Behavioral Sciences",
}
AMERICAN_CULTURES = ("american-cultures", "American Cultures", "american_cultures")

# The columns what the sources write is stored in: a value longer than its column is refused, never cut.
COLUMN = {
    "subject code": Subject._meta.get_field("code"),
    "subject": Subject._meta.get_field("spellings"),
    "department": Subject._meta.get_field("name"),
    "course number": Course._meta.get_field("number"),
    "course code": Course._meta.get_field("code"),
    "course spelling": CourseAlias._meta.get_field("code"),
    "title": Course._meta.get_field("title"),
    "transcript title": Course._meta.get_field("abbreviated_title"),
    "requirement": Requirement._meta.get_field("name"),
    "requirement slug": Requirement._meta.get_field("slug"),
    **{
        f"section {name}": Section._meta.get_field(name)
        for name in ("kind", "number", "days", "location", "instructor", "status")
    },
}


def fits(path: Path, line: int | None, what: str, value: str) -> str:
    return fitted(path, line, COLUMN[what], value, what)


SECTION_KINDS = {"discussion": "DIS", "lab": "LAB", "laboratory": "LAB", "lecture": "LEC", "seminar": "SEM"}
_SECTION_NUMBER = re.compile(r"^#?\s*([A-Z]{2,4})?\s*([0-9A-Z]+)$")


class CatalogSources:
    """Reads the data set folder into a CatalogState, reporting into an ImportReport."""

    def __init__(self, data_dir: Path, report: ImportReport, reviewed_file: Path | None = None):
        self.data_dir = Path(data_dir)
        self.report = report
        self.state = CatalogState()
        self.subject_names: dict[str, list[str]] = {}
        self.reviewed_file = reviewed_file or REVIEWED_FILE

    def path(self, *parts: str) -> Path:
        return self.data_dir.joinpath(*parts)

    def read_all(self, progress=lambda tasks: tasks) -> CatalogState:
        """Read every source in dependency order. ``progress`` wraps the task list
        (a tqdm bar on a terminal)."""
        if not self.data_dir.is_dir():
            raise DataFileError(self.data_dir, None, "data folder not found (set BT_DATA_DIR)")
        for path, read in progress(self.tasks()):
            read(path)
        decisions, self.state.skipped_decisions = reviewed_decisions(self.reviewed_file, self.known_code)
        self.decide_links(decisions)
        return self.state

    def tasks(self) -> list[tuple[Path, object]]:
        def glob(*parts: str, pattern: str) -> list[Path]:
            return sorted(self.path(*parts).glob(pattern))

        tasks: list[tuple[Path, object]] = [(self.path("catalog", "subjects.yaml"), self.read_subjects)]
        tasks += [
            (p, lambda p: self.read_grade_file(p, formats.read_formatted(p, self.report)))
            for p in glob("grades", "formatted", pattern="*.csv")
        ]
        tasks += [
            (p, lambda p: self.read_grade_file(p, formats.read_legacy(p, self.report)))
            for p in glob("grades", "legacy", pattern="*.csv")
        ]
        tasks += [(p, self.read_calanswers_file) for p in glob("grades", "calanswers", pattern="*.csv")]
        tasks += [(p, self.read_history_file) for p in glob("history", "courses-detail", pattern="*.json")]
        tasks += [
            (self.path("catalog", "courses.json"), self.read_full_titles),
            (self.path("catalog", "course-graph-catalog.json"), self.read_course_graph),
            (self.path("catalog", "summer-2026-sections.json"), lambda p: self.read_summer_sections(p, SUMMER_2026)),
        ]
        for p in glob("requirements", "ls_breadth_fall_2021", pattern="*.csv"):
            name = LS_BREADTH_NAMES.get(p.stem, p.stem.replace("_", " ").title())
            tasks.append(
                (
                    p,
                    lambda p, name=name: self.read_requirement_list(
                        p, "ls-" + p.stem.replace("_", "-"), name, "ls_breadth"
                    ),
                )
            )
        ac = self.path("requirements", "american_cultures_override.csv")
        if ac.exists():
            tasks.append((ac, lambda p: self.read_requirement_list(p, *AMERICAN_CULTURES)))
        return tasks

    def course(self, path: Path, line: int | None, raw_subject: str, raw_number: str) -> CourseState | None:
        """The course a source names (None without a subject or number); a code
        the catalog's columns cannot hold stops the run."""
        course = self.state.course(raw_subject, raw_number)
        if course is not None:
            check = partial(fits, path, line)
            check("subject code", course.subject)
            check("subject", " ".join(raw_subject.split()).upper())
            check("course number", course.number)
            check("course code", course.code)
            for alias in course.aliases:
                check("course spelling", alias)
        return course

    def read_calanswers_file(self, path: Path) -> None:
        names = formats.subject_name_index(self.subject_names)
        self.read_grade_file(path, formats.read_calanswers(path, names, self.report))

    # -- subjects ---------------------------------------------------------
    def read_subjects(self, path: Path) -> None:
        text = read_text(path)
        try:
            data = yaml.safe_load(text)
        except yaml.YAMLError as exc:
            mark = getattr(exc, "problem_mark", None)
            raise DataFileError(path, mark.line + 1 if mark else None, f"invalid YAML ({exc})") from exc
        if not isinstance(data, dict):
            raise DataFileError(path, 1, "expected a mapping of subject code to names")
        for raw_code, names in data.items():
            check_strings(path, {raw_code: names}, _yaml_line(text, raw_code))
            self.report.read(path)
            if isinstance(names, str):
                names = [names]
            if not isinstance(names, list) or not all(isinstance(n, str) for n in names):
                raise DataFileError(path, _yaml_line(text, raw_code), f"subject {raw_code!r}: names must be a list")
            raw_code = str(raw_code)
            line = _yaml_line(text, raw_code)
            fits(path, line, "subject code", normalize_subject(raw_code))
            fits(path, line, "subject", " ".join(raw_code.split()).upper())
            if names:
                fits(path, line, "department", names[0])
            self.subject_names[raw_code] = names
        self.state.subject_codes = SubjectCodes(self.subject_names)
        for raw_code, names in self.subject_names.items():
            code = self.state.subject(raw_code)
            if names and not self.state.subjects[code]["name"]:
                self.state.subjects[code]["name"] = names[0]

    # -- grade files: which courses exist and when they were taught -------
    def read_grade_file(self, path: Path, records) -> None:
        for record in records:
            self.report.read(path)
            course = self.course(path, record.line, record.subject, record.number)
            if course is None:
                self.report.reject(path, record.line, "missing subject or course number")
                continue
            course.terms.add(record.term)
            course.section_terms.add(record.term)
            course.has_grades = course.has_grades or any(record.counts.values())
            course.add_instructors(record.term, record.instructors)
            print_ = grade_print(record)
            if print_:
                course.section_prints.add(print_)
            if record.title:
                # The 2007-2011 files shout: "INTRO SYMBOLIC PROG" reads as "Intro Symbolic Prog".
                title = record.title.title() if record.title.isupper() else record.title
                fits(path, record.line, "transcript title", title)
                course.transcript_titles.add(title_key(title))
                course.transcript_title_texts.add(title)
                if course.abbreviated_term is None or record.term >= course.abbreviated_term:
                    course.abbreviated_title, course.abbreviated_term = title, record.term

    def read_history_file(self, path: Path) -> None:
        subject, number = formats.history_course(path)
        course = self.course(path, None, subject, number)
        self.report.read(path)
        course.has_history_file = True
        for record in formats.read_history(path, self.report):
            course.terms.add(record.term)
            course.history_terms.add(record.term)
            course.has_grades = course.has_grades or any(record.counts.values())
            course.add_instructors(record.term, record.instructors)
            course.fingerprints.add(f"{record.term.slug}|{record.instructors}|{sorted(record.counts.items())}")
            print_ = grade_print(record)
            if print_:
                course.history_prints.add(print_)

    # -- catalog files ----------------------------------------------------
    def read_full_titles(self, path: Path) -> None:
        _, text = load_json(path)
        for line, item in json_array_items(path, text):
            self.report.read(path)
            if not isinstance(item, dict) or not isinstance(item.get("name"), str):
                raise DataFileError(path, line, 'expected {"title": ..., "name": "SUBJECT NUMBER"}')
            subject, _, number = item["name"].strip().rpartition(" ")
            course = self.course(path, line, subject, number)
            if course is None:
                self.report.reject(path, line, f"not a course code: {item['name']!r}")
                continue
            title = fits(path, line, "title", " ".join(str(item.get("title") or "").split()))
            set_ranked(course, "title", title, 1)
            add_full_title(course, title)

    def read_course_graph(self, path: Path) -> None:
        _, text = load_json(path)
        for line, item in json_array_items(path, text):
            self.report.read(path)
            if not isinstance(item, dict) or not isinstance(item.get("displayCode"), str):
                raise DataFileError(path, line, "course entry without a displayCode")
            subject, _, number = item["displayCode"].strip().rpartition(" ")
            course = self.course(path, line, subject, number)
            if course is None:
                self.report.reject(path, line, f"not a course code: {item['displayCode']!r}")
                continue
            title = fits(path, line, "title", " ".join(str(item.get("title") or "").split()))
            set_ranked(course, "title", title, 2)
            add_full_title(course, title)
            set_ranked(course, "description", " ".join(str(item.get("description") or "").split()), 1)
            set_ranked(course, "units", parse_units(item.get("units")), 1)
            set_ranked(course, "prerequisites", " ".join(str(item.get("prereqRaw") or "").split()), 1)

    def read_summer_sections(self, path: Path, term: TermRef) -> None:
        data, text = load_json(path)
        if not isinstance(data, dict) or not isinstance(data.get("courses"), list):
            raise DataFileError(path, 1, 'expected {"meta": ..., "courses": [...]}')
        self.state.section_terms.add(term)
        generated = str((data.get("meta") or {}).get("generatedAt") or "")
        with contextlib.suppress(ValueError):  # else the counts' date is unknown: the pages name only the term
            self.state.section_dates[term] = datetime.datetime.fromisoformat(generated.replace("Z", "+00:00"))
        for line, item in json_array_items(path, text, "courses"):
            self.report.read(path)
            if not isinstance(item, dict) or not isinstance(item.get("code"), str):
                raise DataFileError(path, line, "class entry without a code")
            subject, _, number = item["code"].strip().rpartition(" ")
            course = self.course(path, line, subject, number)
            if course is None:
                self.report.reject(path, line, f"not a course code: {item['code']!r}")
                continue
            course.terms.add(term)
            course.listed_terms.add(term)
            course.add_instructors(term, split_names(str(item.get("instructor") or "")))
            title = fits(path, line, "title", " ".join(str(item.get("title") or "").split()))
            set_ranked(course, "title", title, 3)
            add_full_title(course, title)
            set_ranked(course, "description", " ".join(str(item.get("description") or "").split()), 2)
            set_ranked(course, "units", parse_units(item.get("units")), 2)
            set_ranked(course, "prerequisites", " ".join(str(item.get("prerequisites") or "").split()), 2)
            department = fits(path, line, "department", str(item.get("department") or ""))
            if department and not self.state.subjects[course.subject]["name"]:
                self.state.subjects[course.subject]["name"] = department
            requirements = item.get("requirements") or {}
            for area in requirements.get("lsBreadth") or []:
                slug = "ls-" + re.sub(r"[^a-z0-9]+", "-", str(area).lower()).strip("-")
                fits(path, line, "requirement", str(area))
                fits(path, line, "requirement slug", slug)
                self.state.requirements.setdefault(slug, (str(area), "ls_breadth"))
                course.requirements.add(slug)
            for req in requirements.get("universityReqs") or []:
                slug = re.sub(r"[^a-z0-9]+", "-", str(req).lower()).strip("-")
                fits(path, line, "requirement", str(req))
                fits(path, line, "requirement slug", slug)
                self.state.requirements.setdefault(slug, (str(req), "university"))
                course.requirements.add(slug)

            primary = self._section(path, line, course, term, item, "LEC", item.get("sectionNumber"), None)
            if primary is None:
                continue
            for sub in item.get("sections") or []:
                if not isinstance(sub, dict):
                    raise DataFileError(path, line, f"{item['code']}: sub-section is not an object")
                kind = SECTION_KINDS.get(str(sub.get("type", "")).lower())
                self._section(path, line, course, term, sub, kind, sub.get("sectionNumber"), primary.key)

    def _section(self, path, line, course, term, item, kind, raw_number, parent_key) -> SectionState | None:
        match = _SECTION_NUMBER.match(str(raw_number or "").strip().upper())
        if not match:
            self.report.reject(path, line, f"section number not understood: {course.code} {raw_number!r}")
            return None
        kind = match.group(1) or kind or "LEC"
        days = item.get("days") or []
        days = [str(d) for d in days if str(d).strip()] if isinstance(days, list) else []
        check = partial(fits, path, line)
        for day in days:
            check("section days", day)
        section = SectionState(
            course_code=course.code,
            term=term,
            kind=check("section kind", kind),
            number=check("section number", match.group(2)),
            parent_key=parent_key,
            class_number=count_or_none(item.get("classNumber")),
            days=days,
            start_time=parse_time(item.get("startTime")),
            end_time=parse_time(item.get("endTime")),
            location=check("section location", " ".join(str(item.get("location") or "").split())),
            instructor=check("section instructor", " ".join(str(item.get("instructor") or "").split())),
            enrolled=count_or_none(item.get("enrolledCount")),
            capacity=count_or_none(item.get("enrollmentCapacity", item.get("capacity"))),
            waitlisted=count_or_none(item.get("waitlistCount")),
            status=check("section status", str(item.get("status") or "")),
        )
        if is_placeholder_section(section.number, section.days, section.start_time, section.end_time):
            self.state.placeholders += 1
            self.report.reject(
                path, line, f"placeholder section (x99, no meeting time): {course.code} {kind} {section.number}"
            )
            return None
        if section.key in self.state.sections:
            self.report.reject(path, line, f"duplicate section: {course.code} {kind} {section.number}")
            return None
        self.state.sections[section.key] = section
        return section

    # -- requirements -----------------------------------------------------
    def read_requirement_list(self, path: Path, slug: str, name: str, kind: str) -> None:
        self.state.requirements[slug] = (name, kind)
        for line, cells in csv_rows(path):
            if not any(c.strip() for c in cells):
                continue
            self.report.read(path)
            if len(cells) < 2:
                raise DataFileError(path, line, "expected SUBJECT,NUMBER")
            # Subjects may contain commas ("A,RESEC,C100"): the number is the last cell.
            subject, number = ",".join(cells[:-1]), cells[-1]
            code = f"{normalize_subject(subject)} {normalize_number(number)}"
            course = self.state.courses.get(code)
            if course is None:
                self.report.reject(path, line, f"unknown course: {subject} {number}")
                continue
            course.requirements.add(slug)

    # -- one course, one code -------------------------------------------
    def known_code(self, written: str) -> str | None:
        """The canonical code of a code as written in a reviewed file, if some source lists it."""
        subject, _, number = written.strip().rpartition(" ")
        if not subject or not number:
            return None
        code = f"{self.state.subject_codes.canonical(subject)} {normalize_number(number)}"
        return code if code in self.state.courses else None

    def decide_links(self, decisions) -> None:
        """Merge each lineage into its newest code, then link the cross-listings (catalog.importers.lineage)."""
        links = CourseLinks(self.state.courses, decisions)
        self.state.candidates = links.candidates()
        successors: dict[str, list] = defaultdict(list)
        for candidate in self.state.candidates:
            if candidate.verdict == "merge":
                successors[candidate.first.code].append(candidate)
        for found in successors.values():
            if len({c.second.code for c in found}) > 1:
                for candidate in found:
                    candidate.verdict, candidate.reason = "apart", "the older code has several possible successors"
        merges = {code: found[0] for code, found in successors.items() if found[0].verdict == "merge"}

        def final(code: str, seen=()) -> str:
            step = merges.get(code)
            if step is None or step.second.code in seen:
                return code
            return final(step.second.code, (*seen, code))

        for code in sorted(merges, key=lambda c: merges[c].until or SUMMER_2026):
            self.state.merge(code, final(code), merges[code].until)

        canonical = {code: self.state.merged.get(code, code) for code in self.state.courses}
        canonical.update(self.state.merged)
        linked: DisjointSets[str] = DisjointSets()
        for candidate in self.state.candidates:
            if candidate.verdict != "link":
                continue
            a, b = canonical[candidate.first.code], canonical[candidate.second.code]
            if a != b:
                linked.union(a, b)
        for group in linked.groups().values():
            if len(group) > 1:
                self.state.cross_listings.append(group)
                self.share_within(group)

    def share_within(self, group: set[str]) -> None:
        """Cross-listed courses are one class: a listing without a title,
        description or units takes them from its siblings."""
        members = sorted((self.state.courses[code] for code in group), key=lambda c: c.code)
        for name in ("title", "description", "units", "prerequisites"):
            best = min(members, key=lambda c: getattr(c, f"{name}_rank"))
            value = (best.units_min, best.units_max) if name == "units" else getattr(best, name)
            if value in ("", (None, None)):
                continue
            for course in members:
                set_ranked(course, name, value, 50)


def _yaml_line(text: str, key) -> int | None:
    for number, line in enumerate(text.splitlines(), start=1):
        if line.startswith(f"{key}:"):
            return number
    return None
