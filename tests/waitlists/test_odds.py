"""Answers on a small world written here: courses whose waitlists moved a known number
of places in each of three past terms, and a current term five days into Phase 1."""

import datetime

import pytest

from tests.enrollment.factories import EnrollmentPointFactory, TermPhasesFactory
from tests.factories import CourseFactory, SubjectFactory, TermFactory
from waitlists import selectors, services
from waitlists.models import OddsModel, WaitlistMovement

pytestmark = pytest.mark.django_db

PAST_YEARS = (2031, 2032, 2033)
CURRENT_YEAR = 2034
# Places each course's waitlist moved in every past term (admitted on day 100), its waitlist.
COURSES = {"30": (30, 80), "5": (5, 250), "60": (60, 250), "120": (120, 250), "200": (200, 250)}


def phase_1(year: int) -> datetime.date:
    return datetime.date(year, 4, 15)


def past_term(course, year: int, moved: int, waitlist: int) -> None:
    term = TermFactory(year=year, season="fall")
    TermPhasesFactory(term=term, phase_1_start=phase_1(year))
    day = phase_1(year)
    for offset, enrolled, waiting in [(0, 100, waitlist), (100, 100 + moved, waitlist - moved), (160, 100 + moved, 0)]:
        EnrollmentPointFactory(
            course=course,
            term=term,
            date=day + datetime.timedelta(days=offset),
            day=offset + 1,
            enrolled=enrolled,
            capacity=enrolled,
            waitlisted=waiting,
        )


def current_term(course, waitlist: int) -> None:
    term = TermFactory(year=CURRENT_YEAR, season="fall")
    TermPhasesFactory(term=term, phase_1_start=phase_1(CURRENT_YEAR))
    for offset in range(6):
        EnrollmentPointFactory(
            course=course,
            term=term,
            date=phase_1(CURRENT_YEAR) + datetime.timedelta(days=offset),
            day=offset + 1,
            enrolled=100,
            capacity=100,
            waitlisted=waitlist,
        )


@pytest.fixture
def world():
    subject = SubjectFactory(code="ZZWAIT")
    courses = {}
    for name, (moved, waitlist) in COURSES.items():
        course = courses[name] = CourseFactory(subject=subject, number=f"W{name}")
        for year in PAST_YEARS:
            past_term(course, year, moved, waitlist)
        current_term(course, waitlist)
    # One past term with a waitlist only.
    few = courses["few"] = CourseFactory(subject=subject, number="FEW")
    past_term(few, PAST_YEARS[0], 0, 0)
    past_term(few, PAST_YEARS[1], 0, 0)
    past_term(few, PAST_YEARS[2], 20, 40)
    current_term(few, 40)
    # Never a waitlist.
    quiet = courses["quiet"] = CourseFactory(subject=subject, number="QUIET")
    for year in PAST_YEARS:
        past_term(quiet, year, 0, 0)
    current_term(quiet, 0)
    ids = [course.pk for course in courses.values()]
    services.refresh_movements(ids)
    services.fit_model(WaitlistMovement.objects.filter(course_id__in=ids))
    return courses


def test_the_stored_movement_is_what_the_counts_say(world):
    stored = WaitlistMovement.objects.get(course=world["30"], term__slug="fall-2032")

    assert stored.complete
    assert stored.had_waitlist
    assert stored.movement.moved_after(5) == 30
    assert stored.movement.moved_after(100) == 0


def test_a_waitlist_that_cleared_30_each_term_gives_position_10_a_high_chance_and_60_a_low_one(world):
    # when
    near = selectors.odds(world["30"], 10)
    far = selectors.odds(world["30"], 60)

    # then both rest on the three past terms, each of which moved 30 from day 5
    for answer in (near, far):
        assert [past.term.slug for past in answer.past_terms] == ["fall-2033", "fall-2032", "fall-2031"]
        assert [past.moved for past in answer.past_terms] == [30, 30, 30]
        assert answer.day == 5
        assert answer.phase == "Phase 1 (day 6)"
    assert near.chance > 0.8
    assert len(near.cleared_terms) == 3
    assert far.chance < 0.2
    assert far.cleared_terms == []
    assert "About" in near.summary
    assert "from 3 past terms of ZZWAIT W30" in near.summary


def test_the_chance_falls_as_the_position_grows(world):
    chances = [selectors.odds(world["120"], p).chance for p in (10, 100, 130, 240)]

    assert chances == sorted(chances, reverse=True)
    assert chances[0] > 0.8
    assert chances[-1] < 0.2


def test_later_in_the_term_less_is_left_to_clear(world):
    # after day 100 no past waitlist moved again
    assert selectors.odds(world["30"], 10, day=120).chance < 0.2


def test_too_few_past_terms_give_no_answer_and_say_so(world):
    answer = selectors.odds(world["few"], 5)

    assert answer.chance is None
    assert (
        answer.reason
        == "Too few past terms to go on: 1 earlier term of ZZWAIT FEW had a waitlist (Fall 2033); it takes 2."
    )


def test_a_position_past_every_earlier_waitlist_gives_no_answer(world):
    answer = selectors.odds(world["30"], 81)

    assert answer.chance is None
    assert "the longest: 80" in answer.reason


def test_a_course_that_never_had_a_waitlist_shows_nothing(world):
    assert not selectors.had_waitlists(world["quiet"])
    assert selectors.had_waitlists(world["few"])


def test_the_model_is_stored_with_what_it_rests_on(world):
    model = OddsModel.objects.get()

    assert model.terms == ["fall-2031", "fall-2032", "fall-2033"]
    assert len(model.coefficients) == len(model.features) == 5
    assert 0 < model.base_rate < 1


def test_a_sync_of_the_current_term_refreshes_its_course_but_not_the_model(world):
    # given the model fitted on the world, and a new day of the current term
    model = OddsModel.objects.get()
    EnrollmentPointFactory(
        course=world["30"],
        term=TermFactory(year=CURRENT_YEAR, season="fall"),
        date=phase_1(CURRENT_YEAR) + datetime.timedelta(days=6),
        day=7,
        enrolled=104,
        capacity=104,
        waitlisted=76,
    )

    # when the changed course is refreshed
    lines = services.refresh([world["30"].pk])

    # then its current term moved, and the model is the same one
    current = WaitlistMovement.objects.get(course=world["30"], term__slug=f"fall-{CURRENT_YEAR}")
    assert current.movement.admitted[6] == 4
    assert lines[-1] == "model: unchanged (no past term's waitlist changed)"
    assert OddsModel.objects.get().pk == model.pk


def test_a_change_to_a_past_term_asks_for_a_refit(world):
    point = world["30"].enrollment_points.get(term__slug="fall-2032", waitlisted=50)
    point.enrolled += 5
    point.save()

    stored, changed = services.refresh_movements([world["30"].pk])

    assert changed
    assert WaitlistMovement.objects.get(course=world["30"], term__slug="fall-2032").movement.moved_after(5) == 35
