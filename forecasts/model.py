"""When a course fills: the model, on plain data frames (no database), so the stored
forecasts and the backtest in benchmarks/forecast.py run the very same code.

Days are counted from the first day of each term's Phase 1 (day 0), so terms whose
calendars differ line up. A course *fills* on the first day its enrolled percent
reaches 100; a count that later falls back below capacity does not undo that (the
seats were gone once, which is what a student planning around it needs to know).
A course that never reaches 100 in a term's data did not fill: it is kept as a
"did not fill" example for the chance of filling, not dropped. A fill that a hole in
the data hides (Fall 2024 has no point from Jun 14 to Aug 16, across Phase 2) is dated
in the middle of the hole: counting it on the day the data resumed, or leaving it out,
would teach the model that Phase 2 fills come weeks later than they do.

Given a cutoff (a day number in the coming term), ``Forecaster.fit`` learns from the
earlier terms only, and ``predict`` reads the coming term only from the days before
the cutoff. Each training row is one course in one earlier term at one cutoff near
the asked one (every 7 days within ``WINDOW`` days of it), with the features that
course would have had then:

- its own percent at the cutoff (the last point before it) and its rise over the
  last 7 and 21 days: the current term's curve so far;
- its own past: how many earlier terms it has, how often and on which day it filled,
  and where its last term's curve stood at the same day;
- similar courses: the median fill day and the share that filled among courses of the
  same subject, and of the same level (lower division, upper division, graduate).

scikit-learn models read those features: a gradient-boosted classifier for the
chance that the course fills at all, and gradient-boosted quantile regressions
(10th, 50th and 90th percentiles) for how many days after the cutoff it fills,
trained on the courses that did. The interval is then conformalised (conformalized
quantile regression, Romano et al. 2019): out-of-fold predictions over the earlier
terms, holding out one term at a time (or groups of courses when there is only one),
give how far outside its interval each true fill day fell, and
the interval is widened (or narrowed) by that score's 80% quantile so that, on the
earlier terms, 80% of fill days fall inside.
"""

from __future__ import annotations

import math
import re
from dataclasses import dataclass

import numpy as np
import pandas as pd
from sklearn.ensemble import HistGradientBoostingClassifier, HistGradientBoostingRegressor
from sklearn.model_selection import GroupKFold
from threadpoolctl import threadpool_limits

COVERAGE = 0.80
QUANTILES = (0.10, 0.50, 0.90)
STEP = 7  # days between training cutoffs
WINDOW = 28  # training cutoffs within this many days of the asked one
FOLDS = 4
MIN_FILLS = 30  # courses-terms with a dated fill to learn from
FULL = 100.0
HOLE_DAYS = 3
FEATURES = [
    "cutoff",
    "pct_now",
    "rise_7",
    "rise_21",
    "seen_days",
    "past_terms",
    "past_filled_share",
    "past_fill_mean",
    "past_fill_last",
    "past_pct_at_cutoff",
    "past_peak",
    "subject_fill_median",
    "subject_filled_share",
    "level",
    "level_fill_median",
    "level_filled_share",
]
_LEVEL_DIGITS = re.compile(r"\d+")
METHOD = (
    "Gradient-boosted quantile regression (scikit-learn) on this course's earlier Fall terms, courses of "
    "the same subject and level, and this term's curve so far; the 80% interval is calibrated by "
    "conformal prediction on earlier terms."
)


def level_of(number: str) -> int:
    """0 lower division (below 100), 1 upper division (100-199), 2 graduate and beyond."""
    match = _LEVEL_DIGITS.search(number)
    value = int(match.group()) if match else 0
    return 0 if value < 100 else 1 if value < 200 else 2


@dataclass
class TermCurves:
    """One term's daily percent per course, each day carrying the last known point forward."""

    percent: pd.DataFrame  # index course, columns day numbers, NaN before a course's first point
    filled: pd.Series  # reached 100 percent in the term's data
    dated: pd.Series  # and the data shows on which day (no hole hides it)
    fill_day: pd.Series  # the first day at or above 100 percent (a hole's middle when one hides it); NaN when never
    seen_full: pd.Series  # the first day the data shows it at or above 100 percent, holes or not
    last_day: int  # the last day with data

    @classmethod
    def from_points(cls, points: pd.DataFrame) -> TermCurves:
        """``points`` has columns course, day, percent (one row per course and day)."""
        wide = points.pivot_table(index="course", columns="day", values="percent", aggfunc="last")
        days = range(int(wide.columns.min()), int(wide.columns.max()) + 1)
        wide = wide.reindex(columns=days).ffill(axis=1)
        full = points[points["percent"] >= FULL].groupby("course")["day"].min().reindex(wide.index)
        middle = _middle_of_holes(full, sorted(points["day"].unique()))
        dated = full.astype(float).where(middle.isna(), middle)
        return cls(wide, full.notna(), middle.isna() & full.notna(), dated, full.astype(float), int(wide.columns.max()))

    def at(self, day: int) -> pd.Series:
        """Each course's percent from the data before ``day`` (NaN when none)."""
        columns = [c for c in self.percent.columns if c < day]
        if not columns:
            return pd.Series(np.nan, index=self.percent.index)
        return self.percent[columns[-1]]

    def first_seen(self) -> pd.Series:
        return self.percent.notna().idxmax(axis=1).astype(float)


def _middle_of_holes(full: pd.Series, days: list[int]) -> pd.Series:
    """For courses first seen full on the day the data resumed after a hole (no point for
    any course for more than HOLE_DAYS days, as Fall 2024 from Jun 14 to Aug 16), the
    middle of the hole; NaN for the others. They filled somewhere in the hole, on a day
    the data cannot tell; the middle is the usual estimate of a time known only to lie
    in an interval (midpoint imputation of interval-censored data)."""
    holes = {
        after: (before + after) / 2 for before, after in zip(days, days[1:], strict=False) if after - before > HOLE_DAYS
    }
    return full.map(holes).astype(float)


@dataclass
class Terms:
    """Every term's curves, oldest first, and each course's subject and level."""

    curves: dict[str, TermCurves]
    order: list[str]
    subject: pd.Series  # course -> subject code
    level: pd.Series  # course -> 0, 1, 2

    @classmethod
    def from_points(cls, points: pd.DataFrame, order: list[str]) -> Terms:
        """``points``: columns course, subject, number, term, day, percent; ``order`` the
        terms oldest first (terms absent from ``points`` are skipped)."""
        present = [t for t in order if (points["term"] == t).any()]
        curves = {t: TermCurves.from_points(points[points["term"] == t]) for t in present}
        courses = points.drop_duplicates("course").set_index("course")
        return cls(curves, present, courses["subject"], courses["number"].map(level_of))


def _history(terms: Terms, earlier: list[str], courses: pd.Index, cutoff: int) -> pd.DataFrame:
    """The features a course's and similar courses' earlier terms give."""
    out = pd.DataFrame(index=courses)
    if not earlier:
        for name in FEATURES[5:]:
            out[name] = np.nan
        out["past_terms"] = 0.0
        out["level"] = terms.level.reindex(courses).astype(float)
        return out
    fills = pd.concat({t: terms.curves[t].fill_day for t in earlier}, axis=1)  # course x term
    present = pd.concat({t: pd.Series(1.0, index=terms.curves[t].percent.index) for t in earlier}, axis=1)
    filled = pd.concat({t: terms.curves[t].filled for t in earlier}, axis=1).where(present.notna())
    last = earlier[-1]
    own = pd.DataFrame(
        {
            "past_terms": present.notna().sum(axis=1).astype(float),
            "past_filled_share": filled.mean(axis=1),
            "past_fill_mean": fills.mean(axis=1),
            "past_fill_last": fills.ffill(axis=1).iloc[:, -1],
            "past_pct_at_cutoff": terms.curves[last].at(cutoff + 1),
            "past_peak": terms.curves[last].percent.max(axis=1),
        }
    )
    out = out.join(own)
    out["past_terms"] = out["past_terms"].fillna(0.0)
    long = pd.DataFrame(
        {
            "course": np.repeat(filled.index.to_numpy(), len(earlier)),
            "filled": filled.to_numpy().ravel(),
            "day": fills.to_numpy().ravel(),
        }
    ).dropna(subset=["filled"])
    long["filled"] = long["filled"].astype(float)
    long["subject"] = long["course"].map(terms.subject)
    long["level"] = long["course"].map(terms.level)
    for key, of_course in [("subject", terms.subject), ("level", terms.level)]:
        groups = long.groupby(key)
        stats = pd.DataFrame({"median": groups["day"].median(), "share": groups["filled"].mean()})
        keys = of_course.reindex(courses)
        out[f"{key}_fill_median"] = keys.map(stats["median"]).astype(float).to_numpy()
        out[f"{key}_filled_share"] = keys.map(stats["share"]).astype(float).to_numpy()
    out["level"] = terms.level.reindex(courses).astype(float)
    return out


def features(terms: Terms, term: str, cutoff: int) -> pd.DataFrame:
    """One row per course with a point in ``term`` before day ``cutoff``, from the data
    before it only: the term's curve so far, and every term before ``term``."""
    curves = terms.curves[term]
    now = curves.at(cutoff)
    courses = now.index[now.notna()]
    rows = pd.DataFrame(index=courses)
    rows["cutoff"] = float(cutoff)
    rows["pct_now"] = now[courses]
    rows["rise_7"] = rows["pct_now"] - curves.at(cutoff - 7)[courses]
    rows["rise_21"] = rows["pct_now"] - curves.at(cutoff - 21)[courses]
    rows["seen_days"] = cutoff - curves.first_seen()[courses]
    earlier = terms.order[: terms.order.index(term)]
    return rows.join(_history(terms, earlier, courses, cutoff))[FEATURES]


def _training(terms: Terms, before: str, cutoff: int) -> pd.DataFrame:
    """Rows for every term before ``before`` at cutoffs every STEP days around ``cutoff``,
    labelled with whether and on which day the course filled, for courses not yet full."""
    frames = []
    for term in terms.order[: terms.order.index(before)]:
        curves = terms.curves[term]
        for day in range(cutoff - WINDOW, cutoff + WINDOW + 1, STEP):
            if day > curves.last_day:
                continue
            rows = features(terms, term, day)
            rows = rows[~(curves.seen_full.reindex(rows.index) < day)]  # already full: nothing to forecast
            rows["fills"] = curves.filled.reindex(rows.index)
            rows["remaining"] = curves.fill_day.reindex(rows.index) - day
            rows["term"] = term
            frames.append(rows)
    return pd.concat(frames) if frames else pd.DataFrame(columns=[*FEATURES, "fills", "remaining", "term"])


class _Known:
    """A model fitted on the features that have a value somewhere in its training rows:
    a fold of courses with no earlier term has no history at all, and scikit-learn's
    histogram binning refuses a column that is entirely missing."""

    def __init__(self, model):
        self.model = model

    def fit(self, x: pd.DataFrame, y) -> _Known:
        self.columns = list(x.columns[x.notna().any()])
        self.model.fit(x[self.columns], y)
        return self

    def predict(self, x: pd.DataFrame) -> np.ndarray:
        return self.model.predict(x[self.columns])

    def predict_proba(self, x: pd.DataFrame) -> np.ndarray:
        return self.model.predict_proba(x[self.columns])


def _regressor(quantile: float) -> _Known:
    return _Known(
        HistGradientBoostingRegressor(
            loss="quantile", quantile=quantile, max_iter=150, learning_rate=0.05, min_samples_leaf=30, random_state=0
        )
    )


@dataclass
class Forecast:
    course: int
    chance: float  # that it fills at all
    day: float  # median fill day, given it fills
    low: float
    high: float


class NotEnoughData(ValueError):
    pass


class Forecaster:
    """Fit on the terms before ``term`` for one cutoff, then predict ``term``'s courses."""

    def __init__(self, terms: Terms, term: str, cutoff: int):
        self.terms, self.term, self.cutoff = terms, term, cutoff
        self.margin = 0.0
        self.training_rows = 0

    def fit(self) -> Forecaster:
        # One thread: OpenMP's threads fight over a busy machine's cores and make a fit ten times slower.
        with threadpool_limits(1):
            return self._fit()

    def _fit(self) -> Forecaster:
        rows = _training(self.terms, self.term, self.cutoff)
        filled = rows[rows["remaining"].notna()]
        fills = len(filled.reset_index()[["course", "term"]].drop_duplicates()) if len(filled) else 0
        if fills < MIN_FILLS or rows["fills"].all():
            raise NotEnoughData(f"{fills} dated fills in earlier terms near day {self.cutoff}, fewer than {MIN_FILLS}")
        self.training_rows = len(rows)
        self.classifier = _Known(HistGradientBoostingClassifier(max_iter=150, learning_rate=0.05, random_state=0))
        self.classifier.fit(rows[FEATURES], rows["fills"])
        x, y = filled[FEATURES], filled["remaining"].to_numpy()
        # Leave one earlier term out when there are two or more: a new term differs from the
        # last as a whole (its calendar, its holes), and the interval has to allow for that.
        terms = filled["term"].nunique()
        groups = filled["term"] if terms > 1 else pd.Series(filled.index, index=filled.index)
        self.margin = self._conformal_margin(x, y, groups.to_numpy(), min(FOLDS, max(terms, 2)) if terms > 1 else FOLDS)
        self.regressors = [_regressor(q).fit(x, y) for q in QUANTILES]
        return self

    @staticmethod
    def _conformal_margin(x: pd.DataFrame, y: np.ndarray, groups: np.ndarray, folds: int) -> float:
        """The CQR score's finite-sample 80% quantile over out-of-fold predictions."""
        scores = np.empty(len(y))
        for train, held in GroupKFold(n_splits=folds).split(x, y, groups):
            low = _regressor(QUANTILES[0]).fit(x.iloc[train], y[train]).predict(x.iloc[held])
            high = _regressor(QUANTILES[-1]).fit(x.iloc[train], y[train]).predict(x.iloc[held])
            scores[held] = np.maximum(low - y[held], y[held] - high)
        level = min(1.0, math.ceil((len(y) + 1) * COVERAGE) / len(y))
        return float(np.quantile(scores, level, method="higher"))

    def predict(self) -> list[Forecast]:
        rows = features(self.terms, self.term, self.cutoff)
        seen = self.terms.curves[self.term].seen_full.reindex(rows.index)
        rows = rows[~(seen < self.cutoff)]  # full before the cutoff: known, not forecast
        if rows.empty:
            return []
        with threadpool_limits(1):
            return self._predict(rows)

    def _predict(self, rows: pd.DataFrame) -> list[Forecast]:
        chance = self.classifier.predict_proba(rows[FEATURES])[:, 1]
        low, mid, high = (model.predict(rows[FEATURES]) for model in self.regressors)
        low, mid, high = np.sort(np.vstack([low, mid, high]), axis=0)  # quantiles must not cross
        low, high = low - self.margin, high + self.margin
        start = self.cutoff
        return [
            Forecast(int(c), float(p), start + max(0.0, m), start + max(0.0, lo), start + max(0.0, hi))
            for c, p, lo, m, hi in zip(rows.index, chance, low, mid, high, strict=True)
        ]
