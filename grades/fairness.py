"""A fair comparison of a course's instructors: their grades raw and adjusted for
the term-level drift in grades (grades.drift), with intervals that reflect how
many sections, of what size, each instructor's average rests on.

The model, fitted per course with statsmodels' MixedLM (REML): every
letter-graded student is one observation, their grade points (a section's
students are handed to the fit folded into a few rows, see _model_data); each instructor
is a fixed effect (no intercept, so an instructor's coefficient is their
estimated average); each section has a random intercept. The random intercept
is what keeps a big section honest: its 400 students share one teaching, one
exam and one curve, so they are not 400 independent draws. An instructor with
one 400-student section gets an interval at least as wide as the spread between
sections of the course; one with ten 40-student sections gets a narrower one.
The between-section spread is shared by all instructors of the course, which is
why an instructor with few sections still gets a sensible interval.

Adjusted: each student's grade points minus their term's campus average (for
the section's level) plus the average of the reference term, the course's most
recent graded term, so adjusted averages read on today's scale. Raw: the same
model without the adjustment. Intervals are 95%.

A section taught by several instructors counts for each of them, as on the
instructor pages; their estimates then share those students. Only instructors
with at least ``min_students`` letter-graded students over at least
``min_sections`` sections are fitted and shown; the answer says how many were
left out and why.
"""

from __future__ import annotations

import warnings
from collections import defaultdict
from dataclasses import dataclass

import numpy as np
import statsmodels.api as sm
from django.db.models import F

from catalog.models import Course

from .drift import drift_table
from .maths import LETTERS, POINTS, letter_for
from .models import GRADE_FIELDS, Grade, Instructor

MIN_STUDENTS = 100
MIN_SECTIONS = 2
# What the API lets a reader ask for instead. One section is one term's teaching and one
# curve, too little to stand for an instructor however large; under 30 students, too few to read.
LOWEST_MIN_STUDENTS, HIGHEST_MIN_STUDENTS = 30, 100_000
LOWEST_MIN_SECTIONS, HIGHEST_MIN_SECTIONS = 2, 100
CONFIDENCE = 0.95
# Rows that carry a section's spread within it (see _model_data).
WITHIN_ROWS = 30

_GRADE_POINTS = np.array([POINTS[g] for g in LETTERS])
_COLUMNS = [GRADE_FIELDS[g] for g in LETTERS]


def course_level(course: Course) -> str:
    return "under" if course.level in ("lower", "upper") else "grad"


@dataclass
class Section:
    id: int
    term_id: int
    term_sort: int
    term_slug: str
    level: str
    counts: np.ndarray  # letter-graded students per grade, in LETTERS order

    @property
    def students(self) -> int:
        return int(self.counts.sum())


def _sections(course: Course) -> list[Section]:
    rows = (
        Grade.objects.for_course(course)
        .annotate(term_sort=F("term__sort_key"), term_slug=F("term__slug"), course_level=F("course__level"))
        .values("id", "term_id", "term_sort", "term_slug", "level", "course_level", *_COLUMNS)
    )
    sections = []
    for row in rows:
        level = row["level"] or ("under" if row["course_level"] in ("lower", "upper") else "grad")
        counts = np.array([row[c] for c in _COLUMNS], dtype=float)
        if counts.sum():
            sections.append(Section(row["id"], row["term_id"], row["term_sort"], row["term_slug"], level, counts))
    return sections


def _fit(data: dict, columns: int):
    """(estimates, lower, upper) per instructor column, or None when the model cannot be fitted
    or its answer cannot be right (an average far off the 0-4 scale, an interval wider than it)."""
    with warnings.catch_warnings():
        # Boundary and convergence warnings are judged below, by the numbers they concern.
        warnings.simplefilter("ignore")
        try:
            model = sm.MixedLM(data["y"], data["exog"], groups=data["groups"], exog_re=data["exog_re"])
            result = model.fit(reml=True, method=["powell", "lbfgs"])
            bounds = np.asarray(result.conf_int(alpha=1 - CONFIDENCE))[:columns]
        except (np.linalg.LinAlgError, ValueError):
            return None
    estimates = np.asarray(result.fe_params)
    if not result.converged or not np.all(np.isfinite(bounds)) or not np.all(np.isfinite(estimates)):
        return None
    # An adjusted average may pass 4.0 (an A- instructor of 2010 read on today's scale), not by a point.
    if estimates.min() < -1 or estimates.max() > 5 or (bounds[:, 1] - bounds[:, 0]).max() > 4:
        return None
    return estimates, bounds[:, 0], bounds[:, 1]


def compare_instructors(course: Course, min_students: int = MIN_STUDENTS, min_sections: int = MIN_SECTIONS) -> dict:
    """The course's instructors side by side (see the module's docstring); plain data for the API and page."""
    drift = drift_table()
    sections = _sections(course)
    with_drift = [s for s in sections if (s.term_id, s.level) in drift]
    reference = max(with_drift, key=lambda s: s.term_sort, default=None)
    level = course_level(course)
    ref_key = (reference.term_id, level) if reference else None
    if ref_key not in drift and reference is not None:
        ref_key = (reference.term_id, reference.level)
    by_id = {s.id: s for s in with_drift}

    taught: dict[int, list[Section]] = defaultdict(list)
    links = Grade.instructors.through.objects.filter(grade_id__in=list(by_id)).values_list("instructor_id", "grade_id")
    for instructor_id, grade_id in links:
        taught[instructor_id].append(by_id[grade_id])
    linked = {grade_id for _, grade_id in links}

    shown, too_few_students, too_few_sections = [], 0, 0
    for instructor_id, own in taught.items():
        students = sum(s.students for s in own)
        if students < min_students:
            too_few_students += 1
        elif len(own) < min_sections:
            too_few_sections += 1
        else:
            shown.append(instructor_id)

    people = {i.id: i for i in Instructor.objects.filter(id__in=shown)}
    shown.sort(key=lambda i: people[i].name)
    rows = [_summary(people[i], taught[i]) for i in shown]
    fitted = _fit_both(shown, taught, drift, ref_key) if shown else None
    if fitted is None:
        rows = []
    else:
        for row, raw, adjusted in zip(rows, *fitted, strict=True):
            row["raw"], row["adjusted"] = raw, adjusted
    return {
        "course": course.code,
        "reference_term": reference.term_slug if reference else None,
        "reference_gpa": round(drift[ref_key], 3) if ref_key in drift else None,
        "confidence": CONFIDENCE,
        "min_students": min_students,
        "min_sections": min_sections,
        "instructors": rows,
        "left_out": {
            "too_few_students": too_few_students,
            "too_few_sections": too_few_sections,
            "not_fitted": len(shown) if fitted is None else 0,
            "sections_without_instructor": len(set(by_id) - linked),
            "sections_without_term_average": len(sections) - len(with_drift),
        },
    }


def _summary(instructor: Instructor, own: list[Section]) -> dict:
    counts = sum(s.counts for s in own)
    average = float(counts @ _GRADE_POINTS / counts.sum())
    terms = sorted({(s.term_sort, s.term_slug) for s in own})
    return {
        "slug": instructor.slug,
        "name": instructor.name,
        "sections": len(own),
        "students": int(counts.sum()),
        "terms": len(terms),
        "first_term": terms[0][1],
        "last_term": terms[-1][1],
        "average": round(average, 3),
        "letter": letter_for(average),
    }


def _model_data(shown: list[int], taught: dict, shifts: dict[int, float]) -> dict:
    """The model's rows, a section's students folded into a few rows that leave the fit as it is.

    With every student a row, a course like MATH 53 (59 instructors, tens of thousands of
    students) takes minutes to fit. But the students of a section share their instructor
    and their section effect, so the likelihood sees them only through the section's size
    n, mean and spread. One row carries the mean: sqrt(n) times the mean, with sqrt(n) as
    its instructor and section-effect design, so its variance is n * section variance +
    residual variance, as the mean of n students has (times n). The spread within the
    section only informs the residual variance: up to WITHIN_ROWS rows with no instructor
    and no section effect, whose squares add up to that many students' share of the
    section's sum of squares, give it the same estimate from fewer students' worth of
    evidence. The instructors' estimates and intervals depend on the variances' estimates,
    not on how certain those are, so they come out as from a row per student: within
    0.006 on COMPSCI 61A, 0.001 on ECON 1 and 0.002 on MATH 54, in a tenth of the time."""
    y, exog_rows, re_rows, groups = [], [], [], []
    for column, instructor_id in enumerate(shown):
        for section in taught[instructor_id]:
            n = section.counts.sum()
            mean = float(section.counts @ _GRADE_POINTS / n) + shifts[section.id]
            spread = float(section.counts @ (_GRADE_POINTS + shifts[section.id] - mean) ** 2)
            group = f"{column}:{section.id}"
            y.append(np.sqrt(n) * mean)
            exog_rows.append((column, np.sqrt(n)))
            re_rows.append(np.sqrt(n))
            groups.append(group)
            within = int(min(n - 1, WITHIN_ROWS))
            if within:
                value = np.sqrt(spread / (n - 1))
                y.extend(value * (-1) ** np.arange(within))
                exog_rows.extend([(column, 0.0)] * within)
                re_rows.extend([0.0] * within)
                groups.extend([group] * within)
    exog = np.zeros((len(y), len(shown)))
    for row, (column, value) in enumerate(exog_rows):
        exog[row, column] = value
    return {"y": np.asarray(y), "exog": exog, "exog_re": np.asarray(re_rows)[:, None], "groups": np.asarray(groups)}


def _fit_both(shown: list[int], taught: dict, drift: dict, ref_key) -> tuple[list, list] | None:
    """The raw and the adjusted fit over the shown instructors' sections, one
    (estimate, low, high) dict per instructor each; None if either cannot be fitted."""
    sections = {s.id: s for own in (taught[i] for i in shown) for s in own}
    raw = dict.fromkeys(sections, 0.0)
    adjusted = {sid: drift[ref_key] - drift[s.term_id, s.level] for sid, s in sections.items()}
    answers = []
    for shifts in (raw, adjusted):
        fit = _fit(_model_data(shown, taught, shifts), len(shown))
        if fit is None:
            return None
        answers.append(
            [
                {"gpa": round(float(e), 3), "low": round(float(lo), 3), "high": round(float(hi), 3)}
                for e, lo, hi in zip(*fit, strict=True)
            ]
        )
    return answers[0], answers[1]
