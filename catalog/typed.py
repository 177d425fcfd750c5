"""A course as a student types it: "cs 61a", "cs61a", "CS 61A", "ee 120", "data c8", "eecs 126".

One reading for every box where a course is typed or named (the catalog's, the
grades and enrollment selections, course URLs) and for search: the text is
read as a subject by any of its names (catalog.subject_names: everyday names
such as "cs", codes, spellings, full names) and a course number. ``resolve``
then says which course that is, when one clearly is, and otherwise what it
may be.
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field

from django.db.models import Q

from .models import Course, lookup_courses
from .subject_names import subject_names

# A course number: up to two letters before the digits (C8, H195, R1A, W10),
# up to three after (61A, 35AC, 98BC).
_NUMBER = re.compile(r"^[A-Z]{0,2}\d{1,3}[A-Z]{0,3}$")
# Letters Berkeley puts before a number: cross-listed (C), honors (H), ... "data 100" means DATA C100.
LETTER_PREFIXES = ("C", "H", "N", "R", "W")


@dataclass(frozen=True)
class CodeQuery:
    """A reading of the query as a course code: ``subjects`` empty means any subject ("61a")."""

    subjects: tuple[str, ...]
    number: str


def read_codes(text: str) -> tuple[CodeQuery, ...]:
    """How ``text`` reads as a course code: one reading, or none.

    The text is compacted ("compsci 61 a" -> "COMPSCI61A") and the letters
    before the number are read as the longest known subject name they start
    with, so "DATAC8" is DATA C8 and "MCBC61" is MCELLBI C61. A number alone
    ("61a", "c8") is a code in any subject.
    """
    squeezed = re.sub(r"[\s.\-_/,]+", "", text.upper())
    if not any(ch.isdigit() for ch in squeezed):
        return ()
    for split in range(len(squeezed) - 1, 0, -1):
        head, tail = squeezed[:split], squeezed[split:]
        if _NUMBER.match(tail):
            subjects = subject_names.resolve(head)
            if subjects:
                return (CodeQuery(subjects, tail),)
    if _NUMBER.match(squeezed):
        return (CodeQuery((), squeezed),)
    return ()


@dataclass(frozen=True)
class Typed:
    """What a typed course names: ``course`` when one course clearly matches, else
    ``choices`` (best first; empty when the text names no course)."""

    text: str
    course: Course | None = None
    choices: tuple[Course, ...] = field(default=())


MAX_TYPED_LENGTH = 60
MAX_CHOICES = 8


def resolve(text: str | None) -> Typed:
    """The course ``text`` names. A subject's readings are tried in their order ("ee" is
    ELENG before EECS): the first with the exact number wins; else the number with a
    letter Berkeley puts before it ("data 8" is DATA C8) when that is one course. A
    number alone ("61a") is a course when one subject has it."""
    text = " ".join((text or "").split())
    if not text or len(text) > MAX_TYPED_LENGTH or "\x00" in text:
        return Typed(text)
    codes = read_codes(text)
    if not codes:
        return Typed(text)
    code = codes[0]
    if code.subjects:
        # Every spelling it may be, looked up at once, then taken in order.
        lettered_numbers = [p + code.number for p in LETTER_PREFIXES] if code.number[:1].isdigit() else []
        wanted = [(subject, number) for subject in code.subjects for number in [code.number, *lettered_numbers]]
        found = lookup_courses(wanted)
        for subject in code.subjects:
            if (subject, code.number) in found:
                return Typed(text, found[(subject, code.number)])
        lettered = [found[(s, n)] for s in code.subjects for n in lettered_numbers if (s, n) in found]
        choices = tuple(dict.fromkeys(lettered))
        return Typed(text, choices[0], choices) if len(choices) == 1 else Typed(text, None, choices[:MAX_CHOICES])
    found = tuple(Course.objects.filter(number=code.number).order_by("code")[: MAX_CHOICES + 1])
    return Typed(text, found[0], found) if len(found) == 1 else Typed(text, None, found[:MAX_CHOICES])


def prefix_condition(text: str) -> Q:
    """What a partly typed code means in a list of courses: "cs6" is COMPSCI courses whose
    number starts with 6, "data 8" also DATA C8, "cs" alone every COMPSCI course. Empty
    (matches nothing extra) when the text reads as no subject."""
    text = " ".join((text or "").split())
    if not text or len(text) > MAX_TYPED_LENGTH or "\x00" in text:
        return Q(pk__in=[])
    subjects = subject_names.resolve(text)
    if subjects:
        return Q(subject_id__in=subjects)
    condition = Q(pk__in=[])
    for code in read_codes(text):
        if not code.subjects:
            continue
        numbers = Q(number__startswith=code.number)
        if code.number[:1].isdigit():
            for letter in LETTER_PREFIXES:
                numbers |= Q(number__startswith=letter + code.number)
        condition |= Q(subject_id__in=code.subjects) & numbers
    return condition


def not_found(text: str) -> str:
    """What a box says when ``text`` names no one course: its choices, or an example."""
    found = resolve(text)
    shown = " ".join(text.split())[:40]
    if found.choices:
        return f"{shown!r} may be {', '.join(c.code for c in found.choices)}: type one of them."
    return f"no course {shown!r}; type a code like COMPSCI 61A or CS 61A."
