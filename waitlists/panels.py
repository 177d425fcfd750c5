"""The waitlist odds on pages: a note under the enrollment page's chart
(BT_ENROLLMENT_NOTES) and a panel on the course page (BT_COURSE_PANELS), each with a
small GET form for a position. Only for courses that had waitlists."""

from __future__ import annotations

import re

from . import selectors

COURSE_PAGE_PARAMETER = "waitlist-position"


def course_panel(request, course) -> dict | None:
    context = _odds_context(request, course, COURSE_PAGE_PARAMETER)
    if context is None:
        return None
    return {"template": "waitlists/_course_panel.html", **context, "action": f"{request.path}#waitlist-odds"}


def enrollment_note(request, series) -> dict | None:
    """Once per shown course, under its first curve: the odds are the latest term's,
    whichever term a curve shows."""
    noted = request.__dict__.setdefault("waitlist_odds_noted", set())
    if series.course.pk in noted:
        return None
    noted.add(series.course.pk)
    parameter = enrollment_parameter(series.course)
    context = _odds_context(request, series.course, parameter)
    if context is None:
        return None
    kept = [(name, value) for name, values in request.GET.lists() if name != parameter for value in values]
    return {
        "template": "waitlists/_enrollment_note.html",
        **context,
        "action": f"{request.path}#waitlist-{series.course.pk}",
        "kept": kept,
    }


def enrollment_parameter(course) -> str:
    """The enrollment page's query parameter for one course's position: several courses
    can be shown at once, each with its own form."""
    return "position-" + re.sub(r"[^a-z0-9]", "", f"{course.subject_id}{course.number}".lower())


def _odds_context(request, course, parameter: str) -> dict | None:
    if not selectors.had_waitlists(course):
        return None
    position, error = selectors.parse_position(request.GET.get(parameter))
    # Whether the course can be answered at all: position 1 always has earlier waitlists to compare with.
    gate = selectors.odds(course, 1)
    odds = selectors.odds(course, position) if position and not gate.reason else None
    return {
        "course": course,
        "parameter": parameter,
        "max_position": selectors.MAX_POSITION,
        "typed": (request.GET.get(parameter) or "")[:20],
        "error": error,
        "odds": odds,
        "unanswerable": gate.reason,
        "as_of": gate,
        "horizon_note": selectors.HORIZON_NOTE,
    }
