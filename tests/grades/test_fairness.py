"""The fair instructor comparison: small courses with known answers, then the real data."""

import pytest

from catalog.models import lookup_course
from grades.fairness import compare_instructors
from grades.models import Grade, Instructor, TermDrift
from tests.factories import CourseFactory, TermFactory

pytestmark = pytest.mark.django_db

# Four section shapes of 40 students: their means are 3.0, 3.075, 3.325 and 3.425.
EARLY_LOW = {"b_plus": 10, "b": 20, "b_minus": 10}
EARLY_HIGH = {"b_plus": 20, "b": 10, "b_minus": 10}
LATE_LOW = {"a_minus": 10, "b_plus": 20, "b": 10}
LATE_HIGH = {"a_minus": 20, "b_plus": 10, "b": 10}


def _term(year: int, drift: float | None):
    term = TermFactory(year=year, season="fall")
    if drift is not None:
        TermDrift.objects.create(term=term, level="under", gpa=drift, students=10_000, courses=100)
    return term


def _section(course, term, instructor, counts: dict, key: str) -> Grade:
    grade = Grade.objects.create(course=course, term=term, source="formatted", source_key=key, level="under", **counts)
    grade.instructors.add(instructor)
    return grade


def _people(*names: str) -> list[Instructor]:
    return [Instructor.objects.create(name=name, slug=name.lower().replace(" ", "-")) for name in names]


def _by_slug(comparison: dict) -> dict:
    return {row["slug"]: row for row in comparison["instructors"]}


def _within(value: float, estimate: dict) -> bool:
    return estimate["low"] <= value <= estimate["high"]


def test_adjusting_for_drift_levels_instructors_who_taught_in_different_years():
    # given B who taught in three early terms and A in three later ones, when grades
    # ran 0.34 higher campus-wide; each term one section below and one above its average
    course = CourseFactory(number="10")
    early, late = [_term(2031 + i, 3.0375) for i in range(3)], [_term(2041 + i, 3.375) for i in range(3)]
    a, b = _people("Fixture Later", "Fixture Earlier")
    for i, term in enumerate(early):
        _section(course, term, b, EARLY_LOW, f"b{i}1")
        _section(course, term, b, EARLY_HIGH, f"b{i}2")
    for i, term in enumerate(late):
        _section(course, term, a, LATE_LOW, f"a{i}1")
        _section(course, term, a, LATE_HIGH, f"a{i}2")

    # when they are compared
    comparison = compare_instructors(course)
    later, earlier = _by_slug(comparison)["fixture-later"], _by_slug(comparison)["fixture-earlier"]

    # then raw, A grades 0.3375 higher and the intervals are far apart
    assert later["average"] == pytest.approx(3.375, abs=0.001)
    assert earlier["average"] == pytest.approx(3.0375, abs=0.001)
    assert later["raw"]["gpa"] - earlier["raw"]["gpa"] == pytest.approx(0.3375, abs=0.005)
    assert later["raw"]["low"] > earlier["raw"]["high"]
    # and adjusted, on the scale of the latest term (3.375), they agree within each other's interval
    assert comparison["reference_term"] == "fall-2043"
    assert comparison["reference_gpa"] == 3.375
    assert later["adjusted"]["gpa"] == pytest.approx(3.375, abs=0.005)
    assert earlier["adjusted"]["gpa"] == pytest.approx(3.375, abs=0.005)
    assert _within(later["adjusted"]["gpa"], earlier["adjusted"])
    assert _within(earlier["adjusted"]["gpa"], later["adjusted"])
    assert (later["sections"], later["students"], later["terms"]) == (6, 240, 3)


def test_one_big_section_is_less_certain_than_ten_small_ones():
    # given C with one section of 400 students and D with ten sections of 40, in the same two terms
    course = CourseFactory(number="11")
    terms = [_term(2051, 3.2), _term(2052, 3.2)]
    c, d = _people("Fixture One Section", "Fixture Ten Sections")
    _section(course, terms[0], c, {k: v * 10 for k, v in EARLY_HIGH.items()}, "c")
    for i in range(10):
        _section(course, terms[i % 2], d, EARLY_LOW if i % 2 else EARLY_HIGH, f"d{i}")

    # when compared, with single sections allowed
    rows = _by_slug(compare_instructors(course, min_sections=1))
    one, ten = rows["fixture-one-section"], rows["fixture-ten-sections"]

    # then the 400 students of one section, who shared one teaching, pin C down less than D's ten sections
    assert one["students"] == ten["students"] == 400
    for key in ("raw", "adjusted"):
        assert one[key]["high"] - one[key]["low"] > ten[key]["high"] - ten[key]["low"]


def test_instructors_with_too_few_students_or_sections_are_left_out_and_counted():
    course = CourseFactory(number="12")
    terms = [_term(2061, 3.1), _term(2062, 3.1), _term(2063, None)]
    shown, few_students, one_section = _people("Fixture Shown", "Fixture Few", "Fixture Once")
    for i in range(3):
        _section(course, terms[i % 2], shown, EARLY_LOW if i % 2 else EARLY_HIGH, f"s{i}")
    _section(course, terms[0], few_students, EARLY_LOW, "few1")
    _section(course, terms[1], few_students, EARLY_LOW, "few2")  # 80 students over two sections
    _section(course, terms[0], one_section, {k: v * 4 for k, v in EARLY_LOW.items()}, "once")  # 160 in one
    _section(course, terms[2], shown, EARLY_LOW, "no-average")  # a term without a campus average

    comparison = compare_instructors(course)

    assert list(_by_slug(comparison)) == ["fixture-shown"]
    assert comparison["left_out"] == {
        "too_few_students": 1,
        "too_few_sections": 1,
        "not_fitted": 0,
        "sections_without_instructor": 0,
        "sections_without_term_average": 1,
    }
    assert _by_slug(comparison)["fixture-shown"]["sections"] == 3
    # a lower bar shows the instructor with 80 students
    assert "fixture-few" in _by_slug(compare_instructors(course, min_students=50))


def test_the_term_averages_are_stored_by_the_import_and_show_the_rise_in_grades():
    drift = {(d.term.slug, d.level): d for d in TermDrift.objects.select_related("term", "linked_from")}
    assert round(drift["fall-2013", "under"].gpa, 2) == 3.28
    assert round(drift["fall-2023", "under"].gpa, 2) == 3.40
    assert drift["fall-2023", "grad"].gpa > drift["fall-2023", "under"].gpa
    # Fall 2024 is only in the per-course history: linked to Fall 2023 over the courses both have
    assert drift["fall-2024", "under"].linked_from.slug == "fall-2023"
    assert drift["fall-2023", "under"].linked_from is None


@pytest.fixture(scope="module")
def real(django_db_setup, django_db_blocker) -> dict:
    with django_db_blocker.unblock():
        return {code: compare_instructors(lookup_course(*code.split())) for code in ("COMPSCI 61A", "ECON 1")}


def test_compsci_61a_on_the_real_data(real):
    comparison = real["COMPSCI 61A"]
    rows = _by_slug(comparison)
    # the course's long-time instructors are there, the many one-summer teaching teams are not
    assert {"john-denero", "paul-hilfinger", "daniel-garcia", "harvey-b", "hany-farid"} <= set(rows)
    assert rows["john-denero"]["sections"] >= 20
    assert rows["john-denero"]["students"] > 20_000
    assert comparison["left_out"]["too_few_sections"] > 20
    assert comparison["reference_term"] == "fall-2025"
    # who taught before grades rose (Harvey, 2007-2011) gains; who taught after 2020 (Farid) loses
    assert rows["harvey-b"]["last_term"] == "spring-2011"
    assert rows["harvey-b"]["adjusted"]["gpa"] > rows["harvey-b"]["raw"]["gpa"] + 0.1
    assert rows["hany-farid"]["adjusted"]["gpa"] < rows["hany-farid"]["raw"]["gpa"] - 0.05
    for row in rows.values():
        for key in ("raw", "adjusted"):
            assert row[key]["low"] < row[key]["gpa"] < row[key]["high"]


def test_econ_1_on_the_real_data_the_raw_gap_between_two_eras_mostly_closes(real):
    rows = _by_slug(real["ECON 1"])
    olney, campbell = rows["martha-olney"], rows["james-campbell"]
    assert (olney["first_term"], olney["last_term"]) == ("spring-2007", "fall-2019")
    assert campbell["first_term"] == "summer-2020"
    # raw, Campbell's students averaged clearly more: the intervals do not meet
    assert campbell["raw"]["low"] > olney["raw"]["high"]
    # adjusted for the rise in grades, the gap is less than half and the intervals meet
    raw_gap = campbell["raw"]["gpa"] - olney["raw"]["gpa"]
    adjusted_gap = campbell["adjusted"]["gpa"] - olney["adjusted"]["gpa"]
    assert 0 < adjusted_gap < raw_gap / 2
    assert campbell["adjusted"]["low"] < olney["adjusted"]["high"]


def test_a_course_where_everyone_got_an_a_is_counted_as_not_fitted_and_shows_nobody():
    # given one instructor whose 200 students all got an A: no spread to give an interval from
    course = CourseFactory(number="13")
    terms = [_term(2071, 3.3), _term(2072, 3.3)]
    (only,) = _people("Fixture All A")
    for i, term in enumerate(terms):
        _section(course, term, only, {"a": 100}, f"all-a{i}")

    comparison = compare_instructors(course)

    assert comparison["instructors"] == []
    assert comparison["left_out"]["not_fitted"] == 1


def test_a_term_only_the_grade_history_covers_is_linked_over_the_courses_both_terms_have():
    from grades.drift import _linked

    # given Fall 2031 at 3.30 campus-wide, and Fall 2032 known only for courses 1 and 2
    before = {1: (3.0 * 600, 600), 2: (3.5 * 400, 400), 3: (2.0 * 5000, 5000)}
    after = {1: (3.1 * 600, 600), 2: (3.6 * 400, 400), 4: (4.0 * 50, 50)}
    previous = TermDrift(term_id=1, level="under", gpa=3.30, students=6000, courses=3)

    linked = _linked(2, "under", after, previous, {(1, "under"): before})

    # then Fall 2032 is 3.30 plus the change of courses 1 and 2 (3.20 -> 3.30); course 3's
    # absence and course 4's arrival are no drift
    assert linked.gpa == pytest.approx(3.40)
    assert (linked.students, linked.courses, linked.linked_from_id) == (1000, 2, 1)
