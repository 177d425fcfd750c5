"""The catalog importer on the real data set (imported once per run by conftest)
and on small data sets the tests write themselves."""

import io
import json
from pathlib import Path

import pytest
from django.conf import settings
from django.core.management import call_command
from django.core.management.base import CommandError
from django.test import TestCase

from catalog.models import Course, CourseAlias, Requirement, Section, Subject, lookup_course
from catalog.services import catalog_counts

pytestmark = pytest.mark.django_db

FORMATTED_HEADER = (
    "Abbreviation,CourseNum,CCN,SectionNum,CourseDesc,Instructor,Level,A+,A,A-,B+,B,B-,C+,C,C-,D+,D,D-,F,P,NP"
)


def write_data_set(root: Path, *, formatted: dict[str, str] | None = None, courses: object = None,
                   legacy: dict[str, bytes] | None = None, requirements: dict[str, str] | None = None) -> Path:  # fmt: skip
    """A minimal data set in the layout of ../shared/data/berkeley."""
    (root / "catalog").mkdir(parents=True)
    (root / "grades" / "formatted").mkdir(parents=True)
    (root / "grades" / "legacy").mkdir(parents=True)
    (root / "requirements" / "ls_breadth_fall_2021").mkdir(parents=True)
    (root / "catalog" / "subjects.yaml").write_text('ZZ SUBJ:\n    - "Test Subject"\n')
    (root / "catalog" / "courses.json").write_text(json.dumps(courses if courses is not None else []))
    (root / "catalog" / "course-graph-catalog.json").write_text("[]")
    (root / "catalog" / "summer-2026-sections.json").write_text('{"meta": {}, "courses": []}')
    for name, text in (formatted or {}).items():
        (root / "grades" / "formatted" / name).write_text(text)
    for name, data in (legacy or {}).items():
        (root / "grades" / "legacy" / name).write_bytes(data)
    for name, text in (requirements or {}).items():
        (root / "requirements" / "ls_breadth_fall_2021" / name).write_text(text)
    return root


def run_import(data_dir: Path) -> str:
    out = io.StringIO()
    call_command("import_catalog", "--no-progress", "--data-dir", str(data_dir), stdout=out)
    return out.getvalue()


# -- the real data set -----------------------------------------------------


def test_the_real_catalog_has_every_course_of_the_grade_files():
    assert Course.objects.count() >= 8000
    assert Course.objects.get(code="COMPSCI 61A").title == "The Structure and Interpretation of Computer Programs"
    assert Course.objects.get(code="COMPSCI 61A").abbreviated_title == "Str Interp Cmp Prgs"


def test_subject_spellings_are_one_subject_with_its_spellings():
    for canonical, spellings in [
        ("ELENG", {"EL ENG", "ELENG"}),
        ("MECENG", {"MEC ENG", "MECENG"}),
        ("L&S", {"L & S", "L&S"}),
        ("ARESEC", {"A,RESEC", "ARESEC"}),
    ]:
        subject = Subject.objects.get(code=canonical)
        assert spellings <= set(subject.spellings)
    assert not Subject.objects.filter(code__in=["EL ENG", "MEC ENG", "L & S", "A,RESEC"]).exists()
    assert Subject.objects.get(code="ELENG").name == "Electrical Engineering"


def test_other_spellings_of_a_course_are_aliases_of_the_canonical_course():
    course = Course.objects.get(code="ELENG 120")
    assert "EL ENG 120" in set(course.aliases.values_list("code", flat=True))
    assert lookup_course("EL ENG", "120") == course
    assert lookup_course("eleng", "120") == course
    assert not Course.objects.filter(code="EL ENG 120").exists()


def test_cross_listed_courses_are_linked_both_ways():
    data_c8 = Course.objects.get(code="DATA C8")
    linked = set(data_c8.cross_listings.values_list("code", flat=True))
    assert {"COMPSCI C8", "STAT C8"} <= linked
    assert "DATA C8" in set(Course.objects.get(code="STAT C8").cross_listings.values_list("code", flat=True))
    # A course with no title of its own takes its cross-listing's.
    assert Course.objects.get(code="COMPSCI C8").title == "Foundations of Data Science"


def test_summer_sections_carry_kind_schedule_and_counts():
    lecture = Section.objects.get(course__code="DATA C8", term__slug="summer-2026", kind="LEC", number="001")
    assert lecture.days == ["M", "Tu", "W", "Th", "F"]
    assert str(lecture.start_time) == "11:00:00"
    assert (lecture.enrolled, lecture.capacity, lecture.waitlisted) == (99, 200, 0)
    assert lecture.subsections.filter(kind="LAB").count() > 0


def test_requirements_are_linked_including_subjects_with_commas():
    ac = Requirement.objects.get(slug="american-cultures")
    assert Course.objects.filter(code="COMLIT W60AC", requirements=ac).exists()  # "COM LIT,W60AC" in the file
    # "ENE,RES,C100" in the L&S breadth lists: the subject has a comma in it.
    assert Course.objects.filter(code="ENERES C100", requirements__kind="ls_breadth").exists()
    assert Requirement.objects.filter(kind="ls_breadth").count() == 7
    assert Course.objects.filter(requirements__slug="ls-arts-literature").count() > 50


def test_reimporting_the_real_data_changes_nothing():
    before = catalog_counts()
    output = run_import(Path(settings.BT_DATA_DIR))
    assert catalog_counts() == before
    assert "created: 0 " in output
    assert "updated: 0 " in output


# -- small data sets: the importer's rules ---------------------------------


def test_a_new_file_adds_courses_with_aliases_and_a_summary(tmp_path):
    data = write_data_set(
        tmp_path,
        formatted={"fall_2031.csv": FORMATTED_HEADER + "\nZZ SUBJ,012A,1,001,Test Course,Ann Lee,under,"
                   + ",".join(["1"] * 15) + "\n"},
        courses=[{"title": "A Full Test Title", "name": "ZZSUBJ 12A"}],
    )  # fmt: skip
    output = run_import(data)
    course = Course.objects.get(code="ZZSUBJ 12A")
    assert course.title == "A Full Test Title"
    assert course.has_grades
    assert list(course.terms.values_list("slug", flat=True)) == ["fall-2031"]
    assert CourseAlias.objects.get(code="ZZ SUBJ 12A").course == course
    assert "rows read: " in output
    assert "rejected: 0" in output


def test_old_mac_line_endings_and_preamble_lines_are_read(tmp_path):
    legacy = (
        "UC Berkeley Spring 2031 Course Grades,,,\r,,,\r"
        "CourseID,CNUM,SECTION,CDESC,INSTNAME,A +,A,A -,B +,B,B -,C +,C,C -,D +,D,D -,F\r"
        'ZZ SUBJ, 007,001,OLD COURSE         ,"HENSON, A S       ",3,1,3,4,0,0,1,0,0,0,0,0,0\r'
    ).encode("latin-1")
    run_import(write_data_set(tmp_path, legacy={"spring_2031.csv": legacy}))
    course = Course.objects.get(code="ZZSUBJ 7")
    assert course.abbreviated_title == "Old Course"
    assert course.terms.get().slug == "spring-2031"


def test_a_malformed_row_stops_the_import_naming_file_and_line_and_changes_nothing(tmp_path):
    good = FORMATTED_HEADER + "\nZZ SUBJ,1,1,001,Fine,Ann Lee,under," + ",".join(["1"] * 15) + "\n"
    bad = FORMATTED_HEADER + "\nZZ SUBJ,2,1,001,Fine,Ann Lee,under,1,1\n"  # too few columns
    data = write_data_set(tmp_path, formatted={"fall_2031.csv": good, "spring_2032.csv": bad})
    before = catalog_counts()
    with pytest.raises(CommandError) as error:
        run_import(data)
    assert "spring_2032.csv:2:" in str(error.value)
    assert "expected 22 columns" in str(error.value)
    assert catalog_counts() == before
    assert not Course.objects.filter(code="ZZSUBJ 1").exists()


def test_a_count_that_is_not_a_number_is_named(tmp_path):
    bad = FORMATTED_HEADER + "\nZZ SUBJ,2,1,001,Fine,Ann Lee,under,1,1,x," + ",".join(["1"] * 12) + "\n"
    with pytest.raises(CommandError, match=r"fall_2031.csv:2: column 'A-': 'x' is not a count"):
        run_import(write_data_set(tmp_path, formatted={"fall_2031.csv": bad}))


def test_a_file_of_the_wrong_format_is_refused(tmp_path):
    wrong = "name,title\nZZ 1,Something\n"
    before = catalog_counts()
    with pytest.raises(CommandError, match=r"fall_2031.csv: no recognisable header row"):
        run_import(write_data_set(tmp_path, formatted={"fall_2031.csv": wrong}))
    assert catalog_counts() == before


def test_broken_json_is_reported_with_its_line(tmp_path):
    data = write_data_set(tmp_path)
    (data / "catalog" / "courses.json").write_text('[\n  {"title": "A", "name": "ZZSUBJ 1"},\n  {"title": \n')
    with pytest.raises(CommandError, match=r"courses.json:4: invalid JSON"):
        run_import(data)


def test_a_json_record_of_the_wrong_shape_is_reported_with_its_line(tmp_path):
    data = write_data_set(tmp_path)
    (data / "catalog" / "courses.json").write_text('[\n  {"title": "A", "name": "ZZSUBJ 1"},\n  ["not", "a course"]\n]')
    with pytest.raises(CommandError, match=r"courses.json:3: expected"):
        run_import(data)
    assert not Course.objects.filter(code="ZZSUBJ 1").exists()


def test_binary_garbage_is_refused(tmp_path):
    data = write_data_set(tmp_path)
    (data / "grades" / "formatted" / "fall_2031.csv").write_bytes(b"\x00\x01\x02PK\x03\x04" * 10)
    with pytest.raises(CommandError, match=r"binary data"):
        run_import(data)


def test_unknown_courses_in_requirement_lists_are_rejected_and_counted(tmp_path):
    data = write_data_set(tmp_path, requirements={"arts_literature.csv": "NOPE,999\n"})
    output = run_import(data)
    assert "rejected: 1 (unknown course: 1)" in output
    assert "arts_literature.csv:1: unknown course: NOPE 999" in output


def test_a_missing_data_folder_is_a_clear_error(tmp_path):
    with pytest.raises(CommandError, match="data folder not found"):
        run_import(tmp_path / "nowhere")


def test_listeners_hear_about_imports_and_failures(tmp_path):
    from berkeleytime.signals import data_imported, import_failed

    heard = []

    def on_import(sender, importer, report, course_ids, **kwargs):
        heard.append(("imported", importer, len(course_ids)))

    def on_failure(sender, importer, error, **kwargs):
        heard.append(("failed", importer, str(error)))

    data_imported.connect(on_import)
    import_failed.connect(on_failure)
    try:
        data = write_data_set(tmp_path, courses=[{"title": "One", "name": "ZZSUBJ 1"}])
        with TestCase.captureOnCommitCallbacks(execute=True):
            run_import(data)
        (data / "catalog" / "courses.json").write_text("{")
        with pytest.raises(CommandError):
            run_import(data)
    finally:
        data_imported.disconnect(on_import)
        import_failed.disconnect(on_failure)
    assert heard[0] == ("imported", "catalog", 1)
    assert heard[1][:2] == ("failed", "catalog")
    assert "courses.json:1: invalid JSON" in heard[1][2]
