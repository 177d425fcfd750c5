"""Writes: each course's waitlist movement per term, and the model fitted on them."""

from __future__ import annotations

import datetime
from collections import defaultdict
from collections.abc import Iterable

from django.db import transaction
from django.db.models import Max

from berkeleytime.caching import bump_data_generation
from enrollment.models import EnrollmentPoint, TermPhases

from . import odds
from .models import OddsModel, WaitlistMovement
from .movement import HORIZON_DAYS, Count, Movement, movement


def term_clocks() -> dict[int, tuple[datetime.date, bool]]:
    """Term id -> (day 0: the first day of Phase 1, whether the term's data reaches the
    horizon), for every term whose Phase 1 is dated."""
    last_dates = dict(
        EnrollmentPoint.objects.values("term_id").annotate(last=Max("date")).values_list("term_id", "last")
    )
    return {
        phases.term_id: (
            phases.phase_1_start,
            last_dates.get(phases.term_id, phases.phase_1_start)
            >= phases.phase_1_start + datetime.timedelta(days=HORIZON_DAYS),
        )
        for phases in TermPhases.objects.filter(phase_1_start__isnull=False)
    }


def refresh_movements(course_ids: Iterable[int] | None = None) -> tuple[int, bool]:
    """Recompute the stored movements (of ``course_ids``, or every course); (how many
    course-terms are stored, whether any complete term's movement changed, which means
    the model needs refitting)."""
    clocks = term_clocks()
    points = EnrollmentPoint.objects.filter(term_id__in=clocks)
    stored = WaitlistMovement.objects.all()
    if course_ids is not None:
        course_ids = set(course_ids)
        points, stored = points.filter(course_id__in=course_ids), stored.filter(course_id__in=course_ids)
    counts: dict[tuple[int, int], list[Count]] = defaultdict(list)
    for course_id, term_id, date, enrolled, waitlisted, capacity in points.values_list(
        "course_id", "term_id", "date", "enrolled", "waitlisted", "capacity"
    ).iterator(chunk_size=10000):
        counts[course_id, term_id].append(Count(date, enrolled, waitlisted, capacity))
    fresh = {}
    for (course_id, term_id), course_counts in counts.items():
        day_0, complete = clocks[term_id]
        moved = movement(course_counts, day_0)
        fresh[course_id, term_id] = WaitlistMovement(
            course_id=course_id,
            term_id=term_id,
            day_0=day_0,
            had_waitlist=moved.had_waitlist,
            complete=complete,
            days=moved.as_dict(),
        )
    before = {(m.course_id, m.term_id): (m.complete, m.days) for m in stored.filter(complete=True)}
    after = {key: (m.complete, m.days) for key, m in fresh.items() if m.complete}
    with transaction.atomic():
        stored.delete()
        WaitlistMovement.objects.bulk_create(fresh.values(), batch_size=2000)
        transaction.on_commit(bump_data_generation)
    return len(fresh), before != after


def fit_model(movements=None) -> OddsModel | None:
    """Fit the model on the complete terms' movements (all stored ones by default) and
    keep it as the one answers use; None, and the old model removed, when they cannot
    support one (no waitlist both cleared and did not)."""
    movements = WaitlistMovement.objects.all() if movements is None else movements
    courses: dict[int, dict[str, Movement]] = defaultdict(dict)
    terms = set()
    for row in movements.complete().with_waitlist().select_related("term"):
        courses[row.course_id][row.term.slug] = row.movement
        terms.add((row.term.sort_key, row.term.slug))
    fitted = odds.fit(odds.training_rows(courses))
    with transaction.atomic():
        OddsModel.objects.all().delete()
        transaction.on_commit(bump_data_generation)
        if fitted is None:
            return None
        return OddsModel.objects.create(
            terms=[slug for _, slug in sorted(terms)],
            features=odds.FEATURES,
            coefficients=fitted.coefficients,
            intercept=fitted.intercept,
            rows=fitted.rows,
            base_rate=fitted.base_rate,
        )


def refresh(course_ids: Iterable[int] | None = None) -> list[str]:
    """Movements, then the model when a complete term's movement changed (or when
    refreshing everything); one summary line each. With nothing stored yet (a new
    database, or this app just installed) every course is refreshed, whatever changed."""
    if course_ids is not None and not WaitlistMovement.objects.exists():
        course_ids = None
    stored, changed = refresh_movements(course_ids)
    lines = [f"waitlist movements stored: {stored} course-terms"]
    if course_ids is None or changed or not OddsModel.objects.exists():
        model = fit_model()
        if model is None:
            lines.append("model: not fitted, the past terms hold no waitlist that both cleared and did not")
        else:
            lines.append(f"model: fitted on {model.rows:,} rows from {', '.join(model.terms)}")
    else:
        lines.append("model: unchanged (no past term's waitlist changed)")
    return lines
