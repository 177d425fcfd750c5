"""shorthand.yaml read once: students' shortened words, the words that ask for a first course or a
place in a sequence or only describe one, and everyday names of single courses. Both backends read the query through it
(search.query) and the documents carry what it needs (search.documents)."""

from __future__ import annotations

import functools
import re
from dataclasses import dataclass
from pathlib import Path

import yaml

SHORTHAND_FILE = Path(__file__).resolve().parent / "shorthand.yaml"
_WORD = re.compile(r"[a-z0-9]+")
MAX_PHRASE = 3  # words in the longest phrase matched


def words_of(text: str) -> tuple[str, ...]:
    return tuple(_WORD.findall(text.lower()))


@dataclass(frozen=True)
class Shorthand:
    expansions: dict[tuple[str, ...], tuple[tuple[str, ...], ...]]  # ("lin", "alg") -> (("linear", "algebra"),)
    introductory: frozenset[str]
    describing: frozenset[str]
    introductory_titles: tuple[str, ...]
    introductory_openings: tuple[str, ...]
    sequence: dict[tuple[str, ...], int]
    courses: dict[str, tuple[str, ...]]  # "CHEM 3A" -> ("organic chemistry",)

    def longest(self, words: tuple[str, ...], start: int, table: dict) -> tuple[str, ...] | None:
        """The longest phrase of ``table`` that ``words`` holds from ``start``."""
        for length in range(min(MAX_PHRASE, len(words) - start), 0, -1):
            phrase = words[start : start + length]
            if phrase in table:
                return phrase
        return None


def _strings(value, where: str) -> list[str]:
    if not isinstance(value, list) or not value or not all(isinstance(v, str | int) for v in value):
        raise ValueError(f"{SHORTHAND_FILE.name}: {where} must be a list of words")
    return [str(v) for v in value]


@functools.cache
def shorthand() -> Shorthand:
    raw = yaml.safe_load(SHORTHAND_FILE.read_text()) or {}
    expansions = {}
    for typed, long_forms in (raw.get("words") or {}).items():
        expansions[words_of(str(typed))] = tuple(words_of(f) for f in _strings(long_forms, f"words: {typed!r}"))
    sequence = {}
    for typed, place in (raw.get("sequence") or {}).items():
        if not isinstance(place, int) or not 1 <= place <= 4:
            raise ValueError(f"{SHORTHAND_FILE.name}: sequence: {typed!r} must be a place from 1 to 4")
        sequence[words_of(str(typed))] = place
    courses = {
        str(code): tuple(_strings(names, f"courses: {code!r}")) for code, names in (raw.get("courses") or {}).items()
    }
    return Shorthand(
        expansions=expansions,
        introductory=frozenset(w for word in _strings(raw["introductory"], "introductory") for w in words_of(word)),
        describing=frozenset(w for word in _strings(raw["describing"], "describing") for w in words_of(word)),
        introductory_titles=tuple(_strings(raw["introductory_titles"], "introductory_titles")),
        introductory_openings=tuple(_strings(raw["introductory_openings"], "introductory_openings")),
        sequence=sequence,
        courses=courses,
    )
