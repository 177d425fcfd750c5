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
"""

from __future__ import annotations

from collections import Counter, defaultdict
from collections.abc import Callable, Iterable
from dataclasses import dataclass
from pathlib import Path

import yaml
from django.db import connection, transaction
from django.utils import timezone
from django.utils.text import slugify

from catalog.models import Course, CourseAlias, Term
from sources import grades as formats
from sources.codes import normalize_number, normalize_subject
from sources.files import DataFileError, csv_rows, read_text
from sources.importing import ImportReport, record_import

from .models import GRADE_FIELDS, Grade, Instructor

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
        values.update(section=self.section, ccn=self.ccn, level=self.level)
        return values


class GradeImporter:
    def __init__(self, data_dir: Path, report: ImportReport):
        self.data_dir = data_dir
        self.report = report
        self.superseded: Counter = Counter()
        self.withheld = 0
        self._subject_names = None
        self.courses = dict(Course.objects.values_list("code", "id"))
        self.aliases = dict(CourseAlias.objects.values_list("code_compact", "course_id"))
        self.terms = {t.slug: t.id for t in Term.objects.all()}

    # -- reading ----------------------------------------------------------
    @property
    def subject_names(self) -> formats.SubjectNames:
        if self._subject_names is None:
            path = self.data_dir / "catalog" / "subjects.yaml"
            try:
                names = yaml.safe_load(read_text(path))
            except yaml.YAMLError as exc:
                raise DataFileError(path, None, f"invalid YAML ({exc})") from exc
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
        code = f"{normalize_subject(subject)} {normalize_number(number)}"
        return self.courses.get(code) or self.aliases.get(code.replace(" ", ""))

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
                    source_key=key[:255],
                    section=record.section[:16],
                    ccn=record.ccn[:16],
                    level=record.level,
                    counts=record.counts,
                    instructors=tuple(dict.fromkeys(name[:200] for name in record.instructors if name)),
                    path=record.path,
                    line=record.line,
                )
            )
        return rows, scopes

    # -- writing ----------------------------------------------------------
    def write(self, rows: list[Row], scopes: set[tuple]) -> set[int]:
        """Bring the database in line with ``rows``; returns the ids of the courses touched."""
        wanted: dict[tuple, Row] = {}
        for row in rows:
            if row.key in wanted:
                self.report.reject(row.path, row.line, f"duplicate section: {row.source_key}")
                continue
            wanted[row.key] = row

        existing = {
            (g["course_id"], g["term_id"], g["source"], g["source_key"]): g
            for g in Grade.objects.values("id", "course_id", "term_id", "source", "source_key", "level",
                                          "section", "ccn", "w", "i", *GRADE_FIELDS.values())
        }  # fmt: skip

        def in_scope(g: dict) -> bool:
            return (
                (g["source"], "term", g["term_id"]) in scopes
                or (g["source"], "term-level", g["term_id"], g["level"]) in scopes
                or (g["source"], "course", g["course_id"]) in scopes
            )

        delete = {key for key, g in existing.items() if key not in wanted and in_scope(g)}

        # Precedence: per course and term, the best source present wins.
        best: dict[tuple[int, int], int] = {}
        for key in [*wanted, *(k for k in existing if k not in delete)]:
            pair, priority = (key[0], key[1]), SOURCE_PRIORITY[key[2]]
            best[pair] = min(best.get(pair, priority), priority)
        for key in list(wanted):
            if SOURCE_PRIORITY[key[2]] > best[(key[0], key[1])]:
                self.superseded[key[2]] += 1
                del wanted[key]
        delete |= {k for k in existing if k not in delete and SOURCE_PRIORITY[k[2]] > best[(k[0], k[1])]}

        instructor_ids = self.instructor_ids({name for row in wanted.values() for name in row.instructors})
        links = defaultdict(set)
        for grade_id, instructor_id in Grade.instructors.through.objects.values_list("grade_id", "instructor_id"):
            links[grade_id].add(instructor_id)

        create, update, relink = [], [], {}
        for key, row in wanted.items():
            values = row.values()
            people = {instructor_ids[name] for name in row.instructors}
            current = existing.get(key)
            if current is None:
                grade = Grade(course_id=row.course_id, term_id=row.term_id, source=row.source,
                              source_key=row.source_key, **values)  # fmt: skip
                create.append((grade, people))
                continue
            if any(current[name] != value for name, value in values.items()):
                update.append(Grade(id=current["id"], course_id=row.course_id, term_id=row.term_id,
                                    source=row.source, source_key=row.source_key, **values))  # fmt: skip
            if links.get(current["id"], set()) != people:
                relink[current["id"]] = people

        touched = {key[0] for key in delete} | {key[0] for key in wanted}
        deleted_ids = [existing[key]["id"] for key in delete]
        for chunk in _chunks(deleted_ids, 5000):
            Grade.objects.filter(id__in=chunk).delete()
        Grade.objects.bulk_create([grade for grade, _ in create], batch_size=5000)
        Grade.objects.bulk_update(update, [*GRADE_FIELDS.values(), "w", "i", "section", "ccn", "level"],
                                  batch_size=5000)  # fmt: skip
        through = Grade.instructors.through
        if relink:
            through.objects.filter(grade_id__in=list(relink)).delete()
        new_links = [through(grade_id=g.id, instructor_id=i) for g, people in create for i in people]
        new_links += [through(grade_id=gid, instructor_id=i) for gid, people in relink.items() for i in people]
        through.objects.bulk_create(new_links, batch_size=10000)

        self.report.created["grade rows"] += len(create)
        self.report.updated["grade rows"] += len(update) + len(set(relink) - {u.id for u in update})
        self.report.deleted["grade rows"] += len(deleted_ids)
        return touched

    def instructor_ids(self, names: set[str]) -> dict[str, int]:
        by_slug = {i.slug: i.id for i in Instructor.objects.all()}
        create = {}
        for name in sorted(names):
            slug = slugify(name)[:200] or "unknown"
            if slug not in by_slug and slug not in create:
                create[slug] = Instructor(name=name, slug=slug)
        Instructor.objects.bulk_create(create.values(), batch_size=5000)
        self.report.created["instructors"] += len(create)
        by_slug.update({i.slug: i.id for i in create.values()})
        return {name: by_slug[slugify(name)[:200] or "unknown"] for name in names}


def refresh_course_summaries(course_ids: Iterable[int] | None = None) -> None:
    """Recompute each course's stored grade summary and has_grades flag (all courses when None)."""
    points = " + ".join(
        f"{weight} * g.{field}"
        for weight, field in [
            (4.0, "a_plus"), (4.0, "a"), (3.7, "a_minus"), (3.3, "b_plus"), (3.0, "b"), (2.7, "b_minus"),
            (2.3, "c_plus"), (2.0, "c"), (1.7, "c_minus"), (1.3, "d_plus"), (1.0, "d"), (0.7, "d_minus"),
        ]
    )  # fmt: skip
    letters = " + ".join(f"g.{field}" for grade, field in GRADE_FIELDS.items() if grade in formats.LETTERS)
    everyone = " + ".join(f"g.{field}" for field in GRADE_FIELDS.values())
    ids = None if course_ids is None else list(course_ids)
    where = "" if ids is None else "WHERE g.course_id = ANY(%s)"
    params = [] if ids is None else [ids]
    with connection.cursor() as cursor:
        if ids is None:
            cursor.execute("DELETE FROM grades_coursegrades")
        else:
            cursor.execute("DELETE FROM grades_coursegrades WHERE course_id = ANY(%s)", [ids])
        cursor.execute(
            f"""
            INSERT INTO grades_coursegrades (course_id, sections, total, gpa, letter)
            SELECT g.course_id, COUNT(*), SUM({everyone}),
                   SUM({points})::float / NULLIF(SUM({letters}), 0), ''
            FROM grades_grade g {where}
            GROUP BY g.course_id
            """,  # noqa: S608 - the interpolated parts are column names from this module
            params,
        )
        has_grades = (
            "UPDATE catalog_course c SET has_grades = EXISTS (SELECT 1 FROM grades_grade g WHERE g.course_id = c.id)"
        )
        if ids is None:
            cursor.execute(has_grades)
        else:
            cursor.execute(has_grades + " WHERE c.id = ANY(%s)", params)
    from .maths import letter_for
    from .models import CourseGrades

    summaries = list(CourseGrades.objects.filter(**({} if ids is None else {"course_id__in": ids})))
    for summary in summaries:
        summary.letter = letter_for(summary.gpa) or ""
    CourseGrades.objects.bulk_update(summaries, ["letter"], batch_size=5000)


def import_grades(
    data_dir: Path,
    report: ImportReport,
    paths: list[Path] | None = None,
    fmt: str | None = None,
    progress: Callable = lambda items: items,
) -> GradeImporter:
    """Read the given grade files (every grade file of the data set by default),
    then write them in one transaction."""
    started = timezone.now()
    importer = GradeImporter(Path(data_dir), report)
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
        record_import("grades", started, report, touched, sender=GradeImporter)
    return importer


def _chunks(items: list, size: int):
    for start in range(0, len(items), size):
        yield items[start : start + size]
