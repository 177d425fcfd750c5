"""Waitlist odds over the real enrollment history: COMPSCI 61A, whose waitlist moved
hundreds of places every fall, and COMPSCI 189, whose waitlist was as long but moved
far less. The import's data_imported signal stored the movements and fitted the model."""

import datetime

import pytest

from enrollment.selectors import find_course
from waitlists import selectors
from waitlists.models import OddsModel, WaitlistMovement

pytestmark = [pytest.mark.django_db, pytest.mark.usefixtures("enrollment_data")]


@pytest.fixture
def cs61a():
    return find_course("COMPSCI", "61A")


@pytest.fixture
def cs189():
    return find_course("COMPSCI", "189")


def test_the_import_stored_each_term_and_fitted_the_model_on_the_complete_ones(cs61a):
    stored = {m.term.slug: m for m in WaitlistMovement.objects.for_course(cs61a).select_related("term")}

    assert {slug for slug, m in stored.items() if m.complete} == {"fall-2023", "fall-2024", "fall-2025"}
    assert not stored["fall-2026"].complete  # Fall 2026's data ends in Phase 1
    assert all(stored[slug].had_waitlist for slug in ("fall-2023", "fall-2024", "fall-2025"))
    assert OddsModel.objects.get().terms == ["fall-2023", "fall-2024", "fall-2025"]


def test_61a_fall_2025s_waitlist_of_207_was_admitted_when_seats_were_added(cs61a):
    # The files: Aug 27, 2025: 1,100 enrolled of 1,100, 207 waitlisted; Aug 28: 1,314 of 1,399, none waitlisted.
    stored = WaitlistMovement.objects.get(course=cs61a, term__slug="fall-2025").movement
    day = (datetime.date(2025, 8, 28) - datetime.date(2025, 4, 15)).days

    assert stored.waitlisted[day - 1] == 207
    assert stored.admitted[day] == 207  # 214 more enrolled, but only 207 were waiting


def test_61a_answers_from_its_three_past_falls_and_a_later_place_has_a_lower_chance(cs61a):
    near, far = selectors.odds(cs61a, 40), selectors.odds(cs61a, 300)

    assert [p.term.slug for p in near.past_terms] == ["fall-2025", "fall-2024", "fall-2023"]
    assert near.term.slug == "fall-2026"
    assert near.phase.startswith("Phase 1")
    assert len(near.cleared_terms) == 3  # it moved past 40 in every fall
    assert len(far.cleared_terms) == len([p for p in far.past_terms if p.moved >= 300])
    assert near.chance > far.chance
    assert near.chance > 0.5


def test_189s_waitlist_moved_less_so_the_same_place_has_a_lower_chance_than_in_61a(cs61a, cs189):
    in_189, in_61a = selectors.odds(cs189, 150), selectors.odds(cs61a, 150)

    assert len(in_189.past_terms) == 3
    assert len(in_189.cleared_terms) < len(in_61a.cleared_terms)
    assert in_189.chance < in_61a.chance
    assert selectors.odds(cs189, 20).chance > in_189.chance


def test_a_course_with_one_earlier_waitlist_has_no_answer():
    answer = selectors.odds(find_course("COMPSCI", "168"), 10)

    assert answer.chance is None
    assert answer.reason.startswith("Too few past terms to go on: 1 earlier term of COMPSCI 168 had a waitlist")


def test_a_position_longer_than_any_earlier_61a_waitlist_has_no_answer(cs61a):
    answer = selectors.odds(cs61a, 1500)

    assert answer.chance is None
    assert "the longest: 361" in answer.reason  # Fall 2023's, in June
