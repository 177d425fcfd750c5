"""One interface, two backends: ``postgres`` (always there) and ``elasticsearch`` (when ELASTICSEARCH_URL is set)."""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Protocol

from search.query import Query

# What a query may ask for besides its words lifts a course by up to this much, in both backends
# (the tiers of where the words matched are 1 apart; popularity adds 0 to 1):
INTRODUCTORY_WEIGHT = 0.6  # times the course's introductory (0 to 1), for "intro psych", "stats 101"
PLACE_WEIGHT = 0.5  # the course at the place asked for: "second semester calc", "calc 2"
DESCRIBING_WEIGHT = 0.5  # its titles say what the query describes it as: "intermediate micro"


@dataclass
class Hit:
    """One course in the results. ``highlight`` is safe HTML: matched words in <mark>, the rest escaped."""

    course_id: int
    code: str
    subject: str
    number: str
    title: str
    score: float
    highlight: str = ""
    matched: str = ""  # "code", "title", "instructors", "description", or "" (a subject name matched)


@dataclass
class Results:
    query: str
    backend: str
    hits: list[Hit] = field(default_factory=list)


class Backend(Protocol):
    name: str

    def search(self, query: Query, limit: int) -> list[Hit]:
        """The best ``limit`` courses for ``query``, best first."""
        ...


class BackendUnavailable(Exception):
    """The backend could not answer: down, too slow, or its index is missing."""

    def __init__(self, reason: str, detail: str = ""):
        super().__init__(f"{reason}: {detail}" if detail else reason)
        self.reason = reason
