"""Enrollment charts as SVG geometry, drawn by the templates: no chart library, no JavaScript.

A chart puts each selection's enrolled (solid) and waitlisted (dashed) curves on
one pair of axes. The x axis is the day of the enrollment period (day 1 is the
period's first day), so that terms of different years line up; when every
selection is in the same period, ticks read as dates instead. The y axis is
percent of capacity or head counts.
"""

from __future__ import annotations

import datetime
import math
from dataclasses import dataclass, field

from .selectors import EnrollmentSeries

COLORS = ["#003262", "#d9661f", "#00806e", "#7d4fa8"]
GAP_DAYS = 10
MODES = {"percent": "Percent of capacity", "count": "Students"}


@dataclass
class Box:
    left: float
    top: float
    right: float
    bottom: float

    @property
    def width(self) -> float:
        return self.right - self.left

    @property
    def height(self) -> float:
        return self.bottom - self.top


@dataclass
class Tick:
    at: float
    label: str


@dataclass
class Curve:
    color: str
    label: str
    enrolled: str  # SVG path data
    waitlisted: str
    last: tuple[float, float] | None  # the latest enrolled point, marked with a dot
    gaps: str = ""  # straight connectors across stretches with no data


@dataclass
class Mark:
    x: float
    label: str
    title: str


@dataclass
class Chart:
    width: int
    height: int
    box: Box
    mode: str
    x_ticks: list[Tick] = field(default_factory=list)
    y_ticks: list[Tick] = field(default_factory=list)
    curves: list[Curve] = field(default_factory=list)
    marks: list[Mark] = field(default_factory=list)
    x_label: str = ""
    y_label: str = ""
    description: str = ""

    @property
    def empty(self) -> bool:
        return not any(curve.enrolled for curve in self.curves)


def value_of(series: EnrollmentSeries, point, mode: str, what: str) -> float | None:
    """Enrolled or waitlisted for one point, as a count or a percent of capacity."""
    count = point.enrolled if what == "enrolled" else point.waitlisted
    if mode == "count":
        return float(count)
    if what == "enrolled" and point.enrolled_percent is not None:
        return float(point.enrolled_percent)
    capacity = point.capacity or series.capacity
    return count * 100 / capacity if capacity else None


def nice_ceiling(value: float, ticks: int = 4, whole: bool = False) -> tuple[float, float]:
    """The smallest axis maximum of at least ``value`` made of ``ticks`` to ``ticks + 2``
    steps of 1, 2, 2.5 or 5 times a power of ten (whole numbers only when ``whole``); and that step."""
    if value <= 0:
        return float(ticks), 1.0
    best = None
    for count in range(ticks, ticks + 3):
        power = 10 ** math.floor(math.log10(value / count))
        for factor in (1, 2, 2.5, 5, 10):
            step = factor * power
            if whole and step != int(step):
                continue
            if step * count >= value:
                if best is None or step * count < best[0]:
                    best = (step * count, step)
                break
    return best or (float(math.ceil(value)), math.ceil(value) / ticks)


def _number(value: float) -> str:
    return f"{value:,.0f}" if value == int(value) else f"{value:,.1f}"


def line_chart(selections: list[EnrollmentSeries], mode: str = "percent", *, compact: bool = False) -> Chart:
    width, height = (360, 260) if compact else (760, 360)
    box = Box(left=46 if compact else 64, top=22, right=width - 12, bottom=height - (40 if compact else 44))
    chart = Chart(width=width, height=height, box=box, mode=mode)
    chart.y_label = MODES[mode]

    plotted = []
    for index, series in enumerate(selections):
        if not series.points:
            continue
        start = series.period_start
        rows = [
            (
                (point.date - start).days + 1,
                value_of(series, point, mode, "enrolled"),
                value_of(series, point, mode, "waitlisted"),
            )
            for point in series.points
        ]
        plotted.append((index, series, rows))

    xs = [row[0] for _, _, rows in plotted for row in rows]
    ys = [v for _, _, rows in plotted for row in rows for v in row[1:] if v is not None]
    x_min, x_max = (min(xs), max(xs)) if xs else (1, 30)
    if x_max == x_min:
        x_max = x_min + 1
    y_floor = 100.0 if mode == "percent" else 10.0
    y_max, y_step = nice_ceiling(max([y_floor, *ys]), whole=mode == "count")

    def sx(x: float) -> float:
        return round(box.left + (x - x_min) / (x_max - x_min) * box.width, 1)

    def sy(y: float) -> float:
        return round(box.bottom - y / y_max * box.height, 1)

    chart.y_ticks = _y_ticks(y_max, y_step, sy, mode)
    starts = {series.period_start for _, series, _ in plotted}
    chart.x_ticks, chart.x_label = _x_axis(x_min, x_max, sx, starts, compact)

    for index, series, rows in plotted:
        color = COLORS[index % len(COLORS)]
        enrolled, enrolled_gaps = _split_at_gaps([(x, e) for x, e, _ in rows if e is not None], sx, sy)
        waitlisted, waitlisted_gaps = _split_at_gaps([(x, w) for x, _, w in rows if w is not None], sx, sy)
        last = next(((sx(x), sy(e)) for x, e, _ in reversed(rows) if e is not None), None)
        chart.curves.append(Curve(color, series.label, enrolled, waitlisted, last, enrolled_gaps + waitlisted_gaps))

    chart.marks = _phase_marks([series for _, series, _ in plotted], x_min, x_max, sx)
    chart.description = describe(selections, mode)
    return chart


def _y_ticks(y_max: float, y_step: float, sy, mode: str) -> list[Tick]:
    ticks, y = [], 0.0
    while y <= y_max + 1e-9:
        ticks.append(Tick(sy(y), _number(y) + ("%" if mode == "percent" else "")))
        y += y_step
    return ticks


def _x_axis(x_min: int, x_max: int, sx, starts: set, compact: bool) -> tuple[list[Tick], str]:
    """Ticks by day of the period; read as dates when every curve shares one period."""
    same_period = len(starts) == 1
    _, step = nice_ceiling(x_max - x_min, ticks=3 if compact else 6, whole=True)
    step = max(1, round(step))
    ticks = []
    tick = math.ceil(x_min / step) * step if x_min > 1 else 1
    while tick <= x_max:
        if same_period:
            date = next(iter(starts)) + datetime.timedelta(days=tick - 1)
            label = f"{date:%b} {date.day}"
        else:
            label = f"{tick}"
        ticks.append(Tick(sx(tick), label))
        tick = step if tick == 1 and step > 1 else tick + step
    if same_period:
        return ticks, f"Date ({next(iter(starts)).year})"
    return ticks, "Day of the enrollment period (day 1 = first day)"


def _phase_marks(plotted: list[EnrollmentSeries], x_min: int, x_max: int, sx) -> list[Mark]:
    """The phase dates that fall on the chart, once per term; labelled with the term
    when curves of several terms share the chart."""
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
            marks.append(Mark(sx(x), mark.short + suffix, title))
    return marks


def _split_at_gaps(rows: list[tuple[float, float]], sx, sy) -> tuple[str, str]:
    """Path data for the measured stretches, and for the gaps of more than GAP_DAYS
    between them (drawn faintly: nothing was measured there)."""
    solid, gaps = "", ""
    previous = None
    for x, y in rows:
        point = f"{sx(x)},{sy(y)}"
        if previous is None:
            solid += f"M{point}"
        elif x - previous[0] > GAP_DAYS:
            gaps += f"M{sx(previous[0])},{sy(previous[1])}L{point}"
            solid += f"M{point}"
        else:
            solid += f"L{point}"
        previous = (x, y)
    return solid, gaps


def _path(points: list[tuple[float, float]]) -> str:
    if not points:
        return ""
    head, *rest = points
    return f"M{head[0]},{head[1]}" + "".join(f"L{x},{y}" for x, y in rest)


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
            f"on the last day {_reading(series, last, mode)}."
        )
    return " ".join(sentences)


def _reading(series: EnrollmentSeries, point, mode: str) -> str:
    text = f"{point.enrolled:,} enrolled"
    if point.enrolled_percent is not None:
        text += f" ({_number(float(point.enrolled_percent))}% of capacity)"
    return text + f", {point.waitlisted:,} waitlisted"


@dataclass
class Sparkline:
    width: int
    height: int
    path: str  # the latest term
    earlier: str  # the term before it, for comparison ("" when none)
    full_y: float | None  # where 100% of capacity is, when the chart is in percent
    last: tuple[float, float] | None
    mode: str


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
    x_max = max([1, *(x for rows in curves for x, _ in rows)])
    y_max = max([100.0 if mode == "percent" else 1.0, *(y for rows in curves for _, y in rows)])
    pad = 4

    def sx(x):
        return round(pad + x / x_max * (width - 2 * pad), 1)

    def sy(y):
        return round(height - pad - y / y_max * (height - 2 * pad), 1)

    paths = [_path([(sx(x), sy(y)) for x, y in rows]) for rows in curves]
    x, y = curves[0][-1]
    return Sparkline(
        width=width,
        height=height,
        path=paths[0],
        earlier=paths[1] if len(paths) > 1 else "",
        full_y=sy(100.0) if mode == "percent" else None,
        last=(sx(x), sy(y)),
        mode=mode,
    )
