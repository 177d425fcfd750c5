"""What a student typed, read once for every backend: checked, split into words, and read as a course code.

"cs61a", "CS 61A", "compsci 61 a", "data c8", "EL ENG 120" and "61a" all read
as codes (catalog.typed, which every box where a course is typed shares): a
subject (by any name, see catalog.subject_names) and a number, or a number
alone. Everything else is words for full-text search, read through
shorthand.yaml (search.shorthand): "lin alg" is one term that "linear algebra"
also matches, "intro", "second semester" and "intermediate" only lift courses.
A query may be both: "data 8" is a code and two words.
"""

from __future__ import annotations

import re
import unicodedata
from dataclasses import dataclass, field

from rapidfuzz.distance import OSA

from catalog.subject_names import compact, everyday_names
from catalog.typed import CodeQuery, read_codes

from .shorthand import shorthand

MAX_LENGTH = 200
MAX_WORDS = 12

_WORD = re.compile(r"[a-z0-9]+")

# PostgreSQL's English stop words: both backends ignore them as words (a
# subject's everyday name, like "me" for MECENG, still counts).
_STOP_WORDS = """
i me my myself we our ours ourselves you your yours yourself yourselves he him his himself she her hers herself it
its itself they them their theirs themselves what which who whom this that these those am is are was were be been
being have has had having do does did doing a an the and but if or because as until while of at by for with about
against between into through during before after above below to from up down in out on off over under again further
then once here there when where why how all any both each few more most other some such no nor not only own same so
than too very s t can will just don should now
"""
STOP_WORDS = frozenset(_STOP_WORDS.split())


class InvalidQuery(ValueError):
    """The query cannot be searched; the message says why, for the parameter ``q``."""


@dataclass(frozen=True)
class Term:
    """What every course found must match: a word or phrase as typed, or one of its long forms
    (shorthand.yaml: "lin alg" or "linear algebra")."""

    typed: tuple[str, ...]
    long_forms: tuple[tuple[str, ...], ...] = ()
    prefix: bool = False  # its last word may be unfinished

    @property
    def word(self) -> str:
        return " ".join(self.typed)


@dataclass(frozen=True)
class Query:
    text: str  # as typed, spaces collapsed
    words: tuple[str, ...]  # lower case, accents removed, stop words dropped
    prefix: bool  # the last word may be unfinished (search-as-you-type)
    codes: tuple[CodeQuery, ...] = field(default=())
    subject_words: frozenset[str] = field(default=frozenset())  # words that are a subject's everyday name
    # The words read through shorthand.yaml: what must match, and what only lifts a course:
    # asking for a first course ("intro", "101") or a place in a sequence ("second semester", "calc 2").
    terms: tuple[Term, ...] = field(default=())
    introductory: bool = False
    place: int | None = None
    describing: tuple[str, ...] = ()  # words that lift the courses whose titles say them ("intermediate")

    @property
    def long_words(self) -> tuple[str, ...]:
        """Every word of the terms' long forms: what highlighting looks for besides the typed words."""
        return tuple(dict.fromkeys(w for term in self.terms for form in term.long_forms for w in form))

    @property
    def is_empty(self) -> bool:
        return not self.words and not self.codes


def clean(raw: str | None) -> str:
    """The query with spaces collapsed, or InvalidQuery when it is empty, too long or not text."""
    if raw is None or not raw.strip():
        raise InvalidQuery("Type something to search for.")
    if len(raw) > MAX_LENGTH:
        raise InvalidQuery(f"Ensure this value has at most {MAX_LENGTH} characters.")
    # U+FFFD is what undecodable bytes in a URL become; control characters are never typed.
    if "\ufffd" in raw or any(unicodedata.category(ch) in ("Cc", "Cs", "Co", "Cn") for ch in raw if ch != " "):
        raise InvalidQuery("The query must be plain text, without control characters or binary data.")
    return " ".join(raw.split())


def fold(text: str) -> str:
    """Lower case without accents: 'Ambrosé' -> 'ambrose'."""
    if text.isascii():
        return text.lower()
    decomposed = unicodedata.normalize("NFKD", text.lower())
    return "".join(ch for ch in decomposed if not unicodedata.combining(ch))


def parse(raw: str | None) -> Query:
    text = clean(raw)
    folded = fold(text)
    tokens = _WORD.findall(folded)[:MAX_WORDS]
    aliases = everyday_names()
    subject_words = frozenset(t for t in tokens if compact(t) in aliases)
    words = tuple(t for t in tokens if t not in STOP_WORDS or t in subject_words)
    prefix = bool(tokens) and folded[-1:].isalnum()
    terms, introductory, place, describing = read_shorthand(words, prefix)
    return Query(
        text=text,
        words=words,
        prefix=prefix,
        codes=read_codes(text),
        subject_words=subject_words,
        terms=terms,
        introductory=introductory,
        place=place,
        describing=describing,
    )


_ROMAN_PLACES = {"ii": 2, "iii": 3}


def read_shorthand(words: tuple[str, ...], prefix: bool) -> tuple[tuple[Term, ...], bool, int | None, tuple[str, ...]]:
    """The words as terms, longest shorthand phrase first; whether they ask for a first course or a place;
    the words that only describe a course.

    Words that only ask ("intro", "second semester", the 2 of "calc 2") or
    describe ("intermediate") are no terms, unless nothing else is left to search for.
    """
    table = shorthand()
    terms: list[Term] = []
    describing: list[str] = []
    introductory, place = False, None
    i = 0
    while i < len(words):
        word = words[i]
        asks = table.longest(words, i, table.sequence)
        if asks:
            place, i = table.sequence[asks], i + len(asks)
            continue
        if word in table.introductory:
            introductory, i = True, i + 1
            continue
        if word in table.describing:
            describing.append(word)
            i += 1
            continue
        follows_word = i > 0 and not words[i - 1].isdigit()
        if follows_word and ((word.isdigit() and 1 <= int(word) <= 4) or word in _ROMAN_PLACES):
            place, i = _ROMAN_PLACES.get(word) or int(word), i + 1
            continue
        phrase = table.longest(words, i, table.expansions) or (word,)
        i += len(phrase)
        terms.append(Term(phrase, table.expansions.get(phrase, ()), prefix and i == len(words)))
    if not terms:  # "intro" alone, "first semester": search for the words themselves
        alone = tuple(Term((w,), (), prefix and k == len(words) - 1) for k, w in enumerate(words))
        return alone, False, None, ()
    return tuple(terms), introductory, place, tuple(describing)


def max_edits(word: str) -> int:
    """How many typos a word may hold and still be corrected, as Elasticsearch's fuzziness AUTO allows."""
    return 0 if len(word) < 3 else 1 if len(word) < 6 else 2


def edit_distance(a: str, b: str, limit: int | None = None) -> int:
    """Levenshtein distance, a swap of two neighbours counting as one edit ("sytems" is one from "systems").

    That is the optimal string alignment distance. With ``limit``, anything
    farther answers ``limit + 1``, sooner.
    """
    return OSA.distance(a, b, score_cutoff=limit)
