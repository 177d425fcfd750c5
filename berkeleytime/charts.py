"""Charts as SVG drawn by the server, one kit for every page: line charts, grouped
bars, marks across the plot (an enrollment phase), legends and "nice" axis ticks.

Every chart is drawn twice, at a wide and a compact size, in one ``.chart-frame``;
the stylesheet shows the one that fits its container (a container query), and
neither is ever scaled up past its own size or down much below it, so its text
stays at least 11 CSS pixels and a chart at most its drawing's height. Each bar
and point carries its value: a ``<title>``, an accessible name, and ``data-tip``,
which ``js/charts.js`` shows on hover, focus and tap. The description holds
every number for screen readers, and the pages give them as tables too.
"""

from __future__ import annotations

import itertools
import math
from dataclasses import dataclass, field

from django.utils.html import escape, format_html
from django.utils.safestring import SafeString, mark_safe

# Berkeley blue, amber, teal, purple, raspberry, olive: each at least 4.5:1 on white.
COLORS = ("#003262", "#b45309", "#00806e", "#7d4fa8", "#be185d", "#4d6314")

# A chart with more values than this keeps them out of the tab order (the table has them).
MAX_FOCUSABLE = 100

_ids = itertools.count(1)  # ids of titles and descriptions, unique however often a chart repeats on a page


@dataclass(frozen=True)
class Size:
    name: str
    width: int
    height: int
    font: int
    left: int
    right: int = 10
    top: int = 22
    bottom: int = 40


WIDE = Size("wide", 720, 320, 13, left=56)
COMPACT = Size("compact", 320, 280, 13, left=44)
SIZES = (WIDE, COMPACT)


def nice_ticks(low: float, high: float, most: int = 5, whole: bool = False) -> list[float]:
    """Evenly spaced round values covering ``low``..``high`` in at most ``most`` steps:
    the smallest step of 1, 2, 2.5 or 5 times a power of ten that does it (whole
    numbers only when ``whole``). nice_ticks(0, 93) is 0, 20, ... 100."""
    if high < low:
        low, high = high, low
    if high == low:
        high = low + 1
    exponent = math.floor(math.log10((high - low) / most))
    while True:
        for factor in (1, 2, 2.5, 5):
            step = factor * 10.0**exponent
            if whole and step != int(step):
                continue
            first, last = math.floor(low / step + 1e-9), math.ceil(high / step - 1e-9)
            if last - first <= most:
                return [_clean(i * step) for i in range(first, last + 1)]
        exponent += 1


def _n(value: float) -> str:
    return f"{value:.1f}"


def _clean(value: float) -> float:
    value = round(value, 9)
    return float(int(value)) if value == int(value) else value


def number(value: float, suffix: str = "") -> str:
    """1250 -> '1,250'; 2.5 -> '2.5'."""
    text = f"{value:,.0f}" if value == int(value) else f"{value:,.2f}".rstrip("0").rstrip(".")
    return text + suffix


@dataclass
class Axis:
    """A scale from ``low`` to ``high``, labelled at ``ticks`` [(value, label)]."""

    low: float
    high: float
    ticks: list[tuple[float, str]] = field(default_factory=list)
    title: str = ""

    @classmethod
    def nice(cls, low: float, high: float, suffix: str = "", most: int = 5, whole: bool = False, title: str = ""):
        values = nice_ticks(low, high, most, whole)
        return cls(values[0], values[-1], [(v, number(v, suffix)) for v in values], title)

    def at(self, value: float, start: float, length: float) -> float:
        span = self.high - self.low or 1
        return start + (value - self.low) / span * length


@dataclass
class Point:
    """One value of a line: where it is and what it reads as (the tooltip and its name)."""

    x: float
    y: float
    tip: str
    highlight: bool = False
    color: str | None = None  # a highlighted point's ring, when not the line's colour


@dataclass
class Line:
    label: str
    color: str
    points: list[Point]
    dashed: bool = False
    dots: bool = True  # a dot on every point; else only on hover, and on the last and highlighted ones
    values: bool = True  # each point carries its value (False: the stroke only, e.g. a second measure)
    gap: float | None = None  # points further apart than this are joined by a faint dotted line


LABEL_CHAR_WIDTH = 7  # a mark label's characters, about, in drawing units
LABEL_ROW_HEIGHT = 14


@dataclass
class Mark:
    """A vertical line across the plot at ``x``: a short label above it, ``title`` on hover."""

    x: float
    label: str
    title: str


@dataclass
class Bars:
    label: str
    color: str
    values: list[tuple[float, str]]  # (value, tip) per category


@dataclass
class Chart:
    title: str
    description: str
    draw: object  # (Size, focusable) -> list of SVG parts
    values: int = 0
    css: str = ""

    def __html__(self) -> str:
        focusable = self.values <= MAX_FOCUSABLE
        frame = [f'<div class="chart-frame {escape(self.css)}">']
        for size in SIZES:
            uid = f"chart{next(_ids)}"
            frame.append(
                format_html(
                    '<svg class="chart {}" data-size="{}" viewBox="0 0 {} {}" style="max-width: {}px" '
                    'font-size="{}" role="group" aria-labelledby="t{}" aria-describedby="d{}" '
                    'xmlns="http://www.w3.org/2000/svg"><title id="t{}">{}</title><desc id="d{}">{}</desc>',
                    size.name,
                    size.name,
                    size.width,
                    size.height,
                    _max_width(size),
                    size.font,
                    uid,
                    uid,
                    uid,
                    self.title,
                    uid,
                    self.description,
                )  # fmt: skip
            )
            frame.extend(self.draw(size, focusable))
            frame.append("</svg>")
        frame.append("</div>")
        return mark_safe("".join(str(part) for part in frame))  # noqa: S308 - parts are built with format_html

    def __str__(self) -> str:
        return self.__html__()


def _max_width(size: Size) -> int:
    # The compact drawing may grow to fill a container that is too narrow for the wide one.
    return size.width if size is WIDE else round(WIDE.width * 0.86)


def _value_attrs(tip: str, focusable: bool, css: str = "value") -> SafeString:
    if focusable:
        return format_html(' class="{}" tabindex="0" role="img" aria-label="{}" data-tip="{}"', css, tip, tip)
    return format_html(' class="{}" data-tip="{}"', css, tip)


def _grid(size: Size, y: Axis) -> list[SafeString]:
    plot_top, plot_bottom = size.top, size.height - size.bottom
    parts = []
    for value, label in y.ticks:
        at = y.at(value, plot_bottom, plot_top - plot_bottom)
        parts.append(
            format_html(
                '<line class="grid" x1="{}" x2="{}" y1="{}" y2="{}"/>'
                '<text class="tick y" x="{}" y="{}" dy="0.32em" text-anchor="end">{}</text>',
                size.left,
                size.width - size.right,
                _n(at),
                _n(at),
                size.left - 6,
                _n(at),
                label,
            )  # fmt: skip
        )
    parts.append(
        format_html(
            '<line class="baseline" x1="{}" x2="{}" y1="{}" y2="{}"/>',
            size.left,
            size.width - size.right,
            plot_bottom,
            plot_bottom,
        )  # fmt: skip
    )
    return parts


def _x_labels(size: Size, labels: list[tuple[float, str]], stagger: bool = False) -> list[SafeString]:
    """Category or tick labels under the plot. When they do not fit side by side,
    categories (``stagger``) take two rows; ticks are thinned to every n-th."""
    if not labels:
        return []
    widest = max(len(label) for _, label in labels) * size.font * 0.62 + 4
    gaps = [b - a for (a, _), (b, _) in zip(labels, labels[1:], strict=False)]
    spacing = min(gaps) if gaps else widest
    every = max(1, math.ceil(widest / spacing)) if spacing > 0 else 1
    baseline = size.height - size.bottom + size.font + 6
    if stagger and every == 2:
        rows = [(at, label, baseline + (i % 2) * (size.font + 2)) for i, (at, label) in enumerate(labels)]
    else:
        kept = labels[::every]
        if every > 1 and labels[-1] not in kept and kept and labels[-1][0] - kept[-1][0] >= widest:
            kept.append(labels[-1])
        rows = [(at, label, baseline) for at, label in kept]
    return [
        format_html('<text class="tick x" x="{}" y="{}" text-anchor="middle">{}</text>', _n(at), y, label)
        for at, label, y in rows
    ]


def bar_chart(title: str, description: str, categories: list[str], series: list[Bars], y: Axis) -> Chart:
    """Grouped bars: one group per category, one bar per series, side by side."""

    def draw(size: Size, focusable: bool) -> list:
        plot_left, plot_right = size.left, size.width - size.right
        plot_top, plot_bottom = size.top, size.height - size.bottom
        slot = (plot_right - plot_left) / max(1, len(categories))
        bar = slot * 0.82 / max(1, len(series))
        parts = _grid(size, y)
        for s, one in enumerate(series):
            parts.append(format_html('<g class="series" fill="{}">', one.color))
            for c, (value, tip) in enumerate(one.values):
                top = y.at(max(value, y.low), plot_bottom, plot_top - plot_bottom)
                x = plot_left + c * slot + slot * 0.09 + s * bar
                height = max(plot_bottom - top, 0.0)
                parts.append(
                    format_html(
                        '<rect{} x="{}" y="{}" width="{}" height="{}"><title>{}</title></rect>',
                        _value_attrs(tip, focusable),
                        _n(x),
                        _n(plot_bottom - max(height, 1.0)),
                        _n(max(bar - 1, 1)),
                        _n(max(height, 1.0)),
                        tip,
                    )  # fmt: skip
                )
            parts.append(mark_safe("</g>"))
        centers = [(plot_left + c * slot + slot / 2, name) for c, name in enumerate(categories)]
        parts += _x_labels(size, centers, stagger=True)
        return parts

    return Chart(title, description, draw, values=len(categories) * len(series), css="bars")


def line_chart(
    title: str, description: str, lines: list[Line], x: Axis, y: Axis, marks: list[Mark] | tuple = ()
) -> Chart:
    """Lines over a shared x and y axis; ``marks`` are vertical lines such as phase dates."""

    def draw(size: Size, focusable: bool) -> list:
        plot_left, plot_right = size.left, size.width - size.right
        plot_top, plot_bottom = size.top, size.height - size.bottom

        def sx(value: float) -> float:
            return round(x.at(value, plot_left, plot_right - plot_left), 1)

        def sy(value: float) -> float:
            return round(y.at(value, plot_bottom, plot_top - plot_bottom), 1)

        parts = _grid(size, y)
        parts += _x_labels(size, [(sx(at), label) for at, label in x.ticks])
        if x.title:
            parts.append(
                format_html(
                    '<text class="axis-title" x="{}" y="{}" text-anchor="end">{}</text>',
                    plot_right,
                    size.height - 4,
                    x.title,
                )  # fmt: skip
            )
        # Labels of marks a few days apart (one phase in several terms) would print over each
        # other: each label takes the first row down where it clears the ones already placed.
        row_ends: list[float] = []
        for mark in sorted(marks, key=lambda m: m.x):
            at = sx(mark.x)
            half = len(mark.label) * LABEL_CHAR_WIDTH / 2
            row = next((i for i, end in enumerate(row_ends) if at - half > end + 4), len(row_ends))
            if row == len(row_ends):
                row_ends.append(0.0)
            row_ends[row] = at + half
            parts.append(
                format_html(
                    '<g class="mark"><title>{}</title><line x1="{}" x2="{}" y1="{}" y2="{}"/>'
                    '<text x="{}" y="{}" text-anchor="middle">{}</text></g>',
                    mark.title,
                    at,
                    at,
                    plot_top,
                    plot_bottom,
                    at,
                    plot_top - 6 + row * LABEL_ROW_HEIGHT,
                    mark.label,
                )  # fmt: skip
            )
        for line in lines:
            parts += _draw_line(line, sx, sy, focusable)
        return parts

    count = sum(len(line.points) for line in lines if line.values)
    return Chart(title, description, draw, values=count, css="lines")


def _draw_line(line: Line, sx, sy, focusable: bool) -> list:
    solid, gaps, previous = [], [], None
    for point in line.points:
        here = f"{sx(point.x)},{sy(point.y)}"
        if previous is not None and line.gap is not None and point.x - previous.x > line.gap:
            gaps.append(f"M{sx(previous.x)},{sy(previous.y)}L{here}")
            solid.append(f"M{here}")
        else:
            solid.append(("L" if previous is not None else "M") + here)
        previous = point
    style = "dashed" if line.dashed else "solid"
    parts = [format_html('<g class="line {}" style="--c: {}"><title>{}</title>', style, line.color, line.label)]
    if gaps:
        parts.append(format_html('<path class="gap" d="{}"/>', "".join(gaps)))
    if len(line.points) > 1:
        parts.append(format_html('<path class="stroke" d="{}"/>', "".join(solid)))
    last = len(line.points) - 1
    for i, point in enumerate(line.points if line.values else []):
        shown = line.dots or point.highlight or i == last
        css = "value dot" + (" shown" if shown else "") + (" highlight" if point.highlight else "")
        parts.append(
            format_html(
                '<circle{} cx="{}" cy="{}" r="{}" style="--h: {}"><title>{}</title></circle>',
                _value_attrs(point.tip, focusable, css),
                sx(point.x),
                sy(point.y),
                6 if point.highlight else 4.5,
                point.color or line.color,
                point.tip,
            )  # fmt: skip
        )
    parts.append(mark_safe("</g>"))
    return parts


def legend(items: list[tuple[str, str]] | list[tuple[str, str, bool]], shape: str = "line") -> SafeString:
    """A list of (label, color[, dashed]) keys, as HTML beside a chart: a short line
    for a line chart, a square (``shape="box"``) for bars."""
    rows = []
    for item in items:
        label, color, dashed = (*item, False)[:3]
        css = "key box" if shape == "box" else "key dashed" if dashed else "key"
        rows.append(
            format_html('<li style="--c: {}"><span class="{}" aria-hidden="true"></span>{}</li>', color, css, label)
        )
    return format_html('<ul class="chart-legend">{}</ul>', mark_safe("".join(str(r) for r in rows)))  # noqa: S308


def sparkline(
    curves: list[tuple[list[tuple[float, float]], str]],
    y_high: float,
    rule: float | None = None,
    width: int = 220,
    height: int = 56,
) -> SafeString:
    """A small decorative drawing (its numbers are in the text beside it): ``curves``
    [(points, css class)] from x = 0, the first drawn on top with a dot on its last
    point; ``rule`` a dashed line across at that value (100% full)."""
    pad = 4
    x_high = max([1.0, *(x for points, _ in curves for x, _ in points)])

    def sx(x: float) -> str:
        return _n(pad + x / x_high * (width - 2 * pad))

    def sy(y: float) -> str:
        return _n(height - pad - y / (y_high or 1) * (height - 2 * pad))

    parts = [
        format_html(
            '<svg class="sparkline" viewBox="0 0 {} {}" width="{}" height="{}" aria-hidden="true" focusable="false" '
            'xmlns="http://www.w3.org/2000/svg">',
            width,
            height,
            width,
            height,
        )  # fmt: skip
    ]
    if rule is not None:
        parts.append(format_html('<line class="full" x1="0" x2="{}" y1="{}" y2="{}"/>', width, sy(rule), sy(rule)))
    for points, css in reversed(curves):
        if points:
            path = "M" + "L".join(f"{sx(x)},{sy(y)}" for x, y in points)
            parts.append(format_html('<path{} d="{}"/>', format_html(' class="{}"', css) if css else "", path))
    if curves and curves[0][0]:
        x, y = curves[0][0][-1]
        parts.append(format_html('<circle cx="{}" cy="{}" r="3"/>', sx(x), sy(y)))
    parts.append(mark_safe("</svg>"))
    return mark_safe("".join(str(p) for p in parts))  # noqa: S308 - parts are built with format_html
