"""One instructor, every spelling of their name: the rules on small fixtures,
then the real data set (imported once per run by conftest)."""

import io
from collections import Counter
from pathlib import Path

import pytest
from django.core.management import call_command
from django.core.management.base import CommandError

from grades import selectors
from grades.instructors import identify
from grades.models import Grade, Instructor, InstructorSpelling
from sources.names import has_separator
from sources.reviewed import Decision


def people(taught: dict[str, set[int]], decisions=()) -> set[frozenset]:
    found = identify(taught, Counter(dict.fromkeys(taught, 1)), list(decisions))
    return {frozenset(p.spellings) for p in found.people}


def test_an_abbreviated_name_joins_the_one_person_it_fits_who_taught_the_same_course():
    assert people({"John DeNero": {1, 2}, "Denero, J S": {2}, "DENERO, J": {1}}) == {
        frozenset({"John DeNero", "Denero, J S", "DENERO, J"})
    }


def test_without_a_shared_course_names_stay_apart():
    assert people({"John DeNero": {1}, "Denero, J S": {2}}) == {frozenset({"John DeNero"}), frozenset({"Denero, J S"})}


def test_an_abbreviated_name_that_fits_two_people_is_left_alone():
    found = people({"Mary Scott": {1}, "Michael Scott": {1}, "Scott, M": {1}})
    assert frozenset({"Scott, M"}) in found
    assert len(found) == 3


def test_abbreviated_names_without_a_full_name_join_each_other():
    assert people({"M. Scott": {7}, "Scott, M K": {7}}) == {frozenset({"M. Scott", "Scott, M K"})}


def test_differently_capitalised_spellings_are_one_person_shown_in_the_careful_spelling():
    found = identify({"John Denero": {1}, "John DeNero": {2}}, Counter({"John Denero": 5, "John DeNero": 1}))
    assert [p.name for p in found.people] == ["John DeNero"]


def test_different_first_names_are_different_people():
    assert len(people({"Richard Allen": {1}, "Robert Allen": {1}})) == 2


def test_reviewed_decisions_merge_and_keep_apart():
    same = Decision("instructors.txt", 1, "same", ("Ani Adhikari", "Anindita Adhikari"), "short form")
    apart = Decision("instructors.txt", 2, "apart", ("John DeNero", "Denero, J S"), "another Denero")
    found = people(
        {"Ani Adhikari": {1}, "Anindita Adhikari": {1}, "John DeNero": {2}, "Denero, J S": {2}}, [same, apart]
    )
    assert frozenset({"Ani Adhikari", "Anindita Adhikari"}) in found
    assert frozenset({"Denero, J S"}) in found


# -- the real data set -----------------------------------------------------

pytestmark = pytest.mark.django_db


def test_denero_is_one_person_with_every_course_from_spring_2009_to_2025():
    found = list(selectors.search_instructors("denero"))
    assert [i.name for i in found] == ["John DeNero"]
    denero = found[0]
    assert {"Denero, J S", "John Denero"} <= set(selectors.spellings(denero))
    courses = selectors.instructor_courses(denero)
    sort = {"Spring": 1, "Summer": 2, "Fall": 3}

    def key(name: str) -> tuple:
        season, year = name.split()
        return int(year), sort[season]

    assert min((c["first_term"] for c in courses), key=key) == "Spring 2009"
    assert max((c["last_term"] for c in courses), key=key).endswith("2025")
    assert {"COMPSCI 61A", "COMPSCI 188", "DATA C8"} <= {c["code"] for c in courses}


def test_old_spelling_slugs_redirect_to_the_person(client):
    page = client.get("/instructors/denero-j-s/")
    assert (page.status_code, page["Location"]) == (301, "/instructors/john-denero/")
    api = client.get("/api/v1/instructors/denero-j-s/")
    assert (api.status_code, api["Location"]) == (301, "/api/v1/instructors/john-denero/")
    detail = client.get("/api/v1/instructors/john-denero/").json()
    assert "Denero, J S" in detail["spellings"]
    assert client.get("/api/v1/grades/COMPSCI/188/", {"instructor": "denero-j-s"}).json()["sections"] >= 1


def test_the_instructor_page_lists_the_spellings_and_the_terms_taught(client):
    html = client.get("/instructors/john-denero/").content.decode()
    assert "Denero, J S" in html
    assert "Spring 2009" in html


def test_m_scott_is_one_person():
    spellings = InstructorSpelling.objects.filter(name__in=["M. Scott", "Scott, M K"])
    assert len({s.instructor_id for s in spellings}) == 1


def test_no_instructor_name_holds_several_people():
    assert not [n for n in InstructorSpelling.objects.values_list("name", flat=True) if has_separator(n)]
    assert not [n for n in Instructor.objects.values_list("name", flat=True) if has_separator(n)]


def test_a_term_whose_best_source_is_a_calanswers_export_credits_real_people(settings):
    # given Fall 2023 without its published formatted file, so the CalAnswers exports are its best source
    Grade.objects.filter(term__slug="fall-2023", source="formatted").delete()
    calanswers = sorted(Path(settings.BT_DATA_DIR, "grades", "calanswers").glob("*.csv"))

    # when they are imported
    out = io.StringIO()
    call_command("import_grades", "--no-progress", *map(str, calanswers), stdout=out)

    # then every co-taught section is credited to each of its instructors, none to a joined name
    rows = Grade.objects.filter(term__slug="fall-2023", source="calanswers")
    assert rows.count() > 3000
    assert not [n for n in InstructorSpelling.objects.values_list("name", flat=True) if has_separator(n)]
    co_taught = rows.filter(instructor_names__len__gt=1).first()
    assert co_taught is not None
    for name in co_taught.instructor_names:
        person = InstructorSpelling.objects.get(name=name).instructor
        assert Grade.objects.filter(pk=co_taught.pk, instructors=person).exists()


def test_a_malformed_reviewed_line_stops_the_grade_import_and_changes_nothing(tmp_path, settings):
    reviewed = tmp_path / "instructors.txt"
    reviewed.write_text("same | John DeNero |\n")
    before = (Grade.objects.count(), Instructor.objects.count(), InstructorSpelling.objects.count())
    history = Path(settings.BT_DATA_DIR, "history", "courses-detail", "compsci-61a.json")
    with pytest.raises(CommandError) as error:
        call_command("import_grades", "--no-progress", "--reviewed", str(reviewed), str(history), stdout=io.StringIO())
    assert str(error.value).startswith(f"{reviewed}:1: expected 4 fields")
    assert (Grade.objects.count(), Instructor.objects.count(), InstructorSpelling.objects.count()) == before
