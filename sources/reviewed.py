"""Reviewed decision files: what a person decided where the data's evidence cannot.

One decision per line, fields separated by ``|``, the reason last:

    merge | ELENG 126 | EECS 126 | Electrical Engineering's courses moved to EECS in Fall 2017

Blank lines and lines starting with ``#`` are ignored. A malformed line stops
the import that reads the file with ``file:line: reason``, before anything is
written, so the database stays as it was. A well-formed decision about
something today's data does not have (a course no source lists) is the
caller's to skip and report.
"""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path

from .files import DataFileError, read_text


@dataclass(frozen=True)
class Decision:
    path: str
    line: int
    verb: str
    subjects: tuple[str, ...]  # what the decision is about: two course codes, two names
    reason: str

    @property
    def where(self) -> str:
        return f"{Path(self.path).name}:{self.line}"


def read_decisions(path: Path, verbs: dict[str, str], arity: int = 2) -> list[Decision]:
    """Every decision in ``path`` (none when it does not exist). ``verbs`` maps
    each allowed verb to what it means, for error messages. A pair may be
    decided only once."""
    if not path.exists():
        return []
    decisions: list[Decision] = []
    seen: dict[frozenset, int] = {}
    for number, raw in enumerate(read_text(path).splitlines(), start=1):
        line = raw.strip()
        if not line or line.startswith("#"):
            continue
        fields = [f.strip() for f in line.split("|")]
        if len(fields) != arity + 2:
            raise DataFileError(path, number, f"expected {arity + 2} fields separated by '|', found {len(fields)}")
        verb, *values, reason = fields
        if verb not in verbs:
            allowed = ", ".join(f"{v} ({meaning})" for v, meaning in verbs.items())
            raise DataFileError(path, number, f"unknown decision {verb!r}; one of: {allowed}")
        if not reason:
            raise DataFileError(path, number, "every decision needs its reason")
        for value in values:
            if not value:
                raise DataFileError(path, number, "empty field")
        if len(set(values)) != len(values):
            raise DataFileError(path, number, f"{values[0]!r} is decided about itself")
        pair = frozenset(values)
        if pair in seen:
            raise DataFileError(path, number, f"already decided at line {seen[pair]}")
        seen[pair] = number
        decisions.append(Decision(str(path), number, verb, tuple(values), reason))
    return decisions
