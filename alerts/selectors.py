"""Reads: a student's follows with their alerts, and what a course page's panel offers."""

from __future__ import annotations

import datetime
from dataclasses import dataclass, field

from django.db.models import Prefetch, Q
from django.utils import timezone

from catalog.models import Course, Section, Term

from . import rules
from .models import Alert, Follow


def follows_of(user) -> list[Follow]:
    """Every follow of the student's, active first, each with its alerts (newest first) and
    seen_at, the time of the last change a sync saw."""
    follows = list(
        Follow.objects.of(user)
        .select_related("course", "section", "term")
        .prefetch_related(Prefetch("alerts", queryset=Alert.objects.order_by("-created_at", "-pk")))
    )
    for found in follows:
        found.seen_at = datetime.datetime.fromisoformat(found.last_seen["as_of"]) if found.last_seen else None
    return follows


def get_follow(user, follow_id: int) -> Follow | None:
    return Follow.objects.of(user).select_related("course", "section", "term").filter(pk=follow_id).first()


def coming_term(course: Course) -> Term | None:
    """The latest term with sections of the course, unless it has ended: what can still be enrolled in."""
    today = timezone.localdate()
    return (
        Term.objects.filter(sections__course=course)
        .filter(Q(end_date__isnull=True) | Q(end_date__gte=today))
        .order_by("-sort_key")
        .first()
    )


@dataclass
class Choice:
    value: str  # "" for the class, else the section's id
    label: str
    section: Section | None = None
    followed: Follow | None = None


@dataclass
class Offer:
    term: Term
    choices: list[Choice] = field(default_factory=list)
    open: int | None = None  # the class's open seats now


def offer(course: Course, user) -> Offer | None:
    """The class and each of its sections in the coming term, marked where the student follows."""
    term = coming_term(course)
    if term is None:
        return None
    sections = list(Section.objects.filter(course=course, term=term).order_by("parent_id", "kind", "number", "pk"))
    by_parent = {}
    for section in sections:
        by_parent.setdefault(section.parent_id, []).append(section)
    followed = {}
    if user is not None and user.is_authenticated:
        followed = {f.section_id: f for f in Follow.objects.of(user).filter(course=course, term=term)}
    primaries = by_parent.get(None, [])
    counts = [{"enrolled": s.enrolled, "capacity": s.capacity, "waitlisted": s.waitlisted} for s in primaries]
    found = Offer(term=term, open=rules.totals(counts).open)
    found.choices.append(
        Choice(
            "", f"The class (any {'lecture' if len(primaries) > 1 else 'primary section'})", None, followed.get(None)
        )
    )
    for primary in primaries:
        for section in [primary, *by_parent.get(primary.pk, [])]:
            found.choices.append(Choice(str(section.pk), section_label(section), section, followed.get(section.pk)))
    return found


def section_label(section: Section) -> str:
    seats = rules.open_seats({"enrolled": section.enrolled, "capacity": section.capacity})
    parts = [f"{section.kind} {section.number}"]
    if seats is not None:
        parts.append(f"{seats} open")
    if section.waitlisted:
        parts.append(f"{section.waitlisted} waitlisted")
    return " · ".join(parts)
