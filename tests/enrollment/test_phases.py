"""Enrollment phases inferred from the data: on small terms the tests build, and on the
real data set (imported once per run by the enrollment_data fixture)."""

import datetime
import io
import re

import pytest
from django.core.management import call_command

from catalog.models import Term
from enrollment import selectors
from enrollment.models import EnrollmentPoint, TermPhases
from enrollment.phases import MAX_BLIND_DAYS, MIN_GAP_DAYS, infer_phases
from tests.enrollment.factories import EnrollmentPointFactory, TermPhasesFactory
from tests.factories import CourseFactory, SubjectFactory, TermFactory

pytestmark = pytest.mark.django_db

START = datetime.date(2031, 3, 1)


def day(n: int) -> datetime.date:
    """Day n of the small terms' data (day 0 is their first day)."""
    return START + datetime.timedelta(days=n)


def term_with(curves: dict[int, list[tuple[int, int]]], year: int = 2031) -> Term:
    """A fresh term; each course's (day, enrolled) points, recorded only on days they change."""
    term = TermFactory(year=year, season="fall")
    subject = SubjectFactory(code=f"ZZPH{year}")
    for index, points in curves.items():
        course = CourseFactory(subject=subject, number=str(index))
        for n, enrolled in points:
            EnrollmentPointFactory(course=course, term=term, date=day(n), day=n + 1, enrolled=enrolled)
    return term


def infer(term: Term) -> TermPhases:
    infer_phases([term])
    return TermPhases.objects.get(term=term)


# Two courses: nobody enrolled for 10 days, then Phase 1 opens over three days (day 10),
# Phase 2 on day 100, the adjustment period on day 130; small moves in between. The
# day before each jump has data, as every day of the real data set's terms does.
THREE_PHASES = {
    1: [(0, 0), (9, 0), (10, 40), (11, 60), (12, 70), (40, 71), (99, 71), (100, 90), (101, 95), (129, 95),
        (130, 110), (150, 109)],
    2: [(0, 0), (10, 10), (12, 20), (60, 21), (100, 40), (130, 45), (150, 45)],
}  # fmt: skip


def test_clear_jumps_give_phase_1_phase_2_and_the_adjustment_period():
    # given a term whose total jumps on days 10, 100 and 130
    term = term_with(THREE_PHASES)
    # when the phases are inferred
    phases = infer(term)
    # then each jump starts a phase, each phase ends the day before the next
    assert (phases.phase_1_start, phases.phase_2_start, phases.adjustment_start) == (day(10), day(100), day(130))
    assert (phases.phase_1_end, phases.phase_2_end, phases.adjustment_end) == (day(99), day(129), None)
    assert phases.dates_from == TermPhases.INFERRED
    assert phases.note == ""


def test_no_jump_leaves_every_phase_unset_and_says_so():
    # given a term in which nobody ever enrolls
    term = term_with({1: [(0, 0), (5, 0), (40, 0)], 2: [(0, 0), (30, 0)]})
    phases = infer(term)
    assert phases.marks() == []
    assert phases.note == (
        f"Phase 1, Phase 2 and the adjustment period: no jump in the data ({day(0):%b %-d, %Y} to {day(40):%b %-d, %Y})."
    )
    assert phases.dates_from == TermPhases.INFERRED


def test_data_that_begins_with_students_enrolled_cannot_date_phase_1():
    # given a term whose data begins with students enrolled, and creeps up from there
    term = term_with({1: [(0, 50), (5, 51), (10, 52), (40, 53)]})
    phases = infer(term)
    assert phases.marks() == []
    assert phases.note == (
        f"Phase 1, Phase 2 and the adjustment period: not dated, the data begins on {day(0):%b %-d, %Y} "
        "with 50 students already enrolled."
    )


def test_a_rise_hidden_by_a_hole_in_the_data_is_not_dated_nor_anything_after_it():
    # given Phase 1 on day 10, then no data at all for a month, during which enrollment rose
    term = term_with({1: [(0, 0), (9, 0), (10, 40), (12, 50), (20, 51), (60, 90), (61, 91), (100, 130)]})
    phases = infer(term)
    assert phases.phase_1_start == day(10)
    assert (phases.phase_1_end, phases.phase_2_start, phases.adjustment_start) == (None, None, None)
    assert phases.note == (
        f"Phase 2 and the adjustment period: not dated, no data from {day(21):%b %-d, %Y} "
        f"to {day(59):%b %-d, %Y}, while enrollment rose by 39."
    )
    assert phases.inferred_through == day(20)


def test_a_short_pause_in_the_data_does_not_hide_a_jump():
    term = term_with({1: [(0, 0), (9, 0), (10, 40), (100 - MAX_BLIND_DAYS, 41), (100, 80)]})
    assert infer(term).phase_2_start == day(100)


def test_jumps_closer_than_the_minimum_gap_open_one_phase():
    # given a second rise less than MIN_GAP_DAYS after the first run of jumps
    later = 10 + MIN_GAP_DAYS - 1
    term = term_with({1: [(0, 0), (9, 0), (10, 40), (later - 1, 40), (later, 60), (80, 61)]})
    phases = infer(term)
    assert phases.phase_1_start == day(10)
    assert phases.phase_2_start is None
    assert phases.note.startswith("Phase 2 and the adjustment period: no jump in the data")


def test_a_phase_still_running_when_the_data_ends_is_not_in_the_data_yet():
    term = term_with({1: [(0, 0), (9, 0), (10, 40), (11, 45), (14, 46)]})
    phases = infer(term)
    assert phases.phase_1_start == day(10)
    assert phases.note == f"Phase 2 and the adjustment period: not in the data yet (it ends {day(14):%b %-d, %Y})."


def test_staff_dates_are_never_overwritten_and_running_twice_changes_nothing():
    # given one term staff set by hand, and one left to the inference
    staff_term = term_with(THREE_PHASES, year=2032)
    TermPhasesFactory(term=staff_term, phase_1_start=day(3), dates_from=TermPhases.STAFF)
    inferred_term = term_with(THREE_PHASES, year=2033)
    # when the inference runs twice
    first = infer_phases([staff_term, inferred_term])
    second = infer_phases([staff_term, inferred_term])
    # then the staff's term is as they left it, and the second run changed nothing
    staff = TermPhases.objects.get(term=staff_term)
    assert (staff.phase_1_start, staff.phase_2_start, staff.dates_from) == (day(3), None, TermPhases.STAFF)
    assert first[0] == "Fall 2032: set by staff, left as it is"
    assert first[1].endswith("(changed)")
    assert not any(line.endswith("(changed)") for line in second)


# -- where a day falls -----------------------------------------------------------


@pytest.mark.parametrize(
    ("n", "wording"),
    [
        (5, "before Phase 1"),
        (10, "Phase 1 (day 1)"),
        (99, "Phase 1 (day 90)"),
        (100, "Phase 2 (day 1)"),
        (131, "Adjustment period (day 2)"),
        # the adjustment period has no known end: named for MIN_GAP_DAYS after its last jump
        (130 + MIN_GAP_DAYS - 1, f"Adjustment period (day {MIN_GAP_DAYS})"),
        (130 + MIN_GAP_DAYS, f"{MIN_GAP_DAYS} days after the adjustment period began"),
    ],
)
def test_each_day_is_named_by_its_phase(n, wording):
    phases = infer(term_with(THREE_PHASES))
    assert phases.phase_on(day(n)) == wording


def test_the_headline_names_the_term_the_phase_and_the_figure():
    # given a course whose latest point is on day 12 of a term whose Phase 1 began on day 10
    term = term_with({1: [(0, 0), (9, 0), (10, 40), (12, 47)]})
    infer(term)
    EnrollmentPoint.objects.filter(term=term, date=day(12)).update(enrolled_percent="4.7")
    course = EnrollmentPoint.objects.get(term=term, date=day(12)).course
    # when its series is read
    series = selectors.enrollment_series(course, term)
    # then
    assert series.headline == "Fall 2031, Phase 1 (day 3): 4.7% full"
    EnrollmentPoint.objects.filter(term=term).update(enrolled_percent=None)
    assert selectors.enrollment_series(course, term).headline == "Fall 2031, Phase 1 (day 3): 47 enrolled"


def test_the_headline_says_when_phases_are_not_known():
    term = term_with({1: [(0, 30), (1, 31)]})
    course = EnrollmentPoint.objects.filter(term=term).first().course
    assert selectors.enrollment_series(course, term).headline.startswith("Fall 2031, phases not known: ")


# -- the real data set ------------------------------------------------------------


REAL_TERMS = ["fall-2023", "fall-2024", "fall-2025", "fall-2026"]


@pytest.mark.usefixtures("enrollment_data")
@pytest.mark.parametrize("slug", REAL_TERMS)
def test_every_real_term_gets_a_plausible_phase_1_start(slug):
    phases = TermPhases.objects.get(term__slug=slug)
    year = phases.term.year
    assert phases.dates_from == TermPhases.INFERRED
    # Fall enrollment opens in the spring before: Phase 1 in March to May, Phase 2 in July,
    # the adjustment period in August.
    assert phases.phase_1_start is not None
    assert datetime.date(year, 3, 1) <= phases.phase_1_start <= datetime.date(year, 5, 31)
    if phases.phase_2_start:
        assert datetime.date(year, 7, 1) <= phases.phase_2_start <= datetime.date(year, 7, 31)
        assert phases.phase_1_end == phases.phase_2_start - datetime.timedelta(days=1)
    if phases.adjustment_start:
        assert phases.phase_2_start is not None
        assert datetime.date(year, 8, 1) <= phases.adjustment_start <= datetime.date(year, 8, 31)
    # Nothing before Phase 1: on the day before it, the term's courses hold almost nobody.
    before = EnrollmentPoint.objects.filter(term=phases.term, date__lt=phases.phase_1_start)
    enrolled_before = {}
    for course_id, enrolled in before.order_by("date").values_list("course_id", "enrolled"):
        enrolled_before[course_id] = enrolled
    assert sum(enrolled_before.values()) < 100


@pytest.mark.usefixtures("enrollment_data")
def test_what_the_real_data_cannot_show_is_unset_and_explained():
    fall_2026 = TermPhases.objects.get(term__slug="fall-2026")
    last = EnrollmentPoint.objects.filter(term=fall_2026.term).latest("date").date
    assert fall_2026.phase_2_start is None
    assert fall_2026.note == f"Phase 2 and the adjustment period: not in the data yet (it ends {last:%b %-d, %Y})."
    for phases in TermPhases.objects.filter(term__slug__in=REAL_TERMS):
        unset = [name for name in ("phase_2_start", "adjustment_start") if getattr(phases, name) is None]
        assert bool(unset) == bool(phases.note), phases.term.name


@pytest.mark.usefixtures("enrollment_data")
def test_the_import_summary_and_the_command_report_the_phases(enrollment_data):
    for slug in REAL_TERMS:
        phases = TermPhases.objects.get(term__slug=slug)
        assert f"phases: {phases.term.name}: Phase 1 from {phases.phase_1_start:%b %-d, %Y}" in enrollment_data
    out = io.StringIO()
    call_command("infer_phases", stdout=out)
    text = out.getvalue()
    assert "jumps less than 21 days apart open one phase" in text
    assert "terms changed: 0" in text


@pytest.mark.usefixtures("enrollment_data")
def test_the_course_panel_headline_names_the_latest_term_and_its_phase(client):
    # given COMPSCI 61A's latest point, in Fall 2026, and the phase inferred for that term
    latest = EnrollmentPoint.objects.filter(course__code="COMPSCI 61A").order_by("-term__sort_key", "-date").first()
    phases = TermPhases.objects.get(term=latest.term)
    n = (latest.date - phases.phase_1_start).days + 1
    # when the course page is read
    html = re.sub(r"\s+", " ", client.get("/courses/COMPSCI/61A/").content.decode())
    # then its headline says which term and which day of which phase the figure is from
    figure = re.search(r'<p class="figure">(.*?)</p>', html).group(1)
    words = re.sub(r"<[^>]+>", "", figure)
    assert words == f"{latest.term.name}, Phase 1 (day {n}): {latest.enrolled_percent.normalize():f}% full"
