"""Instructor names as the sources write them.

Every source joins co-taught sections' instructors into one cell:
"Abhay Parekh; Jean Walrand". ``split_names`` is the one place that takes such
a cell apart, for every reader.

The same person is written several ways: "John DeNero" (2012 on), "DENERO, J S"
(2007 to 2011, which the legacy reader turns into "Denero, J S"), "M. Scott" and
"Scott, M K". ``PersonName`` reads any of these forms into a surname and given
names or initials, so that two spellings can be compared; deciding that they
are one person needs more evidence than the name (grades.instructors).
"""

from __future__ import annotations

import re
import unicodedata
from dataclasses import dataclass

# Longer than this is not a name: a column that ran into the next, or worse.
MAX_NAME_LENGTH = 200

_SEPARATOR = re.compile(r"\s*;\s*")
# What some rows say instead of a name ("-", "#N/A", "Staff", "VOID VOID"), folded.
_NOT_NAMES = {"", "n a", "na", "none", "staff", "the staff", "tba", "tbd", "unknown", "void", "void void"}
_WORD = re.compile(r"[a-z0-9]+")


def fold(text: str) -> str:
    """Lower case, accents and punctuation dropped: 'José De-Nero' -> 'jose de nero'."""
    decomposed = unicodedata.normalize("NFKD", text.lower())
    plain = "".join(ch for ch in decomposed if not unicodedata.combining(ch))
    return " ".join(_WORD.findall(plain.replace("'", "")))


def split_names(cell: str) -> list[str]:
    """'Abhay Parekh; Jean Walrand' -> ['Abhay Parekh', 'Jean Walrand']: whitespace
    normalised; empty parts, placeholders ('-', 'Staff') and repeats dropped; order kept."""
    names = (" ".join(part.split()) for part in _SEPARATOR.split(cell or ""))
    return list(dict.fromkeys(name for name in names if not is_placeholder(name)))


def is_placeholder(name: str) -> bool:
    """'-', '#N/A', 'Staff': a cell that names nobody."""
    return fold(name) in _NOT_NAMES


def has_separator(name: str) -> bool:
    """True for a cell that still joins several people."""
    return ";" in name


@dataclass(frozen=True)
class PersonName:
    """A name read into parts, folded for comparison.

    ``surnames`` holds the possible surnames: one for "Last, First" forms, and
    for "First Middle Last" every way of splitting off a surname of one or
    more trailing words ("rosa villamil acera" may be Acera or Villamil Acera),
    each with its words joined ("villamilacera"). ``given`` are the given names
    or initials that go with each of those surnames, in order."""

    written: str
    readings: tuple[tuple[str, tuple[str, ...]], ...]  # (surname key, given names)

    @classmethod
    def parse(cls, written: str) -> PersonName:
        text = " ".join(written.split())
        if "," in text:
            surname, _, given = text.partition(",")
            words = fold(surname).split()
            return cls(written, ((("".join(words)), tuple(fold(given).split())),) if words else ())
        words = fold(text).split()
        if not words:
            return cls(written, ())
        if len(words) == 1:
            return cls(written, ((words[0], ()),))
        readings = tuple(("".join(words[k:]), tuple(words[:k])) for k in range(len(words) - 1, 0, -1))
        return cls(written, readings)

    @property
    def key(self) -> str:
        """One spelling for names that differ only in case, accents and punctuation."""
        return fold(self.written)

    @property
    def is_full(self) -> bool:
        """Written with a given name, not only initials: 'John DeNero' but not 'Denero, J S' or 'M. Scott'."""
        return bool(self.readings) and any(len(name) > 1 for name in self.readings[0][1][:1])

    def compatible(self, other: PersonName) -> bool:
        """Could both name one person? Same surname, and given names that agree
        as far as both go: 'John' fits 'J', 'J S' fits 'John' (no middle name
        to disagree with), 'J S' does not fit 'J K', 'John' does not fit 'Jane'."""
        return any(
            surname == other_surname and _given_agree(given, other_given)
            for surname, given in self.readings
            for other_surname, other_given in other.readings
        )


def _given_agree(a: tuple[str, ...], b: tuple[str, ...]) -> bool:
    if not a or not b:
        return True
    for x, y in zip(a, b, strict=False):
        if len(x) > 1 and len(y) > 1:
            if x != y:
                return False
        elif x[0] != y[0]:
            return False
    return True
