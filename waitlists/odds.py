"""The chance that a waitlist position clears, from how waitlists moved in past terms.

A course's own past terms say how far its waitlist moved after a comparable day (the
same number of days after Phase 1 began); a logistic regression (scikit-learn) fitted
on every course's past terms turns that into a calibrated chance. Its features:

- log_position: the log of the position;
- position_per_seat: the position over the class's capacity that day (capped at 5);
- past_movement_vs_position: the mean over the course's past terms of log(1 + how far
  its waitlist moved after that day), less log_position: above 0 when it usually
  moved further than the position;
- past_share_cleared: the share of those terms in which it moved at least that far;
- time_elapsed: the day over the horizon, since late waitlists have less time to move.

Rows to fit on: every course and past term with a waitlist, on day 0 and every
STEP_DAYS days after while it had a waitlist, each position on it, the rest of the
course's past terms as its history (each term's rows see the other terms; an answer
sees the terms before its own). Positions past the tenth are taken on a geometric
grid, each weighted by the positions it stands for, so a 300-student waitlist is a few
dozen rows that count as 300.
"""

from __future__ import annotations

import math
from dataclasses import dataclass

import numpy as np
from scipy.special import expit
from sklearn.linear_model import LogisticRegression

from .movement import HORIZON_DAYS, Movement

MIN_TERMS = 2
STEP_DAYS = 7
MAX_PER_SEAT = 5.0
FEATURES = ["log_position", "position_per_seat", "past_movement_vs_position", "past_share_cleared", "time_elapsed"]


@dataclass(frozen=True)
class Row:
    features: list[float]
    cleared: bool
    weight: int
    day: int
    position: int


@dataclass(frozen=True)
class Fitted:
    coefficients: list[float]
    intercept: float
    rows: int
    base_rate: float

    def chance(self, features: list[float]) -> float:
        return float(self.chances(np.array([features]))[0])

    def chances(self, matrix: np.ndarray) -> np.ndarray:
        return expit(matrix @ np.array(self.coefficients) + self.intercept)


def features(position: int, day: int, capacity: int | None, past_moved: list[int]) -> list[float]:
    """One row's features (see the module's docstring); ``past_moved`` holds, per past
    term, how far the course's waitlist moved after ``day``."""
    log_position = math.log(position)
    per_seat = min(position / capacity, MAX_PER_SEAT) if capacity else MAX_PER_SEAT
    return [
        log_position,
        per_seat,
        float(np.mean([math.log1p(moved) for moved in past_moved])) - log_position,
        float(np.mean([moved >= position for moved in past_moved])),
        day / HORIZON_DAYS,
    ]


def position_grid(waitlist: int) -> list[tuple[int, int]]:
    """(position, how many positions it stands for): 1 to 10 one by one, then about a
    quarter further each step, up to ``waitlist``."""
    points = list(range(1, min(waitlist, 10) + 1))
    while points[-1] < waitlist:
        points.append(min(waitlist, max(points[-1] + 1, round(points[-1] * 1.25))))
    return [(p, following - p) for p, following in zip(points, [*points[1:], waitlist + 1], strict=True)]


def cutoff_days() -> range:
    return range(0, HORIZON_DAYS, STEP_DAYS)


def rows_for(target: Movement, history: list[Movement], every_position: bool = False) -> list[Row]:
    """Rows for one course and term, on each cutoff day while it had a waitlist: every
    position with ``every_position`` (the backtest), else the weighted grid."""
    if not history:
        return []
    moved_after = target.moved_after_each_day()
    history_after = [past.moved_after_each_day() for past in history]
    fallback_capacity = max((c for past in history for c in past.capacity if c), default=None)
    rows = []
    for day in cutoff_days():
        waitlist = target.waitlisted[day]
        if not waitlist:
            continue
        capacity = target.capacity_on(day) or fallback_capacity
        past = [after[day] for after in history_after]
        positions = [(p, 1) for p in range(1, waitlist + 1)] if every_position else position_grid(waitlist)
        rows.extend(
            Row(features(p, day, capacity, past), moved_after[day] >= p, weight, day, p) for p, weight in positions
        )
    return rows


def training_rows(courses: dict[object, dict[str, Movement]]) -> list[Row]:
    """``courses``: per course, its complete terms' movements by term slug. Each term
    with a waitlist gives rows, the course's other terms with a waitlist its history."""
    rows = []
    for terms in courses.values():
        waitlisted = {slug: m for slug, m in terms.items() if m.had_waitlist}
        for slug, movement in waitlisted.items():
            rows.extend(rows_for(movement, [m for other, m in waitlisted.items() if other != slug]))
    return rows


def fit(rows: list[Row]) -> Fitted | None:
    """The logistic regression over ``rows``; None when they do not hold both outcomes."""
    outcomes = {row.cleared for row in rows}
    if len(outcomes) < 2:
        return None
    matrix = np.array([row.features for row in rows])
    cleared = np.array([row.cleared for row in rows])
    weights = np.array([row.weight for row in rows], dtype=float)
    model = LogisticRegression(max_iter=2000).fit(matrix, cleared, sample_weight=weights)
    return Fitted(
        coefficients=[float(c) for c in model.coef_[0]],
        intercept=float(model.intercept_[0]),
        rows=len(rows),
        base_rate=float(np.average(cleared, weights=weights)),
    )
