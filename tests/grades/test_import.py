"""import_grades: the real data set (imported once per run by conftest) and the rules on small files."""

import io
import json
from pathlib import Path

import pytest
from django.core.management import call_command
from django.core.management.base import CommandError

from catalog.models import Course, CourseAlias, Subject, Term, lookup_course
from grades.models import CourseGrades, Grade, Instructor
from sources.grades import FORMATTED_HEADER
from tests.factories import CourseFactory, SubjectFactory

pytestmark = pytest.mark.django_db


def run(*args) -> str:
    out = io.StringIO()
    call_command("import_grades", "--no-progress", *[str(a) for a in args], stdout=out)
    return out.getvalue()


def formatted_row(number="1", section="001", ccn="1", instructor="Ann Lee", counts=(1,) * 15) -> str:
    return f"ZZ GRADE,{number},{ccn},{section},Test Course,{instructor},under," + ",".join(map(str, counts))


def write_formatted(path: Path, *rows: str) -> Path:
    path.write_text(",".join(FORMATTED_HEADER) + "\n" + "\n".join(rows) + "\n")
    return path


def write_history(path: Path, *entries: dict) -> Path:
    path.write_text(json.dumps({"gradeHistory": list(entries), "enrollmentHistory": []}, indent=1))
    return path


def history_entry(semester: str, instructor: str = "Ann Lee", a: int = 10, b: int = 5) -> dict:
    return {"semester": semester, "instructor": instructor, "distribution": {"a": a, "b": b}}


@pytest.fixture
def course():
    return CourseFactory(subject=SubjectFactory(code="ZZGRADE"), number="1")


def grade_rows(course) -> list[tuple]:
    return list(Grade.objects.filter(course=course).order_by("term__sort_key", "source_key")
                .values_list("term__slug", "source", "a", "b"))  # fmt: skip


# -- the real data ---------------------------------------------------------


def test_compsci_61a_has_grades_from_spring_2007_to_fall_2025():
    course = Course.objects.get(code="COMPSCI 61A")
    terms = set(Grade.objects.filter(course=course).values_list("term__slug", flat=True))
    assert {"spring-2007", "spring-2013", "fall-2023", "spring-2024", "fall-2025"} <= terms
    assert course.has_grades
    assert CourseGrades.objects.get(course=course).total > 30000


def test_each_source_supplies_the_terms_it_wins():
    sources = dict(Grade.objects.values_list("term__slug", "source").distinct())
    assert sources["fall-2010"] == "legacy"
    assert sources["fall-2023"] == "formatted"  # formatted beats the identical CalAnswers export
    assert sources["fall-2025"] == "history"
    assert not Grade.objects.filter(source="calanswers").exists()


def test_no_course_and_term_has_rows_from_two_sources():
    from django.db.models import Count

    doubled = Grade.objects.values("course", "term").annotate(n=Count("source", distinct=True)).filter(n__gt=1).count()
    assert doubled == 0


def test_reimporting_the_real_grades_changes_nothing():
    before = Grade.objects.count(), Instructor.objects.count(), Grade.instructors.through.objects.count()
    output = run()  # every grade file of BT_DATA_DIR
    assert (Grade.objects.count(), Instructor.objects.count(), Grade.instructors.through.objects.count()) == before
    assert "created: 0 " in output
    assert "updated: 0 " in output
    assert "deleted: 0 " in output
    assert "withheld by the CalAnswers privacy rule: 8666 sections" in output


# -- the rules on small files ----------------------------------------------


def test_a_better_source_supersedes_a_worse_one_for_the_same_course_and_term(tmp_path, course):
    history = write_history(
        tmp_path / "zzgrade-1.json", history_entry("Fall 2031", a=99), history_entry("Spring 2032", a=7)
    )
    run(history)
    assert grade_rows(course) == [("fall-2031", "history", 99, 5), ("spring-2032", "history", 7, 5)]

    formatted = write_formatted(tmp_path / "fall_2031.csv", formatted_row(counts=(0, 20, 0, 0, 4) + (0,) * 10))
    output = run(formatted)
    assert grade_rows(course) == [("fall-2031", "formatted", 20, 4), ("spring-2032", "history", 7, 5)]
    assert "deleted: 1 " in output

    # The history file again: its Fall 2031 entry stays superseded, nothing is counted twice.
    output = run(history)
    assert grade_rows(course) == [("fall-2031", "formatted", 20, 4), ("spring-2032", "history", 7, 5)]
    assert "superseded by a better source for the same course and term: history: 1" in output


def test_formats_are_detected_or_named(tmp_path, course):
    path = write_formatted(tmp_path / "fall_2031.csv", formatted_row())
    assert "rows read: 1 " in run(path)
    assert "rows read: 1 " in run("--format", "formatted", path)
    with pytest.raises(CommandError, match="no recognisable header"):
        run("--format", "legacy", path)


def test_a_reimport_updates_changed_counts_and_instructors(tmp_path, course):
    path = write_formatted(tmp_path / "fall_2031.csv", formatted_row(instructor="Ann Lee"))
    run(path)
    write_formatted(path, formatted_row(instructor="Ann Lee; Bo Chen", counts=(2,) * 15))
    output = run(path)
    grade = Grade.objects.get(course=course)
    assert (grade.a_plus, sorted(grade.instructors.values_list("name", flat=True))) == (2, ["Ann Lee", "Bo Chen"])
    updated = next(line for line in output.splitlines() if line.startswith("updated:"))
    assert "(grade rows: 1, grade rows linked to their instructors: 1," in updated


def test_a_section_dropped_from_a_term_file_is_deleted(tmp_path, course):
    path = write_formatted(
        tmp_path / "fall_2031.csv", formatted_row(section="001"), formatted_row(section="002", ccn="2")
    )
    run(path)
    write_formatted(path, formatted_row(section="001"))
    run(path)
    assert list(Grade.objects.filter(course=course).values_list("section", flat=True)) == ["001"]


def test_a_bad_file_names_file_and_line_and_changes_nothing(tmp_path, course):
    good = write_formatted(tmp_path / "fall_2031.csv", formatted_row())
    bad = write_formatted(tmp_path / "spring_2032.csv", formatted_row(), formatted_row(counts=("1", "x") + (1,) * 13))
    before = Grade.objects.count()
    with pytest.raises(CommandError, match=r"spring_2032.csv:3: column 'A': 'x' is not a count"):
        run(good, bad)
    assert Grade.objects.count() == before
    assert not Grade.objects.filter(course=course).exists()


def test_broken_json_and_unknown_courses(tmp_path, course):
    broken = tmp_path / "zzgrade-1.json"
    broken.write_text('{"gradeHistory": [\n{"semester": "Fall 2031", "distribution": {"a": "lots"}}\n]}')
    with pytest.raises(CommandError, match=r"zzgrade-1.json:2: distribution 'a'"):
        run(broken)
    unknown = write_formatted(tmp_path / "fall_2031.csv", formatted_row(number="999"))
    output = run(unknown)
    assert "course not in catalog: ZZ GRADE 999" in output
    assert "rejected: 1" in output


def test_sources_table_counts_sections_and_students_per_source_and_term():
    out = io.StringIO()
    call_command("grades_sources", "--markdown", stdout=out)
    lines = out.getvalue().splitlines()
    assert lines[0] == "| term | source | sections | students |"
    fall_2023 = next(line for line in lines if line.startswith("| fall-2023 | formatted |"))
    assert (
        fall_2023
        == f"| fall-2023 | formatted | {Grade.objects.filter(term__slug='fall-2023', source='formatted').count():,} | "
        + fall_2023.split("| ")[-1]
    )
    assert any(line.startswith("| **all terms** | **legacy** |") for line in lines)


# -- nobody counted twice --------------------------------------------------


def test_no_section_is_counted_under_two_codes_in_any_term():
    from grades import quality

    assert quality.course_terms_from_two_sources() == 0
    assert quality.sections_under_two_codes() == 0
    assert quality.repeated_distributions() == 0


def test_the_checks_see_a_section_counted_twice(course):
    # given one section stored under two linked codes in one term
    other = CourseFactory(subject=SubjectFactory(code="ZZOTHER"), number="1")
    Course.objects.filter(id__in=[course.id, other.id]).update(listing_group=course.id)
    term = Term.objects.get(slug="fall-2023")
    counts = {"a": 20, "b": 10, "c": 5}
    Grade.objects.create(course=course, term=term, source="formatted", source_key="001|1", ccn="1", **counts)
    Grade.objects.create(course=other, term=term, source="history", source_key="Ann Lee|1", **counts)
    Grade.objects.create(course=other, term=term, source="formatted", source_key="001|1", ccn="1", **counts)

    from grades import quality

    assert quality.course_terms_from_two_sources() == 1
    assert quality.sections_under_two_codes() == 1
    assert quality.repeated_distributions() >= 1


def test_l_and_s_c70y_fall_2019_counts_its_students_once():
    course = lookup_course("LS", "C70Y")
    assert course.code == "L&S C70Y"
    assert not Subject.objects.filter(code="LS").exists()
    rows = Grade.objects.for_course(course).filter(term__slug="fall-2019")
    assert {row.source for row in rows} == {"formatted"}
    assert sum(sum(row.counts().values()) for row in rows) in (139, 140)


def test_history_files_of_a_former_and_a_current_code_are_not_both_kept(tmp_path):
    # given a course with a former code, and a grade-history file under each code for the same term
    old_subject, new_subject = SubjectFactory(code="ZZOLD"), SubjectFactory(code="ZZNEW")
    new = CourseFactory(subject=new_subject, number="7")
    CourseAlias.objects.create(code="ZZOLD 7", code_compact="ZZOLD7", course=new, kind=CourseAlias.FORMER)
    assert old_subject.code == "ZZOLD"
    old_file = write_history(tmp_path / "zzold-7.json", history_entry("Fall 2031", a=11))
    new_file = write_history(tmp_path / "zznew-7.json", history_entry("Fall 2031", a=12))

    # when both are imported
    output = run(old_file, new_file)

    # then the term is counted once, from the current code's file
    assert grade_rows(new) == [("fall-2031", "history", 12, 5)]
    assert "repeats another grade-history file of the same course and term" in output
