"""The fill forecast's backtest on Fall 2025 (forecasts/model.py).

At each cutoff (the first day of Phase 1, then every 7 days through the term's last
data) the model is fitted and asked with only the points dated before the cutoff, and
its forecasts are scored against the day each course first reached 100% in Fall 2025.

Scored: the courses that were not full yet at the cutoff and filled later in Fall 2025.
The rest are reported apart: courses that never filled (how often the model gave them
under a 50% chance, i.e. said "won't fill") and fillers the model said would not.

The naive baseline is "the same day as last year", clipped to the cutoff (a course
that is not full yet cannot fill before it), in two readings: the Fall 2024 day the
course was first seen full, counted from Phase 1 (``baseline_phase``), and the same
calendar date one year on (``baseline_calendar``). Both are scored on the courses that
filled in Fall 2024 (``common``), next to the model on the same courses. Fall 2024's
data has a hole from Jun 14 to Aug 16; a course first seen full when the data resumed
filled on an unknown day inside it, and the baseline reads it as the day of resumption,
as a student reading last year's chart would.

Targets: at the first cutoff, a model MAE at least 30% below the baseline's (the phase
reading, on the common courses), and 75-85% of true fill days inside the 80% intervals.
"""

from __future__ import annotations

import datetime
import time

import numpy as np
import pandas as pd

FIRST_CUTOFF_REDUCTION_MIN = 0.30
COVERAGE_RANGE = (0.75, 0.85)


def bench_backtest(options) -> dict:
    import django

    django.setup()
    from catalog.models import Term
    from forecasts.history import season_frame, season_from
    from forecasts.model import Forecaster, NotEnoughData
    from forecasts.services import withheld_because

    target, last_year = Term.objects.get(slug="fall-2025"), Term.objects.get(slug="fall-2024")
    terms, phases, frame = season_frame(target)
    start, start_before = phases[target.slug].phase_1_start, phases[last_year.slug].phase_1_start
    truth_terms = season_from(terms, phases, frame).data
    truth = truth_terms.curves[target.slug]
    before = truth_terms.curves[last_year.slug].seen_full.dropna()
    calendar = pd.Series(
        [(start_before + datetime.timedelta(days=int(d)) + datetime.timedelta(days=365) - start).days for d in before],
        index=before.index,
        dtype=float,
    )
    rows = []
    for cutoff in range(0, truth.last_day + 1, 7):
        started = time.perf_counter()
        cutoff_date = start + datetime.timedelta(days=cutoff)
        season = season_from(terms, phases, frame[frame["date"] < cutoff_date])
        row = {
            "cutoff_day": cutoff,
            "cutoff_date": cutoff_date.isoformat(),
            "phase": phases[target.slug].phase_on(cutoff_date),
        }
        try:
            forecaster = Forecaster(season.data, target.slug, cutoff).fit()
        except NotEnoughData as exc:
            rows.append({**row, "not_fitted": str(exc)})
            continue
        got = pd.DataFrame([vars(f) for f in forecaster.predict()]).set_index("course")
        earlier = [season.data.curves[t].percent.index for t in season.data.order if t != target.slug]
        got["past_terms"] = [sum(c in index for index in earlier) for c in got.index]
        got["shown"] = [
            not withheld_because(p, chance, int(round(hi - lo)), cutoff)
            for p, chance, lo, hi in zip(got["past_terms"], got["chance"], got["low"], got["high"], strict=True)
        ]
        got["truth"] = truth.fill_day.reindex(got.index)
        filled = got[truth.filled.reindex(got.index).fillna(False).astype(bool)]
        scored = filled[truth.dated.reindex(filled.index).fillna(False).astype(bool)]
        never = got[~truth.filled.reindex(got.index).fillna(False).astype(bool)]
        common = scored[before.reindex(scored.index).notna()]
        phase_base = before.reindex(common.index).clip(lower=cutoff)
        calendar_base = calendar.reindex(common.index).clip(lower=cutoff)
        shown = scored[scored["shown"]]
        model_common = _mae(common["day"], common["truth"])
        base_phase = _mae(phase_base, common["truth"])
        row.update(
            {
                "forecast": len(got),
                "scored": len(scored),
                "mae_days": _round(_mae(scored["day"], scored["truth"])),
                "coverage": _round(_coverage(scored), 3),
                "median_interval_days": _round(float((scored["high"] - scored["low"]).median())),
                "common": len(common),
                "mae_days_common": _round(model_common),
                "baseline_phase_mae_days": _round(base_phase),
                "baseline_calendar_mae_days": _round(_mae(calendar_base, common["truth"])),
                "mae_reduction": _round(1 - model_common / base_phase, 3) if base_phase else None,
                "shown": len(shown),
                "shown_mae_days": _round(_mae(shown["day"], shown["truth"])),
                "shown_coverage": _round(_coverage(shown), 3),
                "never_filled": len(never),
                "never_filled_said_wont": _round(float((never["chance"] < 0.5).mean()), 3) if len(never) else None,
                "never_filled_shown": int(never["shown"].sum()),
                "filled_said_wont": _round(float((filled["chance"] < 0.5).mean()), 3) if len(filled) else None,
                "conformal_margin_days": _round(forecaster.margin),
                "training_rows": forecaster.training_rows,
                "seconds": _round(time.perf_counter() - started, 2),
            }
        )
        rows.append(row)
        print(row, flush=True)
    first = rows[0]
    scored_rows = [r for r in rows if r.get("scored")]
    coverage = sum(r["coverage"] * r["scored"] for r in scored_rows) / sum(r["scored"] for r in scored_rows)
    low, high = COVERAGE_RANGE
    return {
        "term": target.name,
        "cutoffs": rows,
        "first_cutoff_mae_reduction": first.get("mae_reduction"),
        "first_cutoff_coverage": first.get("coverage"),
        "coverage_over_all_cutoffs": round(coverage, 3),
        "targets": {
            "first_cutoff_mae_reduction_min": FIRST_CUTOFF_REDUCTION_MIN,
            "coverage_range": list(COVERAGE_RANGE),
        },
        "meets_targets": bool(
            (first.get("mae_reduction") or 0) >= FIRST_CUTOFF_REDUCTION_MIN
            and low <= (first.get("coverage") or 0) <= high
        ),
    }


def _mae(predicted, actual) -> float | None:
    errors = np.abs(np.asarray(predicted, dtype=float) - np.asarray(actual, dtype=float))
    return float(errors.mean()) if len(errors) else None


def _coverage(rows: pd.DataFrame) -> float | None:
    if rows.empty:
        return None
    return float(((rows["truth"] >= rows["low"]) & (rows["truth"] <= rows["high"])).mean())


def _round(value, digits: int = 1):
    return None if value is None or (isinstance(value, float) and np.isnan(value)) else round(value, digits)
