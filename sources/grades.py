"""Readers for every grade-data format in the data set, each yielding GradeRecords.

- formatted: one row per section (Spring 2013 to Fall 2023);
- calanswers: CalAnswers' long export, one row per section and grade;
- legacy: 2007 to 2012 in three older layouts, after preamble lines;
- history: the ``gradeHistory`` of history/courses-detail/*.json.

The readers only parse; deciding what to store is the importer's job.
"""

from __future__ import annotations

import re
from collections.abc import Iterator
from dataclasses import dataclass, field
from pathlib import Path

from .files import DataFileError, csv_rows, find_header, json_array_items, load_json
from .importing import ImportReport
from .names import split_names
from .terms import InvalidTerm, TermRef

# The grades the data set's distributions count: letter grades, then Pass and Not Pass.
LETTERS = ("A+", "A", "A-", "B+", "B", "B-", "C+", "C", "C-", "D+", "D", "D-", "F")
GRADES = (*LETTERS, "P", "NP")

FORMATTED_HEADER = ["Abbreviation", "CourseNum", "CCN", "SectionNum", "CourseDesc", "Instructor", "Level", *GRADES]
LEGACY_2007_HEADER = [
    "CourseID",
    "CNUM",
    "SECTION",
    "CDESC",
    "INSTNAME",
    "A +",
    "A",
    "A -",
    "B +",
    "B",
    "B -",
    "C +",
    "C",
    "C -",
    "D +",
    "D",
    "D -",
    "F",
]
LEGACY_2011_HEADER_START = ["DEPT", "COURSE", "COURSE NUMBER", "COURSE SECTION", "COURSE DESCRIPTION"]
LEGACY_2012_HEADER_START = ["Semester Year Name Concat", "Crs Academic Dept Short Nm", "Course Subject Cd"]
CALANSWERS_HEADER_START = ["Grade Sort Nbr", "Enrollment Cnt"]

_FILE_TERM = re.compile(r"(spring|summer|fall)_(\d{4})", re.IGNORECASE)


@dataclass
class GradeRecord:
    """One section's grade counts as a source states them."""

    source: str
    path: str
    line: int
    term: TermRef
    subject: str  # as written in the source: "EL ENG", "COMPSCI", ...
    number: str
    section: str = ""
    ccn: str = ""
    title: str = ""
    instructors: list[str] = field(default_factory=list)
    level: str = ""  # "under", "grad" or "" when the source does not say
    counts: dict[str, int] = field(default_factory=dict)


def term_from_filename(path: Path) -> TermRef:
    match = _FILE_TERM.search(path.name)
    if not match:
        raise DataFileError(path, None, "file name does not name a term (expected e.g. fall_2023.csv)")
    return TermRef.of(match.group(1), int(match.group(2)))


def _count(path: Path, line: int, column: str, value: str) -> int:
    value = (value or "").strip()
    if value == "":
        return 0
    try:
        number = int(float(value)) if "." in value else int(value)
    except ValueError:
        raise DataFileError(path, line, f"column {column!r}: {value!r} is not a count") from None
    if number < 0:
        raise DataFileError(path, line, f"column {column!r}: negative count {number}")
    return number


def _check_width(path: Path, line: int, cells: list[str], width: int) -> None:
    if len(cells) < width:
        raise DataFileError(path, line, f"expected {width} columns, found {len(cells)}")


def _names(path: Path, line: int, cell: str) -> list[str]:
    """Every reader's instructor cell: co-taught names split apart. Whether a name
    fits is for the importer that stores it to say, against its own column."""
    return split_names(cell)


def legacy_name(raw: str) -> str:
    """'HENSON, A S       ' -> 'Henson, A S': the old files shout and pad."""
    cleaned = " ".join(raw.split())
    return cleaned.title() if cleaned.isupper() else cleaned


def read_formatted(path: Path, report: ImportReport | None = None) -> Iterator[GradeRecord]:
    term = term_from_filename(path)
    _, header, rows = find_header(path, csv_rows(path), lambda cells: cells[:2] == FORMATTED_HEADER[:2])
    if header[: len(FORMATTED_HEADER)] != FORMATTED_HEADER:
        raise DataFileError(path, 1, f"unexpected header {header!r}")
    for line, cells in rows:
        if not any(c.strip() for c in cells):
            continue
        _check_width(path, line, cells, len(FORMATTED_HEADER))
        row = dict(zip(FORMATTED_HEADER, cells, strict=False))
        yield GradeRecord(
            source="formatted",
            path=str(path),
            line=line,
            term=term,
            subject=row["Abbreviation"].strip(),
            number=row["CourseNum"].strip(),
            section=row["SectionNum"].strip(),
            ccn=row["CCN"].strip(),
            title=row["CourseDesc"].strip(),
            instructors=_names(path, line, row["Instructor"]),
            level=row["Level"].strip().lower(),
            counts={g: _count(path, line, g, row[g]) for g in GRADES},
        )


def read_legacy(path: Path, report: ImportReport | None = None) -> Iterator[GradeRecord]:
    """Spring 2007 to Fall 2012, three layouts told apart by their header."""
    term = term_from_filename(path)

    def is_header(cells: list[str]) -> bool:
        return (
            cells[:5] == LEGACY_2007_HEADER[:5]
            or cells[:5] == LEGACY_2011_HEADER_START
            or cells[:3] == LEGACY_2012_HEADER_START
        )

    _, header, rows = find_header(path, csv_rows(path), is_header)
    index = {name: i for i, name in enumerate(header)}

    if header[:5] == LEGACY_2007_HEADER[:5]:
        layout = ("CourseID", "CNUM", "SECTION", "CDESC", "INSTNAME", None, None)
        grade_columns = dict(zip(LETTERS, LEGACY_2007_HEADER[5:], strict=False))
        split = None
    elif header[:5] == LEGACY_2011_HEADER_START:
        layout = (
            "COURSE",
            "COURSE NUMBER",
            "COURSE SECTION",
            "COURSE DESCRIPTION",
            "INSTRUCTOR NAME",
            "COURSE CONTROL NUMBER",
            None,
        )
        grade_columns = {**{g: g for g in LETTERS}, "P": "PASS", "NP": "NO PASS"}
        split = None
    else:
        layout = (
            "Course Subject Cd",
            "Course Number",
            "Section Nbr",
            "Course Title Nm",
            "Instr Name Concat",
            "Course Control Nbr",
            None,
        )
        grade_columns = {**{g: g for g in LETTERS}, "P": "Pass", "NP": "Not Pass"}
        split = ";"
    missing = [c for c in (*layout[:5], *grade_columns.values()) if c and c not in index]
    if missing:
        raise DataFileError(path, None, f"header lacks columns {missing}")
    subject_col, number_col, section_col, title_col, instructor_col, ccn_col, _ = layout
    width = max(index[c] for c in (*layout[:5], *grade_columns.values()) if c) + 1

    for line, cells in rows:
        if not any(c.strip() for c in cells):
            continue
        _check_width(path, line, cells, width)
        raw_instructor = cells[index[instructor_col]]
        instructors = _names(path, line, raw_instructor if split else legacy_name(raw_instructor))
        yield GradeRecord(
            source="legacy",
            path=str(path),
            line=line,
            term=term,
            subject=cells[index[subject_col]].strip(),
            number=cells[index[number_col]].strip(),
            section=cells[index[section_col]].strip(),
            ccn=cells[index[ccn_col]].strip() if ccn_col else "",
            title=" ".join(cells[index[title_col]].split()),
            instructors=instructors,
            level="under",
            counts={
                **dict.fromkeys(GRADES, 0),
                **{g: _count(path, line, column, cells[index[column]]) for g, column in grade_columns.items()},
            },
        )


# What a CalAnswers row counts as: letter grades count as themselves, Pass and
# Satisfactory as P, Not Pass as NP; Withdrawn and Incomplete are kept as W and
# I. Everything else (Credit, Honors, High Honors, Unsatisfactory, No Credit,
# In Progress, Unknown...) is in no published distribution: with exactly this
# mapping and the privacy rule, the Fall 2023 export reproduces the published
# formatted/fall_2023.csv (tests/grades/test_formats.py checks it).
CALANSWERS_NON_LETTER = {"Pass": "P", "Satisfactory": "P", "Not Pass": "NP", "Withdrawn": "W", "Incomplete": "I"}


def calanswers_grade(grade_type: str, subtype: str, name: str) -> str | None:
    if grade_type == "Letter Grade":
        return name if name in LETTERS else None
    return CALANSWERS_NON_LETTER.get(name)


def read_calanswers(
    path: Path, subject_codes: SubjectNames, report: ImportReport | None = None
) -> Iterator[GradeRecord]:
    """Folds the long format (one row per section and grade) into one record per
    section. ``subject_codes`` maps CalAnswers' full subject names to codes.
    Rows whose subject name is unknown are rejected into ``report``."""
    term = term_from_filename(path)
    level = "grad" if "grad" in path.stem.lower() else "under"
    _, header, rows = find_header(path, csv_rows(path), lambda cells: cells[:2] == CALANSWERS_HEADER_START)
    index = {name: i for i, name in enumerate(header)}
    needed = [
        "Enrollment Cnt",
        "Course Control Nbr",
        "Instructor Name",
        "Course Subject Short Nm",
        "Course Number",
        "Section Nbr",
        "Grade Nm",
        "Grade Type Desc",
        "Grade Subtype Desc",
        "Course Title Nm",
    ]
    missing = [c for c in needed if c not in index]
    if missing:
        raise DataFileError(path, None, f"header lacks columns {missing}")
    width = max(index[c] for c in needed) + 1
    sections: dict[tuple[str, str, str, str], GradeRecord] = {}
    unknown_subjects: set[str] = set()
    for line, cells in rows:
        if not any(c.strip() for c in cells):
            continue
        _check_width(path, line, cells, width)
        subject_name = cells[index["Course Subject Short Nm"]].strip()
        subject = subject_codes.get(subject_name)
        if subject is None:
            if report is not None and subject_name not in unknown_subjects:
                report.reject(path, line, f"unknown subject name: {subject_name!r}")
            unknown_subjects.add(subject_name)
            continue
        number = cells[index["Course Number"]].strip()
        section = cells[index["Section Nbr"]].strip()
        ccn = cells[index["Course Control Nbr"]].strip()
        key = (subject, number, section, ccn)
        record = sections.get(key)
        if record is None:
            record = sections[key] = GradeRecord(
                source="calanswers",
                path=str(path),
                line=line,
                term=term,
                subject=subject,
                number=number,
                section=section,
                ccn=ccn,
                title=cells[index["Course Title Nm"]].strip(),
                instructors=[],
                level=level,
                counts=dict.fromkeys(GRADES, 0),
            )
        for name in _names(path, line, cells[index["Instructor Name"]]):
            if name not in record.instructors:
                record.instructors.append(name)
        count = _count(path, line, "Enrollment Cnt", cells[index["Enrollment Cnt"]])
        grade = calanswers_grade(
            cells[index["Grade Type Desc"]].strip(),
            cells[index["Grade Subtype Desc"]].strip(),
            cells[index["Grade Nm"]].strip(),
        )
        if grade:
            record.counts[grade] = record.counts.get(grade, 0) + count
    yield from sections.values()


def _name_key(name: str) -> str:
    return re.sub(r"[^a-z0-9]", "", name.lower().replace("&", "and"))


def _words(name: str) -> list[str]:
    return re.findall(r"[a-z0-9]+", name.lower().replace("&", " and "))


def _is_subsequence(short: str, long: str) -> bool:
    letters = iter(long)
    return all(ch in letters for ch in short)


class SubjectNames:
    """CalAnswers' full department names to subject codes, from subjects.yaml.

    Exact names first; then without the Freshman Program prefix ("FPF-English");
    then abbreviated names ("Theater Dance & Perf Stds" for "Theater Dance and
    Performance Studies": each word's letters appear in order in the full word),
    accepted only when exactly one subject matches."""

    def __init__(self, subject_names: dict[str, list[str]]):
        self.exact: dict[str, str] = {}
        self.spelled: list[tuple[list[str], str]] = []
        for code, names in subject_names.items():
            for name in names:
                self.exact.setdefault(_name_key(name), code)
                self.spelled.append((_words(name), code))

    def get(self, name: str) -> str | None:
        for candidate in (name, re.sub(r"^\s*FPF\s*-\s*", "", name)):
            code = self.exact.get(_name_key(candidate))
            if code:
                return code
        words = _words(re.sub(r"^\s*FPF\s*-\s*", "", name))
        matches = {
            code
            for full, code in self.spelled
            if len(full) == len(words)
            and all(w[0] == f[0] and _is_subsequence(w, f) for w, f in zip(words, full, strict=True))
        }
        return matches.pop() if len(matches) == 1 else None


def subject_name_index(subject_names: dict[str, list[str]]) -> SubjectNames:
    return SubjectNames(subject_names)


HISTORY_KEYS = {
    "aPlus": "A+",
    "a": "A",
    "aMinus": "A-",
    "bPlus": "B+",
    "b": "B",
    "bMinus": "B-",
    "cPlus": "C+",
    "c": "C",
    "cMinus": "C-",
    "dPlus": "D+",
    "d": "D",
    "dMinus": "D-",
    "f": "F",
    "p": "P",
    "np": "NP",
}


def history_course(path: Path) -> tuple[str, str]:
    """'compsci-61a.json' -> ('COMPSCI', '61A')."""
    stem = path.stem
    subject, sep, number = stem.rpartition("-")
    if not sep or not subject or not number:
        raise DataFileError(path, None, "file name is not <subject>-<number>.json")
    return subject.upper(), number.upper()


def read_history(path: Path, report: ImportReport | None = None) -> Iterator[GradeRecord]:
    """``gradeHistory``: one record per course, term and first instructor. Aggregate
    entries ("All Semesters") are not real terms and are rejected."""
    subject, number = history_course(path)
    data, text = load_json(path)
    if not isinstance(data, dict):
        raise DataFileError(path, 1, "expected a JSON object")
    history = data.get("gradeHistory")
    if history is None:
        return
    if not isinstance(history, list):
        raise DataFileError(path, None, '"gradeHistory" is not a list')
    for line, item in json_array_items(path, text, "gradeHistory"):
        if not isinstance(item, dict) or not isinstance(item.get("distribution"), dict):
            raise DataFileError(path, line, "gradeHistory entry without a distribution")
        try:
            term = TermRef.from_name(str(item.get("semester", "")))
        except InvalidTerm:
            if report is not None:
                report.reject(path, line, f"not a term: {item.get('semester')!r}")
            continue
        distribution = item["distribution"]
        counts = {}
        for key, grade in HISTORY_KEYS.items():
            value = distribution.get(key, 0)
            if not isinstance(value, int) or value < 0:
                raise DataFileError(path, line, f"distribution {key!r}: {value!r} is not a count")
            counts[grade] = value
        names = [n for n in _names(path, line, str(item.get("instructor") or "")) if n != "All Instructors"]
        yield GradeRecord(
            source="history",
            path=str(path),
            line=line,
            term=term,
            subject=subject,
            number=number,
            instructors=names,
            counts=counts,
        )


def passes_privacy_rule(record: GradeRecord) -> bool:
    """CalAnswers' published rule: a section is shown only with at least 10 graded
    students (5 in graduate files) and when not everyone received the same grade."""
    graded = [record.counts.get(grade, 0) for grade in GRADES]
    minimum = 5 if record.level == "grad" else 10
    return sum(graded) >= minimum and sum(1 for n in graded if n) > 1
