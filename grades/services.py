"""Importing grade data: every format in, one row per section out, nothing counted twice.

Which source wins: for each course and term, only the rows of the
highest-priority source that has the course in that term are kept:

    formatted (published per-section export, Spring 2013 to Fall 2023)
  > calanswers (raw CalAnswers export, privacy rule applied; reproduces formatted exactly for Fall 2023)
  > legacy (2007 to 2012 files)
  > history (gradeHistory: per course, term and first instructor only, Summer 2019 to Fall 2025)

So Fall 2023 comes from formatted/, Spring 2024 to Fall 2025 from the grade
history, and a lower-priority source only fills a course and term that no
better source has. Importing a better source later deletes the rows it supersedes.

"A course" here is every code it is listed under: its former codes (the
catalog merged them into it) and its cross-listings (its listing group), so no
section is counted under two codes. Two grade-history files that land on one
course (a former code's and the current code's) are not both kept for a term.

After the rows, the instructors: every spelling of every row is grouped into
people (grades.instructors) and the rows linked to them.
"""

from __future__ import annotations

from collections import Counter, defaultdict
from collections.abc import Callable, Iterable
from dataclasses import dataclass
from functools import partial
from pathlib import Path

import yaml
from django.db import connection, transaction
from django.db.models import Q
from django.utils import timezone
from django.utils.text import slugify

from berkeleytime.db import bulk_update, copy_insert
from catalog.models import Course, Term
from catalog.resolver import CourseResolver
from sources import grades as formats
from sources.files import DataFileError, check_strings, csv_rows, fitted, read_text
from sources.importing import ImportReport, assign_changed, record_import
from sources.names import split_names

from . import instructors as identities
from .drift import refresh_term_drift
from .models import GRADE_FIELDS, Grade, Instructor, InstructorSpelling

# Every column an instructor's name is stored in, as the sources write it.
NAME_COLUMNS = (
    Grade._meta.get_field("instructor_names"),
    InstructorSpelling._meta.get_field("name"),
    Instructor._meta.get_field("name"),
)
SOURCE_PRIORITY = {"formatted": 1, "calanswers": 2, "legacy": 3, "history": 4}
FORMATS = tuple(SOURCE_PRIORITY)


def grade_files(data_dir: Path) -> list[Path]:
    """Every grade file of the data set, in the order they are read."""
    grades = data_dir / "grades"
    return [
        *sorted((grades / "formatted").glob("*.csv")),
        *sorted((grades / "calanswers").glob("*.csv")),
        *sorted((grades / "legacy").glob("*.csv")),
        *sorted((data_dir / "history" / "courses-detail").glob("*.json")),
    ]


def detect_format(path: Path) -> str:
    """Tell a file's format from its content: its header row, or its JSON keys."""
    if path.suffix.lower() == ".json":
        if '"gradeHistory"' in read_text(path)[:200000]:
            return "history"
        raise DataFileError(path, None, "JSON without a gradeHistory: not a grade file")
    for seen, (_line, cells) in enumerate(csv_rows(path)):
        cells = [c.strip() for c in cells]
        if cells[:2] == formats.FORMATTED_HEADER[:2]:
            return "formatted"
        if cells[:2] == formats.CALANSWERS_HEADER_START:
            return "calanswers"
        if (
            cells[:5] == formats.LEGACY_2007_HEADER[:5]
            or cells[:5] == formats.LEGACY_2011_HEADER_START
            or cells[:3] == formats.LEGACY_2012_HEADER_START
        ):
            return "legacy"
        if seen > 30:
            break
    raise DataFileError(path, None, "not a grade file of any known format (no recognisable header row)")


@dataclass
class Row:
    course_id: int
    term_id: int
    source: str
    source_key: str
    section: str
    ccn: str
    level: str
    counts: dict[str, int]
    instructors: tuple[str, ...]
    path: str
    line: int

    @property
    def key(self) -> tuple:
        return (self.course_id, self.term_id, self.source, self.source_key)

    def values(self) -> dict:
        values = {GRADE_FIELDS[g]: self.counts.get(g, 0) for g in formats.GRADES}
        values["w"] = self.counts.get("W")
        values["i"] = self.counts.get("I")
        values.update(section=self.section, ccn=self.ccn, level=self.level, instructor_names=list(self.instructors))
        return values


class GradeImporter:
    def __init__(self, data_dir: Path, report: ImportReport, reviewed_file: Path | None = None):
        self.data_dir = data_dir
        self.report = report
        self.reviewed_file = reviewed_file or identities.REVIEWED_FILE
        self.superseded: Counter = Counter()
        self.withheld = 0
        self._subject_names = None
        self.resolver = CourseResolver()
        self.groups = {id_: group or id_ for id_, group in Course.objects.values_list("id", "listing_group")}
        self.terms = {t.slug: t.id for t in Term.objects.all()}
        self.history_repeats = 0
        self.co_taught = 0
        self.skipped_decisions: list[str] = []
        self.quality: Counter = Counter()

    # -- reading ----------------------------------------------------------
    @property
    def subject_names(self) -> formats.SubjectNames:
        if self._subject_names is None:
            path = self.data_dir / "catalog" / "subjects.yaml"
            try:
                names = yaml.safe_load(read_text(path))
            except yaml.YAMLError as exc:
                raise DataFileError(path, None, f"invalid YAML ({exc})") from exc
            check_strings(path, names)
            self._subject_names = formats.subject_name_index(names or {})
        return self._subject_names

    def records(self, path: Path, fmt: str) -> Iterable[formats.GradeRecord]:
        if fmt == "formatted":
            return formats.read_formatted(path, self.report)
        if fmt == "legacy":
            return formats.read_legacy(path, self.report)
        if fmt == "calanswers":
            return formats.read_calanswers(path, self.subject_names, self.report)
        return formats.read_history(path, self.report)

    def course_id(self, subject: str, number: str) -> int | None:
        return self.resolver.find(subject, number)

    def term_id(self, ref) -> int:
        if ref.slug not in self.terms:
            term, _ = Term.objects.get_or_create(slug=ref.slug, defaults=Term.values_for(ref))
            self.terms[ref.slug] = term.id
        return self.terms[ref.slug]

    def read(self, path: Path, fmt: str) -> tuple[list[Row], set[tuple]]:
        """A file's rows and the scopes it covers completely (what it may delete)."""
        rows, scopes = [], set()
        ordinal: Counter = Counter()
        if fmt == "history":
            subject, number = formats.history_course(path)
            course_id = self.course_id(subject, number)
            if course_id is not None:
                scopes.add(("history", "course", course_id))
        for record in self.records(path, fmt):
            self.report.read(path)
            # Every row read, kept or not, must be storable as written.
            fits = partial(fitted, path, record.line)
            for name in record.instructors:
                for column in NAME_COLUMNS:
                    fits(column, name, "instructor name")
            section = fits(Grade._meta.get_field("section"), record.section)
            ccn = fits(Grade._meta.get_field("ccn"), record.ccn, "CCN")
            level = fits(Grade._meta.get_field("level"), record.level)
            if len(record.instructors) > 1:
                self.co_taught += 1
            if fmt == "calanswers" and not formats.passes_privacy_rule(record):
                self.withheld += 1
                continue
            if not any(record.counts.get(grade) for grade in formats.GRADES):
                self.report.reject(path, record.line, "no letter or P/NP grades in this section")
                continue
            course_id = self.course_id(record.subject, record.number)
            if course_id is None:
                self.report.reject(
                    path, record.line, f"course not in catalog: {record.subject} {record.number} (run import_catalog)"
                )
                continue
            term_id = self.term_id(record.term)
            if fmt in ("formatted", "legacy"):
                scopes.add((fmt, "term", term_id))
            elif fmt == "calanswers":
                scopes.add((fmt, "term-level", term_id, record.level))
            if fmt == "history":
                # One entry per section, named by its first instructor only: number the repeats.
                first = record.instructors[0] if record.instructors else ""
                ordinal[(course_id, term_id, first)] += 1
                key = f"{first}|{ordinal[(course_id, term_id, first)]}"
            else:
                key = f"{record.section}|{record.ccn}"
            rows.append(
                Row(
                    course_id=course_id,
                    term_id=term_id,
                    source=fmt,
                    source_key=fits(Grade._meta.get_field("source_key"), key, "section key"),
                    section=section,
                    ccn=ccn,
                    level=level,
                    counts=record.counts,
                    instructors=tuple(record.instructors),
                    path=record.path,
                    line=record.line,
                )
            )
        return rows, scopes

    # -- writing ----------------------------------------------------------
    def details(self) -> dict:
        """What the grade import found and decided, for ImportRun.details and `manage.py data_quality`."""
        people = {k: v for k, v in self.quality.items() if k not in ("people", "spellings")}
        return {
            "co-taught sections": {"read with their names split": self.co_taught},
            "instructors": {"spellings": self.quality["spellings"], "people": self.quality["people"], **people},
            "sections a better source has": {"superseded": dict(sorted(self.superseded.items()))},
            "grade histories repeated under a former code": {"entries dropped": self.history_repeats},
            "privacy rule": {"sections withheld": self.withheld},
        }

    def without_repeated_histories(self, rows: list[Row]) -> list[Row]:
        """Where two grade-history files give a course's entries for one term (a
        former code's file and the current code's), keep the current code's file."""
        files: dict[tuple, set[str]] = defaultdict(set)
        for row in rows:
            if row.source == "history":
                files[(row.course_id, row.term_id)].add(row.path)
        codes = {id_: code for code, id_ in self.resolver.courses.items()}
        drop = set()
        for (course_id, term_id), paths in files.items():
            if len(paths) < 2:
                continue

            def named_here(path: str, course_id=course_id) -> bool:
                return self.resolver.code(*formats.history_course(Path(path))) == codes.get(course_id)

            keep = max(sorted(paths), key=named_here)
            drop |= {(course_id, term_id, path) for path in paths if path != keep}
        kept = []
        for row in rows:
            if (row.course_id, row.term_id, row.path) in drop:
                self.report.reject(row.path, row.line, "repeats another grade-history file of the same course and term")
                self.history_repeats += 1
            else:
                kept.append(row)
        return kept

    def write(self, rows: list[Row], scopes: set[tuple]) -> set[int]:
        """Bring the database in line with ``rows``; returns the ids of the courses touched."""
        wanted: dict[tuple, Row] = {}
        for row in self.without_repeated_histories(rows):
            if row.key in wanted:
                self.report.reject(row.path, row.line, f"duplicate section: {row.source_key}")
                continue
            wanted[row.key] = row

        existing = {
            (g["course_id"], g["term_id"], g["source"], g["source_key"]): g
            for g in Grade.objects.values("id", "course_id", "term_id", "source", "source_key", "level",
                                          "section", "ccn", "w", "i", "instructor_names", *GRADE_FIELDS.values())
        }  # fmt: skip

        def in_scope(g: dict) -> bool:
            return (
                (g["source"], "term", g["term_id"]) in scopes
                or (g["source"], "term-level", g["term_id"], g["level"]) in scopes
                or (g["source"], "course", g["course_id"]) in scopes
            )

        delete = {key for key, g in existing.items() if key not in wanted and in_scope(g)}

        # Precedence: per course (all its listings) and term, the best source present wins.
        best: dict[tuple[int, int], int] = {}
        for key in [*wanted, *(k for k in existing if k not in delete)]:
            pair, priority = (self.groups.get(key[0], key[0]), key[1]), SOURCE_PRIORITY[key[2]]
            best[pair] = min(best.get(pair, priority), priority)
        for key in list(wanted):
            if SOURCE_PRIORITY[key[2]] > best[(self.groups.get(key[0], key[0]), key[1])]:
                self.superseded[key[2]] += 1
                del wanted[key]
        delete |= {
            k for k in existing if k not in delete and SOURCE_PRIORITY[k[2]] > best[(self.groups.get(k[0], k[0]), k[1])]
        }

        create, update = [], []
        for key, row in wanted.items():
            values = row.values()
            current = existing.get(key)
            if current is None:
                create.append(Grade(course_id=row.course_id, term_id=row.term_id, source=row.source,
                                    source_key=row.source_key, **values))  # fmt: skip
            elif any(current[name] != value for name, value in values.items()):
                update.append(Grade(id=current["id"], course_id=row.course_id, term_id=row.term_id,
                                    source=row.source, source_key=row.source_key, **values))  # fmt: skip

        touched = {key[0] for key in delete} | {key[0] for key in wanted}
        deleted_ids = [existing[key]["id"] for key in delete]
        for chunk in _chunks(deleted_ids, 5000):
            Grade.objects.filter(id__in=chunk).delete()
        row_fields = [*GRADE_FIELDS.values(), "w", "i", "section", "ccn", "level", "instructor_names"]
        copy_insert(Grade, create, ["course", "term", "source", "source_key", *row_fields])
        bulk_update(Grade, update, row_fields)
        self.report.created["grade rows"] += len(create)
        self.report.updated["grade rows"] += len(update)
        self.report.deleted["grade rows"] += len(deleted_ids)
        return touched | self.write_instructors()

    def write_instructors(self) -> set[int]:
        """Group every spelling of every stored row into people (grades.instructors), keep
        one Instructor per person and a spelling row per spelling, and link each row to
        its people. Returns the courses whose instructors changed."""
        rows = list(Grade.objects.values_list("id", "course_id", "instructor_names"))
        taught: dict[str, set[int]] = defaultdict(set)
        sections: Counter = Counter()
        for _, course_id, names in rows:
            for name in names:
                taught[name].add(self.groups.get(course_id, course_id))
                sections[name] += 1
        decisions, self.skipped_decisions = identities.reviewed_decisions(self.reviewed_file, taught.__contains__)
        found = identities.identify(taught, sections, decisions)
        self.quality.update(found.found)

        existing = {i.slug: i for i in Instructor.objects.all()}
        person_ids = self._write_people(found, existing)
        instructor_of = self._write_spellings(found, existing, person_ids)
        changed = self._write_links(rows, instructor_of)
        kept = set(person_ids.values())
        retired = [i.id for i in existing.values() if i.id not in kept]
        Instructor.objects.filter(id__in=retired).delete()
        if retired:
            self.report.deleted["instructor pages merged into another"] += len(retired)
        return changed

    def _write_people(self, found: identities.Identities, existing: dict) -> dict[int, int]:
        """One Instructor per person, under the slug of the name shown; {id(person): instructor id}."""
        slugs = {}
        for person in sorted(found.people, key=lambda p: (-p.sections, p.name)):
            slug = person.slug
            for n in range(2, 1000):  # two people who write their names alike
                if slug not in slugs:
                    break
                slug = f"{person.slug[:195]}-{n}"
            slugs[slug] = person
        create, update = [], []
        for slug, person in slugs.items():
            instructor = existing.get(slug)
            if instructor is None:
                create.append(Instructor(name=person.name, slug=slug))
            elif instructor.name != person.name:
                instructor.name = person.name
                update.append(instructor)
        Instructor.objects.bulk_create(create, batch_size=5000)
        bulk_update(Instructor, update, ["name"], batch_size=5000)
        self.report.created["instructors"] += len(create)
        self.report.updated["instructors"] += len(update)
        ids = dict(Instructor.objects.filter(slug__in=slugs).values_list("slug", "id"))
        return {id(person): ids[slug] for slug, person in slugs.items()}

    def _write_spellings(self, found: identities.Identities, existing: dict, person_ids: dict) -> dict[str, int]:
        """A spelling row for every name written today, and for the name of every instructor
        page that no longer stands alone, so that its slug redirects. {name: instructor id}."""
        spellings = {name: (person_ids[id(person)], True) for name, person in found.person_of.items()}
        kept = set(person_ids.values())
        for instructor in existing.values():
            if instructor.name in spellings or instructor.id in kept:
                continue
            # A page of a name no row writes any more: a joined "A; B" belongs to its first person.
            person = next((found.person_of[n] for n in split_names(instructor.name) if n in found.person_of), None)
            if person is not None:
                spellings[instructor.name] = (person_ids[id(person)], False)
        for row in InstructorSpelling.objects.filter(seen=False).select_related("instructor"):
            if row.name not in spellings and row.instructor.name in spellings:
                spellings[row.name] = (spellings[row.instructor.name][0], False)
        current = {s.name: s for s in InstructorSpelling.objects.all()}
        add, change = [], []
        for name, (instructor_id, seen) in spellings.items():
            row = current.pop(name, None)
            slug = slugify(name)[:200] or "unknown"
            if row is None:
                add.append(InstructorSpelling(name=name, slug=slug, instructor_id=instructor_id, seen=seen))
            elif assign_changed(row, {"slug": slug, "instructor_id": instructor_id, "seen": seen}):
                change.append(row)
        InstructorSpelling.objects.filter(id__in=[s.id for s in current.values()]).delete()
        InstructorSpelling.objects.bulk_create(add, batch_size=5000)
        bulk_update(InstructorSpelling, change, ["slug", "instructor", "seen"], batch_size=5000)
        self.report.created["instructor spellings"] += len(add)
        self.report.updated["instructor spellings"] += len(change)
        return {name: instructor_id for name, (instructor_id, _) in spellings.items()}

    def _write_links(self, rows: list[tuple], instructor_of: dict[str, int]) -> set[int]:
        """Each row linked to the people its names are; the courses whose links changed."""
        through = Grade.instructors.through
        links = defaultdict(set)
        for grade_id, instructor_id in through.objects.values_list("grade_id", "instructor_id"):
            links[grade_id].add(instructor_id)
        changed, relink = set(), {}
        for grade_id, course_id, names in rows:
            people = {instructor_of[name] for name in names}
            if links.get(grade_id, set()) != people:
                relink[grade_id] = people
                changed.add(course_id)
        for chunk in _chunks(list(relink), 5000):
            through.objects.filter(grade_id__in=chunk).delete()
        copy_insert(
            through, (through(grade_id=g, instructor_id=i) for g, people in relink.items() for i in people),
            ["grade", "instructor"],
        )  # fmt: skip
        self.report.updated["grade rows linked to their instructors"] += len(relink)
        return changed


def refresh_course_summaries(course_ids: Iterable[int] | None = None) -> None:
    """Recompute the stored grade summary and has_grades flag of these courses (all when None).

    A course's summary counts every code it is listed under (its listing
    group), so each cross-listed code shows the whole class; the courses listed
    with the given ones are refreshed with them."""
    points = " + ".join(
        f"{weight} * g.{field}"
        for weight, field in [
            (4.0, "a_plus"), (4.0, "a"), (3.7, "a_minus"), (3.3, "b_plus"), (3.0, "b"), (2.7, "b_minus"),
            (2.3, "c_plus"), (2.0, "c"), (1.7, "c_minus"), (1.3, "d_plus"), (1.0, "d"), (0.7, "d_minus"),
        ]
    )  # fmt: skip
    letters = " + ".join(f"g.{field}" for grade, field in GRADE_FIELDS.items() if grade in formats.LETTERS)
    everyone = " + ".join(f"g.{field}" for field in GRADE_FIELDS.values())
    if course_ids is None:
        ids = None
    else:
        groups = Course.objects.filter(id__in=list(course_ids)).values("listing_group")
        ids = list(
            Course.objects.filter(Q(id__in=list(course_ids)) | Q(listing_group__in=groups)).values_list("id", flat=True)
        )
    with connection.cursor() as cursor:
        cursor.execute(
            "DELETE FROM grades_coursegrades WHERE %(all)s OR course_id = ANY(%(ids)s)",
            {"all": ids is None, "ids": ids or []},
        )
        cursor.execute(
            f"""
            WITH chosen AS (
                SELECT id, COALESCE(listing_group, id) AS grp FROM catalog_course
                WHERE %(all)s OR id = ANY(%(ids)s)
            ), sums AS (
                SELECT COALESCE(c.listing_group, c.id) AS grp, COUNT(*) AS sections, SUM({everyone}) AS total,
                       SUM({points})::float / NULLIF(SUM({letters}), 0) AS gpa
                FROM grades_grade g JOIN catalog_course c ON c.id = g.course_id
                WHERE COALESCE(c.listing_group, c.id) IN (SELECT grp FROM chosen)
                GROUP BY 1
            )
            INSERT INTO grades_coursegrades (course_id, sections, total, gpa, letter)
            SELECT chosen.id, sums.sections, sums.total, sums.gpa, '' FROM chosen JOIN sums USING (grp)
            """,  # noqa: S608 - the interpolated parts are column names from this module
            {"all": ids is None, "ids": ids or []},
        )
        cursor.execute(
            """
            UPDATE catalog_course c
            SET has_grades = EXISTS (SELECT 1 FROM grades_coursegrades s WHERE s.course_id = c.id)
            WHERE (%(all)s OR c.id = ANY(%(ids)s))
              AND has_grades <> EXISTS (SELECT 1 FROM grades_coursegrades s WHERE s.course_id = c.id)
            """,
            {"all": ids is None, "ids": ids or []},
        )
    from .maths import letter_for
    from .models import CourseGrades

    summaries = list(CourseGrades.objects.filter(**({} if ids is None else {"course_id__in": ids})))
    for summary in summaries:
        summary.letter = letter_for(summary.gpa) or ""
    bulk_update(CourseGrades, summaries, ["letter"], batch_size=5000)


def import_grades(
    data_dir: Path,
    report: ImportReport,
    paths: list[Path] | None = None,
    fmt: str | None = None,
    progress: Callable = lambda items: items,
    reviewed_file: Path | None = None,
) -> GradeImporter:
    """Read the given grade files (every grade file of the data set by default),
    then write them in one transaction. ``reviewed_file`` replaces grades/reviewed/instructors.txt."""
    started = timezone.now()
    importer = GradeImporter(Path(data_dir), report, reviewed_file)
    files = paths if paths is not None else grade_files(Path(data_dir))
    if not files:
        raise DataFileError(data_dir, None, "no grade files found")
    rows, scopes = [], set()
    with transaction.atomic():
        for path in progress(files):
            file_rows, file_scopes = importer.read(Path(path), fmt or detect_format(Path(path)))
            rows += file_rows
            scopes |= file_scopes
        touched = importer.write(rows, scopes)
        refresh_course_summaries(touched)
        refresh_term_drift()
        record_import("grades", started, report, touched, sender=GradeImporter, details=importer.details())
    return importer


def _chunks(items: list, size: int):
    for start in range(0, len(items), size):
        yield items[start : start + size]
