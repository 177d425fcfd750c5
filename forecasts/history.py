"""The enrollment data as the model reads it: one frame of daily percents per course,
term and day, days counted from each term's Phase 1 start (enrollment.models.TermPhases).
Terms without a Phase 1 start cannot be lined up with the others and are left out."""

from __future__ import annotations

import datetime
from dataclasses import dataclass

import pandas as pd

from catalog.models import Term
from enrollment.models import EnrollmentPoint, TermPhases

from .model import Terms


@dataclass
class Season:
    """A season's terms with a Phase 1 start, oldest first, and their data as the model reads it."""

    terms: list[Term]
    phases: dict[str, TermPhases]  # by term slug
    data: Terms

    def phase_1_start(self, term: Term) -> datetime.date:
        return self.phases[term.slug].phase_1_start

    def date_of(self, term: Term, day: float) -> datetime.date:
        return self.phase_1_start(term) + datetime.timedelta(days=round(day))

    def day_of(self, term: Term, date: datetime.date) -> int:
        return (date - self.phase_1_start(term)).days


def season_of(term: Term, before: datetime.date | None = None) -> Season | None:
    """``term`` and the earlier terms of its season, from the points dated before
    ``before`` (all of them when None); None when ``term`` has no Phase 1 start."""
    loaded = season_frame(term)
    if loaded is None:
        return None
    terms, phases, frame = loaded
    return season_from(terms, phases, frame if before is None else frame[frame["date"] < before])


def season_from(terms: list[Term], phases: dict[str, TermPhases], frame: pd.DataFrame) -> Season:
    return Season(terms, phases, Terms.from_points(frame, [t.slug for t in terms]))


def season_frame(term: Term) -> tuple[list[Term], dict[str, TermPhases], pd.DataFrame] | None:
    """The terms, their phases and every point (course, subject, number, term, date, day, percent)."""
    phases = {
        p.term.slug: p
        for p in TermPhases.objects.select_related("term").filter(
            term__season=term.season, term__sort_key__lte=term.sort_key, phase_1_start__isnull=False
        )
    }
    if term.slug not in phases:
        return None
    terms = sorted((p.term for p in phases.values()), key=lambda t: t.sort_key)
    points = (
        EnrollmentPoint.objects
        .filter(term__in=terms, enrolled_percent__isnull=False)
        .values_list("course_id", "course__subject_id", "course__number", "term__slug", "date", "enrolled_percent")
    )  # fmt: skip
    frame = pd.DataFrame(list(points), columns=["course", "subject", "number", "term", "date", "percent"])
    starts = {slug: p.phase_1_start for slug, p in phases.items()}
    frame["percent"] = frame["percent"].astype(float)
    frame["day"] = [(date - starts[slug]).days for date, slug in zip(frame["date"], frame["term"], strict=True)]
    return terms, phases, frame
