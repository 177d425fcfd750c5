"""Server-rendered SVG charts: grade histograms (one or several selections overlaid)
and GPA over terms. Every chart scales to its container (viewBox) and carries a
title and description; the pages also give the numbers as a table."""

from __future__ import annotations

from django.utils.html import escape, format_html
from django.utils.safestring import SafeString, mark_safe

from sources.terms import TermRef

from .maths import GRADES

COLORS = ("#003262", "#d9a300", "#00857a", "#c2410c")  # Berkeley blue, gold, teal, orange
WIDTH, HEIGHT = 640, 260
LEFT, RIGHT, TOP, BOTTOM = 44, 12, 16, 34


def _svg(title: str, description: str, body: list[str], width: int = WIDTH, height: int = HEIGHT) -> SafeString:
    uid = abs(hash((title, description))) % 10**8
    return mark_safe(  # noqa: S308 - every interpolated text below goes through escape()/format_html
        f'<svg class="chart" viewBox="0 0 {width} {height}" role="img" '
        f'aria-labelledby="t{uid} d{uid}" preserveAspectRatio="xMidYMid meet" xmlns="http://www.w3.org/2000/svg">'
        f'<title id="t{uid}">{escape(title)}</title><desc id="d{uid}">{escape(description)}</desc>'
        + "".join(body)
        + "</svg>"
    )


def _y_axis(maximum: float, ticks: int, fmt: str, plot_height: float, width: int = WIDTH) -> list[str]:
    parts = []
    for i in range(ticks + 1):
        value = maximum * i / ticks
        y = TOP + plot_height - plot_height * i / ticks
        parts.append(
            format_html(
                '<line x1="{}" x2="{}" y1="{}" y2="{}" class="grid"/>'
                '<text x="{}" y="{}" class="axis" text-anchor="end">{}</text>',
                LEFT,
                width - RIGHT,
                f"{y:.1f}",
                f"{y:.1f}",
                LEFT - 6,
                f"{y + 4:.1f}",
                fmt.format(value),
            )  # fmt: skip
        )
    return parts


def histogram(series: list[dict], title: str, colors: tuple[str, ...] = COLORS, width: int = WIDTH) -> SafeString:
    """Grouped bars of percent per grade. ``series``: [{"label", "distribution"}], up to four.
    A narrower ``width`` keeps the labels readable in small multiples."""
    plot_width, plot_height = width - LEFT - RIGHT, HEIGHT - TOP - BOTTOM
    peak = max((row["percent"] for s in series for row in s["distribution"]), default=0)
    step = 5 if peak <= 40 else 10
    maximum = max(step * 2, -(-peak // step) * step)
    slot = plot_width / len(GRADES)
    bar = (slot * 0.8) / max(1, len(series))
    body = _y_axis(maximum, int(maximum // step), "{:.0f}%", plot_height, width)
    for g, grade in enumerate(GRADES):
        x0 = LEFT + g * slot + slot * 0.1
        for s, entry in enumerate(series):
            row = entry["distribution"][g]
            h = plot_height * row["percent"] / maximum
            body.append(
                format_html(
                    '<rect x="{}" y="{}" width="{}" height="{}" fill="{}"><title>{}: {} {}% ({} students)</title></rect>',
                    f"{x0 + s * bar:.1f}",
                    f"{TOP + plot_height - h:.1f}",
                    f"{max(bar - 1, 1):.1f}",
                    f"{h:.1f}",
                    colors[s % len(colors)],
                    entry["label"],
                    grade,
                    row["percent"],
                    row["count"],
                )  # fmt: skip
            )
        body.append(
            format_html(
                '<text x="{}" y="{}" class="axis" text-anchor="middle">{}</text>',
                f"{LEFT + g * slot + slot / 2:.1f}",
                HEIGHT - BOTTOM + 16,
                grade,
            )  # fmt: skip
        )
    description = "; ".join(
        f"{s['label']}: " + ", ".join(f"{r['grade']} {r['percent']}%" for r in s["distribution"] if r["count"])
        for s in series
    )
    return _svg(title, description, body, width=width)


def trend(series: list[dict], title: str) -> SafeString:
    """GPA over terms, one line per selection. ``series``: [{"label", "trend": [{"term","name","gpa"}]}]."""
    terms: dict[str, str] = {}
    for entry in series:
        for point in entry["trend"]:
            terms.setdefault(point["term"], point["name"])
    order = _chronological(terms)
    if not order:
        return _svg(title, "No GPA data.", [])
    plot_width, plot_height = WIDTH - LEFT - RIGHT, HEIGHT - TOP - BOTTOM
    values = [p["gpa"] for e in series for p in e["trend"]]
    low = min(2.0, (min(values) // 0.5) * 0.5)
    span = 4.0 - low
    step = plot_width / max(1, len(order) - 1)

    def x(term: str) -> float:
        return LEFT + (order.index(term) * step if len(order) > 1 else plot_width / 2)

    def y(value: float) -> float:
        return TOP + plot_height - plot_height * (value - low) / span

    body = []
    for i in range(5):
        value = low + span * i / 4
        body.append(
            format_html(
                '<line x1="{}" x2="{}" y1="{}" y2="{}" class="grid"/>'
                '<text x="{}" y="{}" class="axis" text-anchor="end">{}</text>',
                LEFT,
                WIDTH - RIGHT,
                f"{y(value):.1f}",
                f"{y(value):.1f}",
                LEFT - 6,
                f"{y(value) + 4:.1f}",
                f"{value:.1f}",
            )  # fmt: skip
        )
    labels_every = max(1, len(order) // 6)
    for i, term in enumerate(order):
        last = i == len(order) - 1
        if (i % labels_every == 0 and len(order) - 1 - i >= labels_every / 2) or last:
            body.append(
                format_html(
                    '<text x="{}" y="{}" class="axis" text-anchor="middle">{}</text>',
                    f"{x(term):.1f}",
                    HEIGHT - BOTTOM + 16,
                    _short(terms[term]),
                )  # fmt: skip
            )
    for s, entry in enumerate(series):
        color = COLORS[s % len(COLORS)]
        points = sorted(entry["trend"], key=lambda p: order.index(p["term"]))
        if len(points) > 1:
            path = " ".join(f"{x(p['term']):.1f},{y(p['gpa']):.1f}" for p in points)
            body.append(format_html('<polyline points="{}" fill="none" stroke="{}" stroke-width="2"/>', path, color))
        for p in points:
            body.append(
                format_html(
                    '<circle cx="{}" cy="{}" r="3" fill="{}"><title>{}: {} GPA {} ({})</title></circle>',
                    f"{x(p['term']):.1f}",
                    f"{y(p['gpa']):.1f}",
                    color,
                    entry["label"],
                    p["name"],
                    p["gpa"],
                    p["letter"],
                )  # fmt: skip
            )
    description = "; ".join(
        f"{e['label']}: " + ", ".join(f"{p['name']} {p['gpa']}" for p in e["trend"]) for e in series
    )
    return _svg(title, description, body)


def _chronological(terms: dict[str, str]) -> list[str]:
    return sorted(terms, key=lambda slug: TermRef.from_slug(slug).sort_key)


def _short(name: str) -> str:
    """'Spring 2024' -> 'Sp24'."""
    season, year = name.split()
    return f"{season[:2]}{year[2:]}"
