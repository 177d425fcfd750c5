"""Waitlist odds backtest: Fall 2025 answered from Fall 2023 and Fall 2024 only.

The model (waitlists/odds.py) is fitted on the Fall 2023 and 2024 movements alone.
Then, for every course with a Fall 2025 waitlist and at least MIN_TERMS earlier
terms with one, on the first day of Phase 1 and every 7 days after while it had a
waitlist, every position on it (1 to the waitlist's length) is given the chance the
site would have shown, and checked against whether the waitlist's front moved that
far by the horizon (waitlists/movement.py). Reported: calibration by decile of the
predicted chance (scikit-learn's calibration_curve, quantile bins, with the count in
each), the Brier score and log loss, and two baselines in the same run: the pooled
base rate of the fitting rows as a constant, and the course's own share of past terms
that moved that far. Positions on one waitlist on one day share their outcome's
cause, so the rows are far from independent: read the counts with that in mind.
"""

from __future__ import annotations

import os
import time
from collections import defaultdict

import numpy as np

FIT_TERMS = ["fall-2023", "fall-2024"]
TEST_TERM = "fall-2025"
POSITION_TIMED = ("COMPSCI", "61A", 40)


def _setup() -> None:
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "berkeleytime.settings")
    import django

    django.setup()


def deciles(cleared: np.ndarray, predicted: np.ndarray) -> list[dict]:
    """Per decile of the predicted chance: its range, the mean predicted and the observed
    share (as calibration_curve computes them), and how many rows."""
    from sklearn.calibration import calibration_curve

    edges = np.unique(np.quantile(predicted, np.linspace(0, 1, 11)))
    observed, mean_predicted = calibration_curve(cleared, predicted, n_bins=10, strategy="quantile")
    bins = np.clip(np.searchsorted(edges[1:-1], predicted, side="right"), 0, len(edges) - 2)
    counts = np.bincount(bins, minlength=len(edges) - 1)
    filled = [i for i, count in enumerate(counts) if count]
    return [
        {
            "from": round(float(edges[i]), 4),
            "to": round(float(edges[i + 1]), 4),
            "rows": int(counts[i]),
            "mean_predicted": round(float(p), 4),
            "observed_share": round(float(o), 4),
        }
        for i, p, o in zip(filled, mean_predicted, observed, strict=True)
    ]


def scores(cleared: np.ndarray, predicted: np.ndarray) -> dict:
    from sklearn.metrics import brier_score_loss, log_loss

    clipped = np.clip(predicted, 1e-6, 1 - 1e-6)
    return {
        "brier": round(float(brier_score_loss(cleared, predicted)), 4),
        "log_loss": round(float(log_loss(cleared, clipped, labels=[False, True])), 4),
    }


def backtest() -> dict:
    _setup()
    from waitlists import odds, services
    from waitlists.models import WaitlistMovement

    services.refresh()
    by_course: dict[int, dict[str, object]] = defaultdict(dict)
    for row in (
        WaitlistMovement.objects.complete().filter(term__slug__in=[*FIT_TERMS, TEST_TERM]).select_related("term")
    ):
        by_course[row.course_id][row.term.slug] = row.movement
    fitting = {course: {s: m for s, m in terms.items() if s in FIT_TERMS} for course, terms in by_course.items()}
    fitted = odds.fit(odds.training_rows(fitting))
    rows, answered, too_few = [], 0, 0
    for terms in by_course.values():
        target = terms.get(TEST_TERM)
        if target is None or not target.had_waitlist:
            continue
        history = [terms[s] for s in FIT_TERMS if s in terms and terms[s].had_waitlist]
        if len(history) < odds.MIN_TERMS:
            too_few += 1
            continue
        answered += 1
        rows.extend(odds.rows_for(target, history, every_position=True))
    matrix = np.array([row.features for row in rows])
    cleared = np.array([row.cleared for row in rows])
    predicted = fitted.chances(matrix)
    base_rate = np.full(len(rows), fitted.base_rate)
    own_share = matrix[:, odds.FEATURES.index("past_share_cleared")]
    by_day = defaultdict(lambda: [0, 0])
    for row in rows:
        by_day[row.day][0] += 1
        by_day[row.day][1] += row.cleared
    return {
        "fit_terms": FIT_TERMS,
        "test_term": TEST_TERM,
        "fitting_rows": fitted.rows,
        "coefficients": dict(zip(odds.FEATURES, [round(c, 4) for c in fitted.coefficients], strict=True)),
        "intercept": round(fitted.intercept, 4),
        "courses_answered": answered,
        "courses_with_too_few_past_terms": too_few,
        "rows": len(rows),
        "observed_share_cleared": round(float(cleared.mean()), 4),
        "model": {**scores(cleared, predicted), "calibration_by_decile": deciles(cleared, predicted)},
        "baseline_pooled_base_rate": {"chance": round(fitted.base_rate, 4), **scores(cleared, base_rate)},
        "baseline_own_past_share": scores(cleared, own_share),
        "rows_by_cutoff_day": {str(day): {"rows": n, "cleared": c} for day, (n, c) in sorted(by_day.items())},
    }


def answer_cost(repeat: int = 200) -> dict:
    """In-process cost of answering one position (the selector the API and pages call),
    uncached: milliseconds p50 and p99 over ``repeat`` answers."""
    from enrollment.selectors import find_course
    from waitlists import selectors

    subject, number, position = POSITION_TIMED
    course = find_course(subject, number)
    times = []
    for _ in range(repeat):
        started = time.perf_counter()
        selectors.odds(course, position)
        times.append((time.perf_counter() - started) * 1000)
    return {
        "course": f"{subject} {number}",
        "position": position,
        "answers": repeat,
        "p50_ms": round(float(np.percentile(times, 50)), 2),
        "p99_ms": round(float(np.percentile(times, 99)), 2),
    }


def bench_waitlist(options) -> dict:
    """The backtest, then the cost of one answer: in process, and over HTTP with the
    response cache off (every request answers afresh) against the trivial /livez view,
    and as deployed (response cache on) for context.
    Targets: the model's Brier score below the pooled base rate's; an answer in p99 <=
    20 ms in process and <= 25 ms over HTTP uncached."""
    from benchmarks import harness

    result = backtest()
    result["answer"] = answer_cost()
    subject, number, position = POSITION_TIMED
    path = f"/api/v1/waitlist-odds/{subject}/{number}/?position={position}"
    with harness.gunicorn(env={"API_RESPONSE_CACHE": "false"}) as base:
        result["api_uncached"] = harness.compare(base, path, rounds=options.rounds, seconds=options.seconds)
    # For context, as deployed (the response cache on): positions 1 to 100 in turn.
    paths = [f"/api/v1/waitlist-odds/{subject}/{number}/?position={p}" for p in range(1, 101)]
    with harness.gunicorn() as base:
        cached = harness.compare(base, paths, rounds=options.rounds, seconds=options.seconds, label="positions 1-100")
    result["api_cached"] = {k: cached[k] for k in ("target_rps", "target_p50_ms", "target_p99_ms", "baseline_rps",
                                                    "baseline_p99_ms", "throughput_ratio")}  # fmt: skip
    result["targets"] = {"brier_below_base_rate": True, "answer_p99_ms_max": 20, "api_uncached_p99_ms_max": 25}
    result["meets_targets"] = (
        result["model"]["brier"] < result["baseline_pooled_base_rate"]["brier"]
        and result["answer"]["p99_ms"] <= 20
        and result["api_uncached"]["target_p99_ms"] <= 25
    )
    return result
