"""Grade arithmetic on Berkeley's scale: GPA, the letter for a GPA, percents and percentiles."""

from __future__ import annotations

from collections.abc import Mapping

from sources.grades import GRADES, LETTERS

__all__ = ["GRADES", "LETTERS", "POINTS", "gpa", "letter_for", "summarize"]

POINTS = {
    "A+": 4.0, "A": 4.0, "A-": 3.7,
    "B+": 3.3, "B": 3.0, "B-": 2.7,
    "C+": 2.3, "C": 2.0, "C-": 1.7,
    "D+": 1.3, "D": 1.0, "D-": 0.7,
    "F": 0.0,
}  # fmt: skip

# A GPA reads as the grade whose points are nearest: above 3.85 is an A, above
# 3.5 an A-, above 3.15 a B+, and so on (midpoints between neighbouring grades).
_LETTER_FLOORS = (
    (3.85, "A"), (3.5, "A-"), (3.15, "B+"), (2.85, "B"), (2.5, "B-"), (2.15, "C+"),
    (1.85, "C"), (1.5, "C-"), (1.15, "D+"), (0.85, "D"), (0.5, "D-"),
)  # fmt: skip


def gpa(counts: Mapping[str, int]) -> float | None:
    """Mean grade points of letter-graded students; P/NP are excluded. None without letter grades."""
    graded = sum(counts.get(g, 0) for g in LETTERS)
    if not graded:
        return None
    return sum(POINTS[g] * counts.get(g, 0) for g in LETTERS) / graded


def letter_for(value: float | None) -> str | None:
    if value is None:
        return None
    for floor, letter in _LETTER_FLOORS:
        if value > floor:
            return letter
    return "F"


def distribution(counts: Mapping[str, int], grades: tuple[str, ...] = GRADES) -> list[dict]:
    """One entry per grade, A+ to F then P and NP (or ``grades``): the count, the percent
    of all those students, the percentile range the grade spans, from the top of the
    class (the top grade ends at the 100th percentile), and for a letter grade ``top``,
    the percent of students who got it or better ("A- or better: top 38%")."""
    total = sum(counts.get(g, 0) for g in grades)
    rows, above = [], 0
    for grade in grades:
        count = counts.get(grade, 0)
        if total:
            high = 1 - above / total
            low = 1 - (above + count) / total
        else:
            high = low = 0.0
        rows.append(
            {
                "grade": grade,
                "count": count,
                "percent": round(100 * count / total, 2) if total else 0.0,
                "percentile_low": round(low, 4),
                "percentile_high": round(high, 4),
                "top": round(100 * (above + count) / total, 1) if total and grade in LETTERS else None,
            }
        )
        above += count
    return rows


def summarize(counts: Mapping[str, int], sections: int, grades: tuple[str, ...] = GRADES) -> dict:
    value = gpa(counts)
    return {
        "sections": sections,
        "total": sum(counts.get(g, 0) for g in grades),
        "gpa": round(value, 3) if value is not None else None,
        "letter": letter_for(value),
        "distribution": distribution(counts, grades),
    }
