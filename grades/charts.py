"""Grade charts, drawn by the kit (berkeleytime/charts.py): distributions as grouped
bars, and GPA over terms as lines."""

from __future__ import annotations

from berkeleytime import charts
from sources.terms import TermRef

COLORS = charts.COLORS
legend = charts.legend


def _tip(label: str, row: dict) -> str:
    text = f"{label}: {row['grade']} {row['percent']:g}% ({row['count']:,} students)"
    if row.get("top") is not None and row["count"]:
        text += f"; {row['grade']} or better: top {row['top']:g}%"
    return text


def histogram(results: list[dict], title: str) -> charts.Chart:
    """Percent of students per grade, one bar per selection. ``results``: [{"label",
    "color", "distribution"}], each distribution the same grades in the same order."""
    grades = [row["grade"] for row in results[0]["distribution"]] if results else []
    peak = max((row["percent"] for r in results for row in r["distribution"]), default=0)
    series = [
        charts.Bars(r["label"], r["color"], [(row["percent"], _tip(r["label"], row)) for row in r["distribution"]])
        for r in results
    ]
    description = "; ".join(
        f"{r['label']}: "
        + ", ".join(f"{row['grade']} {row['percent']:g}%" for row in r["distribution"] if row["count"])
        for r in results
    )
    return charts.bar_chart(title, description, grades, series, charts.Axis.nice(0, max(peak, 10), "%"))


def trend(lines: list[dict], title: str) -> charts.Chart:
    """GPA over terms. ``lines``: [{"label", "color", "trend": [{"term", "name", "gpa",
    "letter", "students"}], "highlights": {term slug: color}}]: a highlighted term is
    drawn as a ring, the term a selection was narrowed to."""
    names: dict[str, str] = {}
    for line in lines:
        for point in line["trend"]:
            names.setdefault(point["term"], point["name"])
    order = sorted(names, key=lambda slug: TermRef.from_slug(slug).sort_key)
    index = {slug: i for i, slug in enumerate(order)}
    values = [p["gpa"] for line in lines for p in line["trend"]]
    low = min([*values, 3.0]) if values else 2.0
    y = charts.Axis.nice(max(0.0, low - 0.1), min(4.0, max([*values, 3.5]) + 0.05), most=4)
    x = charts.Axis(-0.5, max(len(order) - 0.5, 0.5), [(index[slug], _short(names[slug])) for slug in order])
    drawn = []
    for line in lines:
        points = [
            charts.Point(
                index[p["term"]],
                p["gpa"],
                f"{line['label']}: {p['name']} GPA {p['gpa']:.2f} ({p['letter']}), {p['students']:,} students",
                highlight=p["term"] in line.get("highlights", {}),
                color=line.get("highlights", {}).get(p["term"]),
            )
            for p in line["trend"]
        ]
        drawn.append(charts.Line(line["label"], line["color"], points, dots=len(points) <= 40))
    description = (
        "; ".join(
            f"{line['label']}: " + ", ".join(f"{p['name']} {p['gpa']:.2f}" for p in line["trend"]) for line in lines
        )
        or "No GPA data."
    )
    return charts.line_chart(title, description, drawn, x, y)


def _short(name: str) -> str:
    """'Spring 2024' -> 'Sp24'."""
    season, year = name.split()
    return f"{season[:2]}{year[2:]}"


RAW_COLOR, ADJUSTED_COLOR = COLORS[1], COLORS[0]


def fairness(rows: list[dict], title: str) -> charts.Chart:
    """Each instructor's raw and drift-adjusted estimate as dots with their intervals as
    bars, side by side over the instructor. ``rows``: grades.fairness's instructors."""
    lines: list[charts.Line] = []
    values = [v for r in rows for key in ("raw", "adjusted") for v in (r[key]["low"], r[key]["high"])]
    # Adjusted averages may pass 4.0 a little: the axis follows them rather than cut them off.
    y = charts.Axis.nice(max(0.0, min(values, default=2.5) - 0.05), max(values, default=4.0) + 0.05, most=5)
    for i, row in enumerate(rows):
        for key, color, shift, what in (
            ("raw", RAW_COLOR, -0.15, "raw"),
            ("adjusted", ADJUSTED_COLOR, 0.15, "adjusted"),
        ):
            value = row[key]
            tip = f"{row['name']}: {what} {value['gpa']:.2f} (95% interval {value['low']:.2f} to {value['high']:.2f})"
            bar = [charts.Point(i + shift, value["low"], tip), charts.Point(i + shift, value["high"], tip)]
            lines.append(charts.Line(f"{row['name']}, {what}, interval", color, bar, values=False))
            lines.append(charts.Line(f"{row['name']}, {what}", color, [charts.Point(i + shift, value["gpa"], tip)]))
    x = charts.Axis(-0.5, max(len(rows) - 0.5, 0.5), [(i, _surname(r["name"])) for i, r in enumerate(rows)])
    description = "; ".join(
        f"{r['name']}: raw {r['raw']['gpa']:.2f} ({r['raw']['low']:.2f} to {r['raw']['high']:.2f}), "
        f"adjusted {r['adjusted']['gpa']:.2f} ({r['adjusted']['low']:.2f} to {r['adjusted']['high']:.2f})"
        for r in rows
    )
    return charts.line_chart(title, description or "No instructors.", lines, x, y)


def _surname(name: str) -> str:
    """'John DeNero' -> 'DeNero'; 'Harvey, B' -> 'Harvey' (how the old files wrote names)."""
    return name.split(",")[0].strip() if "," in name else name.split()[-1]
