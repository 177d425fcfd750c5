"""Small made-up enrollment curves with known fill days, as the model reads them."""

import pandas as pd

TERMS = ["fall-2031", "fall-2032", "fall-2033", "fall-2034"]


def steady_fill_day(course: int) -> int:
    """The day a steady course fills, the same every term: spread over Phase 1 to the adjustment period."""
    return 10 + (course * 7) % 120


def curves(courses: int = 60, never: int = 15, terms=TERMS) -> pd.DataFrame:
    """``courses`` courses that rise in a straight line from 0% on day -10 to 100% on their
    steady fill day, and ``never`` that level off at 60%; a point every 3 days to day 150."""
    rows = []
    for term in terms:
        for course in range(courses + never):
            fills = course < courses
            end = steady_fill_day(course) if fills else 200
            for day in range(-10, 151, 3):
                percent = min(100.0, 100.0 * (day + 10) / (end + 10)) if fills else min(60.0, 0.5 * (day + 10))
                rows.append((course, f"S{course % 3}", str(10 + course), term, day, round(percent, 1)))
    return pd.DataFrame(rows, columns=["course", "subject", "number", "term", "day", "percent"])
