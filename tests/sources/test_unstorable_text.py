"""Every importer refuses text the database could not store as written: bytes
that are not UTF-8, a NUL (raw or escaped), a value longer than its column.

Each test copies a small slice of the real data set to tmp_path, corrupts one
value and runs an importer: the run stops naming file, line and reason, and the
tables it writes are exactly as before."""

import csv
import io
import json
import re
from pathlib import Path

import pytest
from django.conf import settings
from django.core.management import call_command
from django.core.management.base import CommandError
from django.db import connection

from catalog.models import Course, CourseAlias, Section, Subject
from enrollment.models import EnrollmentPoint
from grades.models import Grade, Instructor, InstructorSpelling

pytestmark = pytest.mark.django_db

REAL = Path(settings.BT_DATA_DIR)
MARK = "ZZMARKZZ"
TABLES = [Subject, Course, CourseAlias, Section, Grade, Instructor, InstructorSpelling, EnrollmentPoint]

INVALID_UTF8 = b"Jos\xe9 \xff"  # Latin-1 bytes in a UTF-8 file
NUL = b"Ann\x00Lee"
LONG = " ".join(["Ann Lee"] * 640)  # 5 kB


def snapshot() -> dict[str, str]:
    """A digest of every row of the tables the importers write."""
    digests = {}
    with connection.cursor() as cursor:
        for model in TABLES:
            table = model._meta.db_table
            cursor.execute(f"SELECT md5(coalesce(string_agg(t::text, '|' ORDER BY t::text), '')) FROM {table} t")  # noqa: S608
            digests[table] = cursor.fetchone()[0]
    return digests


def lines_of(data: bytes, n: int) -> bytes:
    return b"".join(data.splitlines(keepends=True)[:n])


@pytest.fixture
def data_set(tmp_path) -> Path:
    """A slice of every kind of file the importers read, as published."""
    root = tmp_path / "berkeley"
    for folder in ("catalog", "grades/formatted", "grades/calanswers", "grades/legacy", "history/courses-detail",
                   "requirements/ls_breadth_fall_2021"):  # fmt: skip
        (root / folder).mkdir(parents=True)
    (root / "catalog/subjects.yaml").write_bytes((REAL / "catalog/subjects.yaml").read_bytes())
    for name, n in [("courses.json", 40), ("course-graph-catalog.json", 5)]:
        items = json.loads((REAL / "catalog" / name).read_text())[:n]
        (root / "catalog" / name).write_text(json.dumps(items, indent=2))
    summer = json.loads((REAL / "catalog/summer-2026-sections.json").read_text())
    summer["courses"] = summer["courses"][:5]
    (root / "catalog/summer-2026-sections.json").write_text(json.dumps(summer, indent=2))
    for path, n in [("grades/formatted/fall_2023.csv", 30), ("grades/calanswers/fall_2023_under.csv", 60),
                    ("grades/legacy/fall_2010.csv", 40), ("requirements/ls_breadth_fall_2021/arts_literature.csv", 10)]:  # fmt: skip
        (root / path).write_bytes(lines_of((REAL / path).read_bytes(), n))
    (root / "history/courses-detail/compsci-61a.json").write_bytes(
        (REAL / "history/courses-detail/compsci-61a.json").read_bytes()
    )
    return root


def mark_csv_cell(path: Path, column: str) -> None:
    """Put MARK in ``column`` of the first data row whose cell is not blank."""
    lines = path.read_bytes().splitlines(keepends=True)
    header_at = next(i for i, line in enumerate(lines) if column.encode() in line)
    index = [c.strip() for c in next(csv.reader([lines[header_at].decode("utf-8-sig")]))].index(column)
    for i in range(header_at + 1, len(lines)):
        cells = next(csv.reader([lines[i].decode()]), [])
        if len(cells) > index and cells[index].strip():
            cells[index] = MARK
            row = io.StringIO()
            csv.writer(row, lineterminator="").writerow(cells)
            lines[i] = row.getvalue().encode() + lines[i][len(lines[i].rstrip(b"\r\n")) :]
            path.write_bytes(b"".join(lines))
            return
    raise AssertionError(f"no {column} cell in {path}")


def mark_json_value(path: Path, key: str) -> None:
    """Put MARK as the first string value of ``key`` in the file."""
    text = path.read_text()
    text, found = re.subn(rf'("{key}":\s*)"[^"]*"', rf'\1"{MARK}"', text, count=1)
    assert found, f"no {key} in {path}"
    path.write_text(text)


def corrupt(path: Path, replacement: bytes) -> int:
    """Replace MARK with ``replacement``; the physical line it is on (any line ending)."""
    data = path.read_bytes()
    at = data.index(MARK.encode())
    path.write_bytes(data.replace(MARK.encode(), replacement))
    return len(re.findall(rb"\r\n|\r|\n", data[:at])) + 1


def refused(command: str, data_dir: Path) -> str:
    before = snapshot()
    with pytest.raises(CommandError) as error:
        call_command(command, "--no-progress", "--data-dir", str(data_dir), stdout=io.StringIO())
    assert snapshot() == before
    return str(error.value)


def column_limit(model, name: str) -> int:
    field = model._meta.get_field(name)
    return getattr(field, "base_field", field).max_length


# -- the slice itself imports ----------------------------------------------


@pytest.mark.parametrize("command", ["import_catalog", "import_grades", "import_enrollment"])
def test_the_uncorrupted_slice_imports(data_set, command):
    call_command(command, "--no-progress", "--data-dir", str(data_set), stdout=io.StringIO())


# -- invalid UTF-8 and NUL bytes, in every kind of file --------------------

CELLS = [
    ("grades/formatted/fall_2023.csv", "Instructor"),
    ("grades/calanswers/fall_2023_under.csv", "Instructor Name"),
    ("grades/legacy/fall_2010.csv", "INSTNAME"),
]
JSON_VALUES = [
    ("catalog/courses.json", "name"),
    ("catalog/course-graph-catalog.json", "title"),
    ("catalog/summer-2026-sections.json", "instructor"),
    ("history/courses-detail/compsci-61a.json", "instructor"),
]


@pytest.mark.parametrize(("bad", "reason"), [(INVALID_UTF8, "invalid UTF-8 (byte 0xe9)"), (NUL, "NUL byte")])
@pytest.mark.parametrize(("command", "where"), [
    *(("import_catalog", cell) for cell in CELLS), *(("import_catalog", value) for value in JSON_VALUES),
    ("import_catalog", ("catalog/subjects.yaml", None)), ("import_grades", CELLS[0]), ("import_grades", JSON_VALUES[3]),
    ("import_enrollment", JSON_VALUES[3]),
])  # fmt: skip
def test_bytes_that_are_not_utf8_text_stop_the_import(data_set, command, where, bad, reason):
    # given one value of one file spelled with bytes no UTF-8 text holds
    relative, column = where
    path = data_set / relative
    if relative.endswith(".csv"):
        mark_csv_cell(path, column)
    elif relative.endswith(".json"):
        mark_json_value(path, column)
    else:
        path.write_text(path.read_text().replace("Computer Science", MARK, 1))
    line = corrupt(path, bad)
    # when the importer reads it, then the run stops there, the database as it was
    message = refused(command, data_set)
    assert f"{path.name}:{line}: {reason}" in message


@pytest.mark.parametrize(("escape", "reason"), [("\\u0000", "NUL character"), ("\\udc80", "lone surrogate")])
@pytest.mark.parametrize(("relative", "key", "place"), [
    ("catalog/summer-2026-sections.json", "instructor", "courses[0].instructor"),
    ("catalog/courses.json", "name", "[0].name"),
])  # fmt: skip
def test_json_escapes_the_database_cannot_store_stop_the_import(data_set, relative, key, place, escape, reason):
    path = data_set / relative
    mark_json_value(path, key)
    line = corrupt(path, f"Ann{escape}Lee".encode())
    message = refused("import_catalog", data_set)
    assert f"{path.name}:{line}: {reason}" in message
    assert place in message


def test_an_escaped_nul_in_subjects_yaml_stops_the_import(data_set):
    path = data_set / "catalog/subjects.yaml"
    text = path.read_text()
    at = text.index('"Computer Science"')
    path.write_text(text[:at] + '"Computer\\0Science"' + text[at + len('"Computer Science"') :])
    line = text[:at].count("\n")  # the subject's key is on the line above its names
    assert f"subjects.yaml:{line}: NUL character in" in refused("import_catalog", data_set)


# -- values longer than their column ----------------------------------------


@pytest.mark.parametrize(("relative", "column"), [*CELLS, JSON_VALUES[3]])
def test_an_instructor_name_longer_than_its_column_stops_the_grade_import(data_set, relative, column):
    path = data_set / relative
    if relative.endswith(".csv"):
        mark_csv_cell(path, column)
    else:
        mark_json_value(path, column)
    line = corrupt(path, LONG.encode())
    limit = min(column_limit(Grade, "instructor_names"), column_limit(InstructorSpelling, "name"),
                column_limit(Instructor, "name"))  # fmt: skip
    message = refused("import_grades", data_set)
    assert f"{path.name}:{line}: instructor name of {len(LONG)} characters (at most {limit})" in message


@pytest.mark.parametrize(("relative", "key", "what", "model", "column"), [
    ("catalog/summer-2026-sections.json", "instructor", "section instructor", Section, "instructor"),
    ("catalog/summer-2026-sections.json", "location", "section location", Section, "location"),
    ("catalog/courses.json", "title", "title", Course, "title"),
    ("catalog/summer-2026-sections.json", "department", "department", Subject, "name"),
])  # fmt: skip
def test_a_catalog_value_longer_than_its_column_stops_the_import(data_set, relative, key, what, model, column):
    # given a value the column would have to cut (every section is kept or none)
    path = data_set / relative
    mark_json_value(path, key)
    corrupt(path, LONG.encode())
    line = next(n for n, text in enumerate(path.read_text().splitlines(), 1) if LONG in text)
    # the line of the record the value is in: where its object starts
    opener = "    {" if relative.endswith("sections.json") else "  {"
    text = path.read_text().splitlines()
    line = max(n for n in range(1, line + 1) if text[n - 1] == opener)
    message = refused("import_catalog", data_set)
    assert f"{path.name}:{line}: {what} of {len(LONG)} characters (at most {column_limit(model, column)})" in message


def test_a_value_that_fits_its_column_exactly_is_kept(data_set):
    path = data_set / "catalog/summer-2026-sections.json"
    mark_json_value(path, "instructor")
    name = "A" * column_limit(Section, "instructor")
    corrupt(path, name.encode())
    call_command("import_catalog", "--no-progress", "--data-dir", str(data_set), stdout=io.StringIO())
    assert Section.objects.filter(instructor=name).count() == 1
