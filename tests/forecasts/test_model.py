"""The model on small made-up curves whose answers are known (no database)."""

import pandas as pd
import pytest

from forecasts.model import Forecaster, NotEnoughData, TermCurves, Terms, level_of

from .curves import TERMS, curves, steady_fill_day


@pytest.fixture(scope="module")
def steady():
    points = curves()
    forecaster = Forecaster(Terms.from_points(points, TERMS), TERMS[-1], 0).fit()
    return points, {f.course: f for f in forecaster.predict()}


def test_a_course_that_fills_on_the_same_day_every_year_is_forecast_that_day_with_a_narrow_interval(steady):
    _, forecasts = steady
    for course in range(60):
        forecast, truth = forecasts[course], steady_fill_day(course)
        assert abs(forecast.day - truth) <= 6, (course, forecast, truth)
        assert forecast.low <= truth <= forecast.high
        assert forecast.high - forecast.low <= 40  # the courses fill over 120 days
        assert forecast.chance > 0.9


def test_a_course_that_never_filled_is_given_a_low_chance_not_dropped(steady):
    _, forecasts = steady
    assert all(forecasts[course].chance < 0.1 for course in range(60, 75))


def test_data_on_or_after_the_cutoff_is_never_read(steady):
    points, before = steady
    later = points.copy()
    after = (later["term"] == TERMS[-1]) & (later["day"] >= 0)
    later.loc[after, "percent"] = 100.0  # every course full from the cutoff on
    changed = Forecaster(Terms.from_points(later, TERMS), TERMS[-1], 0).fit().predict()
    assert {f.course: f for f in changed} == before


def test_a_course_already_full_before_the_cutoff_is_not_forecast():
    points = curves()
    forecaster = Forecaster(Terms.from_points(points, TERMS), TERMS[-1], 40).fit()
    forecast = {f.course for f in forecaster.predict()}
    assert {c for c in range(60) if steady_fill_day(c) < 40}.isdisjoint(forecast)
    assert {c for c in range(60) if steady_fill_day(c) >= 40} <= forecast


def test_too_few_earlier_fills_is_said_not_guessed():
    points = curves(courses=10, never=5, terms=TERMS[:2])
    with pytest.raises(NotEnoughData):
        Forecaster(Terms.from_points(points, TERMS[:2]), TERMS[1], 0).fit()


def frame(rows):
    return pd.DataFrame(rows, columns=["course", "day", "percent"])


def test_a_course_fills_on_the_first_day_it_reaches_capacity_even_if_it_falls_back():
    daily = [(2, day, 10.0) for day in range(13)]  # some course has a point every day: no hole
    curves = TermCurves.from_points(frame([(1, 0, 40.0), (1, 5, 100.0), (1, 9, 96.0), (1, 12, 101.0), *daily]))
    assert curves.fill_day[1] == 5
    assert curves.filled[1]


def test_a_fill_hidden_by_a_hole_in_the_data_is_dated_in_the_middle_of_the_hole():
    rows = [(1, 0, 10.0), (1, 1, 20.0), (1, 30, 100.0), (2, 0, 5.0), (2, 1, 6.0), (2, 30, 40.0), (2, 31, 100.0)]
    curves = TermCurves.from_points(frame(rows))
    assert curves.filled[1]
    assert not curves.dated[1]
    assert curves.fill_day[1] == 15.5  # somewhere from day 2 to day 30
    assert curves.seen_full[1] == 30
    assert curves.dated[2]
    assert curves.fill_day[2] == 31  # the day after the data resumed is seen, not hidden


def test_a_course_that_never_reaches_capacity_did_not_fill():
    curves = TermCurves.from_points(frame([(1, 0, 40.0), (1, 5, 99.9)]))
    assert not curves.filled[1]
    assert pd.isna(curves.fill_day[1])


@pytest.mark.parametrize(("number", "level"), [("61A", 0), ("C8", 0), ("170", 1), ("C100", 1), ("294", 2), ("", 0)])
def test_levels(number, level):
    assert level_of(number) == level


@pytest.mark.parametrize(
    ("past_terms", "chance", "width", "day", "starts"),
    [
        (0, 0.9, 20, 30, "No forecast: no earlier Fall term"),
        (2, 0.9, 20, 6, "No date yet: until day 15 of Phase 1"),
        (2, 0.3, 20, 30, "Not expected to fill: a 30% chance"),
        (2, 0.9, 91, 30, "No forecast: its 80% interval would span 91 days"),
        (2, 0.9, 90, 14, ""),
    ],
)
def test_a_date_is_withheld_where_it_would_mislead_and_says_why(past_terms, chance, width, day, starts):
    from forecasts.services import withheld_because

    reason = withheld_because(past_terms, chance, width, day)
    assert reason.startswith(starts)
    assert bool(reason) == bool(starts)
