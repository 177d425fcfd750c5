"""One course is one course: lineages and cross-listings, each rule on small
fixtures, then the real data set's examples (imported once per run by conftest)."""

import io

import pytest
from django.core.management import call_command
from django.core.management.base import CommandError

from catalog.importers.lineage import CourseLinks
from catalog.importers.state import CourseState
from catalog.models import Course, CourseAlias, Section, Subject, lookup_course
from catalog.services import catalog_counts
from grades.models import Grade
from sources.reviewed import Decision
from sources.terms import TermRef
from tests.catalog.test_import import FORMATTED_HEADER, write_data_set


def term(slug: str) -> TermRef:
    return TermRef.from_slug(slug)


def course(code: str, terms=(), transcript="", full="", taught=(), history=(), sections=(), history_file=False):
    """A CourseState as the catalog reader would leave it: ``taught`` names
    surnames for every term, ``sections``/``history`` are (term, counts) prints."""
    subject, _, number = code.rpartition(" ")
    state = CourseState(subject=subject, number=number)
    refs = {term(t) for t in terms}
    state.terms |= refs
    state.section_terms |= refs
    for t, counts in history:
        state.terms.add(term(t))
        state.history_terms.add(term(t))
        state.history_prints.add((term(t), counts))
    state.section_prints |= {(term(t), counts) for t, counts in sections}
    state.has_history_file = history_file
    if transcript:
        state.transcript_titles.add(transcript.lower().replace(" ", ""))
        state.transcript_title_texts.add(transcript)
    if full:
        state.full_titles.add(full.lower().replace(" ", ""))
        state.full_title_texts.add(full)
    for surname in taught:
        state.surnames.add(surname)
        state.taught |= {(ref, surname) for ref in state.terms}
    return state


def decide(*courses, decisions=()):
    found = CourseLinks({c.code: c for c in courses}, list(decisions)).candidates()
    return {(c.verdict, c.rule, *c.codes) for c in found}


COUNTS = (5, 20, 10, 8, 6, 3, 2, 1, 0, 0, 0, 0, 1, 4, 0)
FALLS = ["fall-2013", "fall-2014", "fall-2015"]
SPRINGS = ["spring-2018", "spring-2019"]


# -- lineage ---------------------------------------------------------------


def test_a_code_renamed_with_its_title_and_instructors_is_one_course():
    old = course("ELENG 126", FALLS, transcript="Prob & Random Proc", taught=["walrand"])
    new = course("EECS 126", SPRINGS, transcript="Prob & Random Proc", taught=["walrand"])
    assert decide(old, new) == {("merge", "renamed", "ELENG 126", "EECS 126")}


def test_a_shared_title_and_succession_alone_are_left_for_review():
    old = course("EAEURST 1A", FALLS, transcript="Intro Hungarian")
    new = course("HUNGARI 1A", SPRINGS, transcript="Intro Hungarian")
    assert decide(old, new) == {("apart", "renamed?", "EAEURST 1A", "HUNGARI 1A")}


def test_a_subject_move_made_by_several_courses_is_evidence_for_each():
    pairs = [
        (course(f"NESTUD {n}", FALLS, transcript=f"Title {n}"), course(f"MELC {n}", SPRINGS, transcript=f"Title {n}"))
        for n in ("18", "101", "110")
    ]
    assert decide(*[c for pair in pairs for c in pair]) == {
        ("merge", "renamed", f"NESTUD {n}", f"MELC {n}") for n in ("18", "101", "110")
    }


def test_codes_taught_in_the_same_terms_are_not_a_lineage():
    a = course("CHEM 221A", FALLS, transcript="Quantum Mechanics", taught=["whaley"])
    b = course("PHYSICS 221A", FALLS, transcript="Quantum Mechanics", taught=["littlejohn"])
    assert decide(a, b) == {("apart", "same title", "CHEM 221A", "PHYSICS 221A")}


def test_a_generic_title_is_no_evidence():
    old = course("GWS 98", FALLS, full="Directed Group Study for Undergraduates", taught=["lee"])
    new = course("ELENG 98", SPRINGS, full="Directed Group Study for Undergraduates", taught=["lee"])
    assert decide(old, new) == set()


def test_a_renumbered_course_whose_history_repeats_the_old_sections_is_one_course():
    # MATH 1A became MATH 51: the grade history of MATH 51 repeats MATH 1A's sections.
    old = course("MATH 1A", FALLS, transcript="Calculus", taught=["christ"], sections=[("fall-2014", COUNTS)])
    new = course("MATH 51", [], taught=["christ"], history=[("fall-2014", COUNTS), ("spring-2024", COUNTS)])
    assert decide(old, new) == {("merge", "same students", "MATH 1A", "MATH 51")}


def test_a_history_that_only_repeats_the_old_code_names_the_current_code():
    # STAT 102's sections, published again under the history file of STAT C102.
    old = course("STAT 102", FALLS[:1], taught=["jordan"], sections=[("fall-2013", COUNTS)])
    new = course("STAT C102", [], taught=["jordan"], history=[("fall-2013", COUNTS)], history_file=True)
    assert decide(old, new) == {("merge", "same students", "STAT 102", "STAT C102")}


def test_a_freshman_program_copy_is_a_separate_listing():
    a = course("MATH 1A", FALLS, transcript="Calculus", taught=["christ"])
    b = course("XMATH 1A", FALLS, transcript="Calculus", taught=["christ"])
    assert decide(a, b) == {("apart", "program copy", "MATH 1A", "XMATH 1A")}


def test_a_c_added_to_the_number_is_the_same_course():
    old = course("COMPSCI 176", FALLS, full="Algorithms for Computational Biology", taught=["song"])
    new = course("COMPSCI C176", SPRINGS, full="Algorithms for Computational Biology", taught=["song"])
    assert decide(old, new) == {("merge", "C added", "COMPSCI 176", "COMPSCI C176")}


# -- cross-listings --------------------------------------------------------


def test_one_class_under_two_codes_in_the_same_terms_is_linked():
    a = course("ETHSTD 159AC", FALLS, transcript="The Southern Border", taught=["shaiken"])
    b = course("GEOG 159AC", FALLS, transcript="The Southern Border", taught=["shaiken"])
    assert decide(a, b) == {("link", "same class", "ETHSTD 159AC", "GEOG 159AC")}


def test_the_same_c_number_with_a_shared_instructor_is_linked_even_without_titles():
    a = course("COMPSCI C88C", FALLS, taught=["ball"])
    b = course("DATA C88C", SPRINGS, transcript="Cs Struct Data Sci", taught=["ball"])
    assert decide(a, b) == {("link", "C-number", "COMPSCI C88C", "DATA C88C")}


def test_different_numbers_are_linked_when_the_title_names_both_departments():
    title = "Human Contexts and Ethics of Data - DATA/History/STS"
    a = course("DATA C104", FALLS, full=title, taught=["carson"])
    b = course("HISTORY 184D", FALLS, full=title, taught=["carson"])
    assert decide(a, b) == {("link", "named departments", "DATA C104", "HISTORY 184D")}


def test_undergraduate_and_graduate_versions_are_not_linked():
    a = course("COMPSCI 189", FALLS, full="Introduction to Machine Learning", taught=["efros"])
    b = course("COMPSCI 289A", FALLS, full="Introduction to Machine Learning", taught=["efros"])
    assert decide(a, b) == set()


def test_a_reviewed_decision_overrides_the_rules():
    a = course("ETHSTD 159AC", FALLS, transcript="The Southern Border", taught=["shaiken"])
    b = course("GEOG 159AC", FALLS, transcript="The Southern Border", taught=["shaiken"])
    apart = Decision("courses.txt", 3, "apart", ("ETHSTD 159AC", "GEOG 159AC"), "two classes")
    assert decide(a, b, decisions=[apart]) == {("apart", "reviewed", "ETHSTD 159AC", "GEOG 159AC")}


# -- the importer, on small data sets --------------------------------------


def row(subject: str, number: str, ccn: str, instructor="Ann Lee", title="Test Course") -> str:
    return f"{subject},{number},{ccn},001,{title},{instructor},under," + ",".join(["3"] * 15)


def import_catalog(data, *extra) -> str:
    out = io.StringIO()
    call_command("import_catalog", "--no-progress", "--data-dir", str(data), *extra, stdout=out)
    return out.getvalue()


@pytest.mark.django_db
def test_a_lineage_is_one_course_whose_old_code_answers_with_it(tmp_path):
    # given ZZ OLD 5 taught until Fall 2031 and ZZNEW 5 from Spring 2032, reviewed as one course
    data = write_data_set(
        tmp_path,
        formatted={
            "fall_2031.csv": FORMATTED_HEADER + "\n" + row("ZZ OLD", "5", "1") + "\n",
            "spring_2032.csv": FORMATTED_HEADER + "\n" + row("ZZNEW", "5", "2") + "\n",
        },
    )
    (data / "catalog" / "subjects.yaml").write_text('ZZ OLD: ["Old"]\nZZNEW: ["New"]\n')
    reviewed = tmp_path / "courses.txt"
    reviewed.write_text("merge | ZZOLD 5 | ZZNEW 5 | the department was renamed\n")

    # when the catalog is imported
    output = import_catalog(data, "--reviewed", reviewed)

    # then the old code is a former code of the new course, with every term of both
    new = lookup_course("ZZ OLD", "5")
    assert new.code == "ZZNEW 5"
    assert not Course.objects.filter(code="ZZOLD 5").exists()
    assert sorted(new.terms.values_list("slug", flat=True)) == ["fall-2031", "spring-2032"]
    assert [(f["codes"], f["until"].slug) for f in new.former_codes()] == [(["ZZOLD 5", "ZZ OLD 5"], "fall-2031")]
    assert "1 former codes merged" in output


@pytest.mark.django_db
def test_an_existing_course_that_becomes_a_former_code_brings_its_grades(tmp_path):
    # given two codes nothing but a reviewed decision relates (other titles, other instructors)
    data = write_data_set(
        tmp_path,
        formatted={
            "fall_2031.csv": FORMATTED_HEADER + "\n" + row("ZZ OLD", "5", "1", "Ann Lee", "Old Title") + "\n",
            "spring_2032.csv": FORMATTED_HEADER + "\n" + row("ZZNEW", "5", "2", "Bo Chen", "New Title") + "\n",
        },
    )
    (data / "catalog" / "subjects.yaml").write_text('ZZ OLD: ["Old"]\nZZNEW: ["New"]\n')
    import_catalog(data, "--reviewed", tmp_path / "none.txt")
    call_command("import_grades", "--no-progress", "--data-dir", str(data), stdout=io.StringIO())
    assert Grade.objects.filter(course__code="ZZOLD 5").count() == 1

    # when a reviewed decision merges them
    reviewed = tmp_path / "courses.txt"
    reviewed.write_text("merge | ZZOLD 5 | ZZNEW 5 | the department was renamed\n")
    import_catalog(data, "--reviewed", reviewed)

    # then the old course's grades are the new course's, before the grades are imported again
    assert sorted(Grade.objects.filter(course__code="ZZNEW 5").values_list("term__slug", flat=True)) == [
        "fall-2031",
        "spring-2032",
    ]


@pytest.mark.django_db
def test_a_malformed_reviewed_line_stops_the_import_and_changes_nothing(tmp_path):
    data = write_data_set(
        tmp_path, formatted={"fall_2031.csv": FORMATTED_HEADER + "\n" + row("ZZ SUBJ", "5", "1") + "\n"}
    )
    reviewed = tmp_path / "courses.txt"
    reviewed.write_text("# decisions\nmerge | ZZSUBJ 5 | the new code is missing\n")
    before = catalog_counts()

    with pytest.raises(CommandError) as error:
        import_catalog(data, "--reviewed", reviewed)

    assert str(error.value).startswith(f"{reviewed}:2: expected 4 fields")
    assert catalog_counts() == before


@pytest.mark.django_db
def test_ls_from_a_file_name_is_l_and_s(tmp_path):
    data = write_data_set(
        tmp_path, formatted={"fall_2031.csv": FORMATTED_HEADER + "\n" + row("L & S", "C70Y", "1") + "\n"}
    )
    (data / "catalog" / "subjects.yaml").write_text('L & S: ["Letters and Science"]\n')
    history = data / "history" / "courses-detail"
    history.mkdir(parents=True)
    (history / "ls-c70y.json").write_text(
        '{"gradeHistory": [{"semester": "Fall 2031", "instructor": "Ann Lee", "distribution": {"a": 3}}]}'
    )
    import_catalog(data, "--reviewed", tmp_path / "none.txt")
    assert not Subject.objects.filter(code="LS").exists()
    assert lookup_course("LS", "C70Y").code == "L&S C70Y"


# -- the real data set -----------------------------------------------------


@pytest.mark.django_db
@pytest.mark.parametrize(
    ("old", "new", "until"),
    [
        ("ELENG 126", "EECS 126", "spring-2017"),
        ("ELENG 16A", "EECS 16A", "fall-2019"),
        ("NESTUD 18", "MELC 18", "summer-2021"),
        ("BIO-CDB 1A", "BIOLOGY 1A", "fall-2011"),
        ("MATH 1A", "MATH 51", "fall-2023"),
    ],
)
def test_renamed_courses_are_one_course_with_the_history_of_both_codes(old, new, until):
    course = lookup_course(*old.rsplit(" ", 1))
    assert course.code == new
    assert not Course.objects.filter(code=old).exists()
    alias = CourseAlias.objects.get(code=old)
    assert (alias.kind, alias.last_term.slug) == (CourseAlias.FORMER, until)
    slugs = set(course.terms.values_list("slug", flat=True))
    graded = set(Grade.objects.filter(course=course).values_list("term__slug", flat=True))
    # terms and grades from both codes: the old code's last term and the new code's latest
    assert until in slugs
    assert until in graded
    assert max(course.terms.all(), key=lambda t: t.sort_key).sort_key > alias.last_term.sort_key


@pytest.mark.django_db
@pytest.mark.parametrize(
    ("a", "b"),
    [
        ("DATA C102", "STAT C102"),
        ("DATA C88C", "COMPSCI C88C"),
        ("ETHSTD 159AC", "GEOG 159AC"),
        ("ASTRON W12", "EPS W12"),
        ("DATA C104", "HISTORY C184D"),
        ("DATA C8", "STAT C8"),
    ],
)
def test_co_taught_listings_are_linked_and_counted_together(a, b):
    first, second = Course.objects.get(code=a), Course.objects.get(code=b)
    assert second in first.cross_listings.all()
    assert first.listing_group == second.listing_group is not None


@pytest.mark.django_db
def test_two_classes_with_one_title_are_left_apart_as_reviewed():
    chem, physics = Course.objects.get(code="CHEM 221A"), Course.objects.get(code="PHYSICS 221A")
    assert physics not in chem.cross_listings.all()
    assert chem.listing_group != physics.listing_group


@pytest.mark.django_db
def test_a_freshman_program_copy_stays_its_own_course():
    assert Course.objects.get(code="XMATH 1A").listing_group != Course.objects.get(code="MATH 51").listing_group


@pytest.mark.django_db
def test_placeholder_sections_are_not_imported():
    sections = Section.objects.filter(course__code="COMPSCI 61A", term__slug="summer-2026")
    assert sections.exists()
    assert not sections.filter(number__in=["999", "999L"]).exists()


@pytest.mark.django_db
def test_the_candidates_command_lists_each_pair_with_its_evidence():
    out = io.StringIO()
    call_command("course_candidates", "--code", "ELENG 126", stdout=out)
    assert "merge ELENG 126 -> EECS 126 (until Spring 2017): renamed; same full title" in out.getvalue()
    out = io.StringIO()
    call_command("course_candidates", "--verdict", "apart", "--tsv", stdout=out)
    lines = out.getvalue().splitlines()
    assert lines[0].split("\t") == ["decision", "rule", "first", "second", "until", "evidence", "reason"]
    assert any(line.startswith("apart\treviewed\tCHEM 221A\tPHYSICS 221A") for line in lines)


@pytest.mark.django_db
def test_a_former_code_answers_in_the_api_the_pages_and_search(client):
    detail = client.get("/api/v1/courses/EL ENG/126/").json()
    assert detail["code"] == "EECS 126"
    assert detail["former_codes"] == [{"codes": ["ELENG 126", "EL ENG 126"], "until": "spring-2017"}]

    page = client.get("/courses/ELENG/126/")
    assert (page.status_code, page["Location"]) == (301, "/courses/EECS/126/")
    html = client.get("/courses/EECS/126/").content.decode()
    assert "Formerly <strong>ELENG 126 / EL ENG 126</strong> until Spring 2017" in html

    grades = client.get("/api/v1/grades/ELENG/126/options/").json()
    terms = {t["slug"] for t in grades["terms"]}
    assert {"spring-2013", "spring-2017", "fall-2017", "fall-2025"} <= terms

    found = client.get("/api/v1/search/", {"q": "el eng 126"}).json()["results"]
    assert found[0]["code"] == "EECS 126"


@pytest.mark.django_db
def test_a_cross_listed_course_counts_the_grades_of_every_listing(client):
    stat = client.get("/api/v1/grades/STAT/C8/").json()
    data = client.get("/api/v1/grades/DATA/C8/").json()
    assert stat["total"] == data["total"]
    assert (
        stat["sections"]
        == Grade.objects.filter(course__code__in=["DATA C8", "STAT C8", "COMPSCI C8", "INFO C8"]).count()
    )
    html = client.get("/courses/STAT/C8/").content.decode()
    assert "Counting every listing of this class: COMPSCI C8, DATA C8, INFO C8, STAT C8." in html
