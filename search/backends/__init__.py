"""One interface, two backends: ``postgres`` (always there) and ``elasticsearch`` (when ELASTICSEARCH_URL is set)."""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Protocol

from search.query import Query


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
