"""Enrollment charts, drawn by the kit (berkeleytime/charts.py).

A chart puts each selection's enrolled (solid) and waitlisted (dashed) curves on
one pair of axes. The x axis is the day of the enrollment period (day 1 is the
period's first day), so that terms of different years line up; when every
selection is in the same period, ticks read as dates instead. The y axis is
percent of capacity or head counts. The phase dates of each term are marked.
"""

from __future__ import annotations

import datetime
from dataclasses import dataclass

from berkeleytime import charts

from .selectors import EnrollmentSeries

COLORS = charts.COLORS
GAP_DAYS = 10
MODES = {"percent": "Percent of capacity", "count": "Students"}


def value_of(series: EnrollmentSeries, point, mode: str, what: str) -> float | None:
    """Enrolled or waitlisted for one point, as a count or a percent of capacity."""
    count = point.enrolled if what == "enrolled" else point.waitlisted
    if mode == "count":
        return float(count)
    if what == "enrolled" and point.enrolled_percent is not None:
        return float(point.enrolled_percent)
    capacity = point.capacity or series.capacity
    return count * 100 / capacity if capacity else None


def line_chart(selections: list[EnrollmentSeries], mode: str = "percent", colors=COLORS) -> charts.Chart:
    plotted = [(index, series) for index, series in enumerate(selections) if series.points]
    days = [series.day_of(p.date) for _, series in plotted for p in series.points]
    x_min, x_max = (min(days), max(days)) if days else (1, 30)
    if x_max == x_min:
        x_max = x_min + 1
    starts = {series.period_start for _, series in plotted}
    x = _x_axis(x_min, x_max, starts)

    lines, peak = [], 100.0 if mode == "percent" else 10.0
    for index, series in plotted:
        color = colors[index % len(colors)]
        enrolled, waitlisted = [], []
        for point in series.points:
            day = series.day_of(point.date)
            e, w = value_of(series, point, mode, "enrolled"), value_of(series, point, mode, "waitlisted")
            if e is not None:
                enrolled.append(charts.Point(day, e, f"{series.label}, {point.date:%b %-d}: {_reading(point)}"))
            if w is not None:
                waitlisted.append(charts.Point(day, w, ""))
            peak = max(peak, e or 0, w or 0)
        lines.append(
            charts.Line(f"{series.label}, waitlisted", color, waitlisted, dashed=True, values=False, gap=GAP_DAYS)
        )
        lines.append(charts.Line(f"{series.label}, enrolled", color, enrolled, dots=False, gap=GAP_DAYS))
    y = charts.Axis.nice(0, peak, "%" if mode == "percent" else "", whole=mode == "count", title=MODES[mode])
    marks = _phase_marks([series for _, series in plotted], x_min, x_max)
    title = f"{MODES[mode]}: " + "; ".join(series.label for _, series in plotted)
    return charts.line_chart(title, describe(selections, mode), lines, x, y, marks)


def _x_axis(x_min: int, x_max: int, starts: set) -> charts.Axis:
    """Ticks by day of the period; read as dates when every curve shares one period."""
    same_period = len(starts) == 1
    ticks = [int(t) for t in charts.nice_ticks(x_min, x_max, most=8, whole=True) if x_min <= t <= x_max]
    if x_min == 1 and 1 not in ticks:
        ticks.insert(0, 1)
    if same_period:
        start = next(iter(starts))
        labels = []
        for tick in ticks:
            date = start + datetime.timedelta(days=tick - 1)
            labels.append((tick, f"{date:%b} {date.day}"))
        return charts.Axis(x_min, x_max, labels, f"Date ({start.year})")
    return charts.Axis(x_min, x_max, [(t, str(t)) for t in ticks], "Day of the enrollment period")


def _phase_marks(plotted: list[EnrollmentSeries], x_min: int, x_max: int) -> list[charts.Mark]:
    """The phase dates that fall on the chart (whatever the term's ``marks()`` gives),
    once per term; labelled with the term when curves of several terms share the chart."""
    marks, seen = [], set()
    several_terms = len({series.term.pk for series in plotted}) > 1
    for series in plotted:
        term = series.term
        for mark in series.phase_marks:
            x = series.day_of(mark.date)
            if (term.pk, mark.key) in seen or x is None or not x_min <= x <= x_max:
                continue
            seen.add((term.pk, mark.key))
            suffix = f" {term.season[:2].capitalize()}{str(term.year)[2:]}" if several_terms else ""
            title = f"{mark.label}: {mark.date:%b %-d, %Y} ({term.name})"
            marks.append(charts.Mark(x, mark.short + suffix, title))
    return marks


def _number(value: float) -> str:
    return f"{value:,.0f}" if value == int(value) else f"{value:,.1f}"


def describe(selections: list[EnrollmentSeries], mode: str) -> str:
    """A sentence per selection, for screen readers: where the curve starts and ends."""
    sentences = []
    for series in selections:
        if not series.points:
            sentences.append(f"{series.label}: no enrollment data.")
            continue
        first, last = series.points[0], series.points[-1]
        sentences.append(
            f"{series.label}: {len(series.points)} days from {first.date:%b %-d, %Y} to {last.date:%b %-d, %Y}; "
            f"on the last day {_reading(last)}."
        )
    return " ".join(sentences)


def _reading(point) -> str:
    text = f"{point.enrolled:,} enrolled"
    if point.enrolled_percent is not None:
        text += f" ({_number(float(point.enrolled_percent))}% of capacity)"
    return text + f", {point.waitlisted:,} waitlisted"


@dataclass
class Sparkline:
    svg: str  # the drawing, from the kit
    mode: str
    has_earlier: bool
    full: bool  # a dashed line marks 100% of capacity


def sparkline(
    series: EnrollmentSeries, earlier: EnrollmentSeries | None = None, width: int = 220, height: int = 56
) -> Sparkline | None:
    """A small curve of the latest term's enrolled (percent of capacity when known, else
    counts) by day of the period, over a faint curve of an earlier term."""
    everything = [series] + ([earlier] if earlier else [])
    mode = "percent" if all(p.enrolled_percent is not None for s in everything for p in s.points) else "count"
    curves = []
    for one in everything:
        start = one.period_start
        rows = [((p.date - start).days, value_of(one, p, mode, "enrolled")) for p in one.points] if start else []
        curves.append([(x, y) for x, y in rows if y is not None])
    if not curves[0]:
        return None
    y_high = max([100.0 if mode == "percent" else 1.0, *(y for rows in curves for _, y in rows)])
    drawn = [(curves[0], "")] + [(rows, "earlier") for rows in curves[1:]]
    rule = 100.0 if mode == "percent" else None
    return Sparkline(
        svg=charts.sparkline(drawn, y_high, rule, width, height),
        mode=mode,
        has_earlier=len(curves) > 1 and bool(curves[1]),
        full=rule is not None,
    )
