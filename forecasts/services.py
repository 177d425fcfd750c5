"""Refreshing the stored forecasts of the coming term (FillForecast)."""

from __future__ import annotations

import datetime
import logging
from dataclasses import dataclass

from django.db import transaction
from django.db.models import Exists, Max, OuterRef
from django.utils import timezone

from berkeleytime.caching import bump_data_generation
from catalog.models import Term
from enrollment.models import EnrollmentPoint, long_date

from .history import Season, season_of
from .model import Forecaster, NotEnoughData
from .models import FillForecast

logger = logging.getLogger(__name__)

MIN_CHANCE = 0.5  # below this the course is "not expected to fill"
MAX_WIDTH_DAYS = 90  # a wider 80% interval is too vague to plan by
# Before this day of Phase 1 the Fall 2025 backtest's forecasts were no closer than
# last year's fill day (day 0: 30.3 days off against 30.3; day 7: 27.5 against 29.9) and
# their intervals held 72-74% of fill days, not 80% (benchmarks/forecast.py, README).
FIRST_DAY = 14


@dataclass
class Refresh:
    term: Term | None = None
    data_through: datetime.date | None = None
    shown: int = 0
    withheld: int = 0
    full: int = 0
    skipped: str = ""

    def __str__(self) -> str:
        if self.skipped:
            return f"no forecasts: {self.skipped}"
        return (
            f"{self.term.name}, data through {long_date(self.data_through)}: {self.shown} forecasts shown, "
            f"{self.withheld} withheld, {self.full} full already"
        )


def coming_term() -> Term | None:
    """The term being enrolled in, or about to be: of the terms with enrollment data and a
    Phase 1 start to count days from, the one whose Phase 1 starts last. (A newer term the
    SIS sync has begun to record, with no phases yet, cannot be forecast.)"""
    return (
        Term.objects
        .filter(enrollment_phases__phase_1_start__isnull=False)
        .filter(Exists(EnrollmentPoint.objects.filter(term=OuterRef("pk"))))
        .order_by("-enrollment_phases__phase_1_start")
        .first()
    )  # fmt: skip


def refresh_forecasts() -> Refresh:
    """Replace the stored forecasts with the coming term's, from all the data there is now."""
    term = coming_term()
    if term is None:
        return Refresh(skipped="no term with enrollment data and a Phase 1 start.")
    season = season_of(term)
    if season is None or term.slug not in season.data.curves:
        return Refresh(term=term, skipped=f"{term.name} has no Phase 1 start to count its days from.")
    data_through = EnrollmentPoint.objects.filter(term=term).aggregate(last=Max("date"))["last"]
    cutoff = season.day_of(term, data_through) + 1  # the data through data_through is read
    try:
        forecaster = Forecaster(season.data, term.slug, cutoff).fit()
    except NotEnoughData as exc:
        return Refresh(term=term, skipped=f"too little history: {exc}.")
    rows = [*_forecast_rows(season, term, forecaster), *_full_rows(season, term, cutoff)]
    for row in rows:
        row.data_through = data_through
    with transaction.atomic():
        # One term at a time: the one before it is over, and its curve is the answer.
        FillForecast.objects.all().delete()
        FillForecast.objects.bulk_create(rows)
        transaction.on_commit(bump_data_generation)
    full = sum(1 for row in rows if row.full_since)
    withheld = sum(1 for row in rows if row.withheld)
    return Refresh(term, data_through, len(rows) - withheld - full, withheld, full)


def _forecast_rows(season: Season, term: Term, forecaster: Forecaster) -> list[FillForecast]:
    now = timezone.now()
    phases = season.phases[term.slug]
    past = season.data.curves[term.slug].percent.index.to_series()
    earlier = [season.data.curves[t].percent.index for t in season.data.order if t != term.slug]
    past = past.map(lambda course: sum(course in index for index in earlier))
    rows = []
    for forecast in forecaster.predict():
        date, low, high = (season.date_of(term, day) for day in (forecast.day, forecast.low, forecast.high))
        past_terms = int(past.get(forecast.course, 0))
        rows.append(
            FillForecast(
                course_id=forecast.course,
                term=term,
                chance=round(forecast.chance, 3),
                date=date,
                low=low,
                high=high,
                phase=phases.phase_on(date),
                past_terms=past_terms,
                withheld=withheld_because(past_terms, forecast.chance, (high - low).days, forecaster.cutoff),
                computed_at=now,
            )
        )
    return rows


def withheld_because(past_terms: int, chance: float, width_days: int, day: int) -> str:
    """Why no date is shown, in one line; empty when one is. ``day``: the forecast's
    cutoff, counted from the first day of Phase 1 (day 0)."""
    if past_terms == 0:
        return "No forecast: no earlier Fall term of this course is in the data to learn its pace from."
    if day < FIRST_DAY:
        return (
            f"No date yet: until day {FIRST_DAY + 1} of Phase 1, forecasts were no closer than last year's "
            f"fill day when tested on Fall 2025."
        )
    if chance < MIN_CHANCE:
        return f"Not expected to fill: a {chance:.0%} chance, from its earlier terms and this term so far."
    if width_days > MAX_WIDTH_DAYS:
        return f"No forecast: its 80% interval would span {width_days} days, too wide to plan by."
    return ""


def _full_rows(season: Season, term: Term, cutoff: int) -> list[FillForecast]:
    """Courses already full: the day they first reached capacity, no forecast."""
    now = timezone.now()
    seen = season.data.curves[term.slug].seen_full.dropna()
    return [
        FillForecast(course_id=int(course), term=term, full_since=season.date_of(term, day), computed_at=now)
        for course, day in seen.items()
        if day < cutoff
    ]
