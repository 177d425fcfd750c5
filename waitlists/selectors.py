"""Reads: the chance a waitlist position clears, for the API, the enrollment page's
note and the course page's panel. A few indexed queries and one dot product: the
expensive parts (movements, the model) are stored by services.py."""

from __future__ import annotations

import datetime
from dataclasses import dataclass, field

from django.db.models import Max

from catalog.models import Course, Term
from enrollment.models import EnrollmentPoint
from enrollment.selectors import latest_term_with_enrollment

from . import odds as model
from .models import OddsModel, WaitlistMovement
from .movement import HORIZON_DAYS

MAX_POSITION = 2000
HORIZON_WORDS = "the end of the adjustment period"
HORIZON_NOTE = (
    f"The end of the adjustment period is taken as {HORIZON_DAYS} days after Phase 1 began (mid-September, "
    "about the census date); a student's position counts as cleared when that many students were enrolled "
    "from the course's waitlist after that day, which undercounts students ahead who gave up."
)


@dataclass(frozen=True)
class PastTerm:
    term: Term
    moved: int  # students admitted from its waitlist after the comparable day

    def cleared(self, position: int) -> bool:
        return self.moved >= position


@dataclass(frozen=True)
class Odds:
    """The answer for one course and position, or the reason there is none."""

    course: Course
    position: int
    term: Term | None = None
    day: int | None = None
    as_of: datetime.date | None = None
    phase: str = ""
    chance: float | None = None
    past_terms: list[PastTerm] = field(default_factory=list)
    reason: str = ""

    @property
    def percent(self) -> int | None:
        """The chance in whole percent, kept off 0 and 100: no past term makes either certain."""
        return None if self.chance is None else min(99, max(1, round(self.chance * 100)))

    @property
    def cleared_terms(self) -> list[PastTerm]:
        return [past for past in self.past_terms if past.cleared(self.position)]

    @property
    def summary(self) -> str:
        """'About 70% chance that position 40 clears by the end of the adjustment period,
        from 3 past terms of COMPSCI 61A (it moved that far in 2 of them).'"""
        if self.chance is None:
            return self.reason
        terms = len(self.past_terms)
        return (
            f"About {self.percent}% chance that position {self.position:,} clears by {HORIZON_WORDS}, "
            f"from {terms} past terms of {self.course.code} (its waitlist moved that far from this point "
            f"in {len(self.cleared_terms)} of them)."
        )


def had_waitlists(course: Course) -> bool:
    """Did the course ever have a waitlist in a term with dated phases?"""
    return WaitlistMovement.objects.for_course(course).with_waitlist().exists()


def parse_position(text: str | None) -> tuple[int | None, str]:
    """A position as typed into a form: (position, '') or (None, what is wrong)."""
    text = (text or "").strip()
    if not text:
        return None, ""
    if not text.isdigit() or not 1 <= int(text) <= MAX_POSITION:
        return None, f"Enter your waitlist position as a whole number from 1 to {MAX_POSITION:,}."
    return int(text), ""


def odds(course: Course, position: int, day: int | None = None) -> Odds:
    """The chance a student at ``position`` on the course's latest term's waitlist
    clears by the horizon, ``day`` days after Phase 1 began (default: the latest day
    with data)."""
    term = latest_term_with_enrollment(course)
    if term is None:
        return Odds(course, position, reason=f"No enrollment data for {course.code}.")
    # Every stored term of the course up to this one, with its phases: one query.
    stored = list(
        WaitlistMovement.objects.for_course(course)
        .filter(term__sort_key__lte=term.sort_key)
        .select_related("term__enrollment_phases")
        .order_by("-term__sort_key")
    )
    current = stored[0] if stored and stored[0].term_id == term.pk else None
    if current is None:  # only terms whose Phase 1 is dated are stored
        return Odds(course, position, term, reason=f"{term.name}'s Phase 1 is not dated: no day to compare with.")
    phases = getattr(current.term, "enrollment_phases", None)  # gone since the last refresh: no phase to name
    if day is None:
        last = EnrollmentPoint.objects.in_term(term).aggregate(last=Max("date"))["last"]
        day = max(0, (last - current.day_0).days)
    as_of = current.day_0 + datetime.timedelta(days=day)
    answer = Odds(course, position, term, day, as_of, phases.phase_on(as_of) if phases else "")
    if day >= HORIZON_DAYS:
        return _without(answer, f"{term.name} is past {HORIZON_WORDS}: there is nothing left to clear.")
    history = [row for row in stored[1:] if row.complete and row.had_waitlist]
    past = [PastTerm(row.term, row.movement.moved_after(day)) for row in history]
    answer = _with(answer, past_terms=past)
    if len(past) < model.MIN_TERMS:
        named = f" ({', '.join(p.term.name for p in past)})" if past else ""
        return _without(
            answer,
            f"Too few past terms to go on: {len(past)} earlier term{'s' if len(past) != 1 else ''} of "
            f"{course.code} had a waitlist{named}; it takes {model.MIN_TERMS}.",
        )
    longest = max(max(row.movement.waitlisted) for row in history)
    if position > longest:
        return _without(
            answer,
            f"No earlier term of {course.code} had a waitlist that long (the longest: {longest:,}): "
            f"there is nothing to compare position {position:,} with.",
        )
    fitted = OddsModel.objects.order_by("-fitted_at").first()
    if fitted is None:
        return _without(answer, "No model has been fitted on past terms yet.")
    capacity = current.movement.capacity_on(day) or max(
        (c for row in history for c in row.movement.capacity if c), default=None
    )
    features = model.features(position, day, capacity, [p.moved for p in past])
    chance = model.Fitted(fitted.coefficients, fitted.intercept, fitted.rows, fitted.base_rate).chance(features)
    return _with(answer, chance=chance)


def _with(answer: Odds, **changes) -> Odds:
    return Odds(**{**answer.__dict__, **changes})


def _without(answer: Odds, reason: str) -> Odds:
    return _with(answer, reason=reason)
