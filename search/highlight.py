"""Matched words wrapped in <mark>, everything else escaped: the same for every backend.

A word of the text matches a query term when it is the same word, shares its
stem ("structures" for "structure"), starts with an unfinished last word
("interp" while typing), or is one or two letters off ("sytems"), as
Elasticsearch's fuzziness and the postgres backend's typo correction allow.
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field
from itertools import islice

from django.utils.html import escape

from .query import edit_distance, fold

_TOKEN = re.compile(r"\w+", re.UNICODE)
SNIPPET_WORDS = 12


@dataclass(frozen=True)
class Terms:
    words: tuple[str, ...]  # folded
    prefix: str = ""  # the unfinished last word, if any
    # Each distinct word of the texts is judged once: instructor lists repeat
    # the same names course after course, and a search highlights ten courses.
    _seen: dict[str, bool] = field(default_factory=dict, init=False, repr=False, compare=False)
    # Every way of matching keeps the first letter, so only the words of a text
    # that start like a term need judging: a long list of names is skimmed by
    # one regular expression over its folded text.
    _initials: frozenset[str] = field(init=False, repr=False, compare=False)
    _candidates: re.Pattern = field(init=False, repr=False, compare=False)

    def __post_init__(self) -> None:
        initials = frozenset(term[0] for term in self.words if term)
        pattern = rf"\b[{''.join(sorted(map(re.escape, initials)))}]\w*" if initials else r"(?!)"
        object.__setattr__(self, "_initials", initials)
        object.__setattr__(self, "_candidates", re.compile(pattern))

    def occurs_in(self, text: str) -> bool:
        """Whether any word of ``text`` matches."""
        return any(map(self.match, self._candidates.findall(fold(text))))

    def match(self, word: str) -> bool:
        seen = self._seen.get(word)
        if seen is None:
            seen = self._seen[word] = self._match(fold(word))
        return seen

    def _match(self, word: str) -> bool:
        if word[:1] not in self._initials:  # most words fail here
            return False
        if self.prefix and len(self.prefix) >= 2 and word.startswith(self.prefix):
            return True
        return any(_same_word(word, term) for term in self.words)


def _same_word(word: str, term: str) -> bool:
    if word == term:
        return True
    shorter = min(len(word), len(term))
    if shorter >= 4:
        common = len(_common_prefix(word, term))
        if common >= max(4, shorter - 2) and abs(len(word) - len(term)) <= 3:
            return True
    if shorter >= 5 and word[0] == term[0] and abs(len(word) - len(term)) <= 2:
        limit = 1 if shorter < 8 else 2
        return edit_distance(word, term, limit) <= limit
    return False


def _common_prefix(a: str, b: str) -> str:
    n = 0
    for x, y in zip(a, b, strict=False):
        if x != y:
            break
        n += 1
    return a[:n]


def mark(text: str, terms: Terms) -> tuple[str, bool]:
    """``text`` as safe HTML with matched words in <mark>, and whether anything matched."""
    out, last, found = [], 0, False
    for match in _TOKEN.finditer(text):
        if terms.match(match.group()):
            out.append(escape(text[last : match.start()]))
            out.append(f"<mark>{escape(match.group())}</mark>")
            last, found = match.end(), True
    out.append(escape(text[last:]))
    return "".join(out), found


def snippet(text: str, terms: Terms, words: int = SNIPPET_WORDS) -> str | None:
    """A few words around the first match in a long text, marked; None when nothing matches."""
    tokens = list(_TOKEN.finditer(text))
    first = next((i for i, t in enumerate(tokens) if terms.match(t.group())), None)
    if first is None:
        return None
    start_token = max(0, first - words // 3)
    end_token = min(len(tokens), start_token + words)
    start = tokens[start_token].start()
    end = tokens[end_token - 1].end()
    html, _ = mark(text[start:end], terms)
    return ("…" if start > 0 else "") + html + ("…" if end < len(text) else "")


def best(
    code: str, title: str, instructors: str, description: str, terms: Terms, code_matched: bool
) -> tuple[str, str]:
    """(what matched, highlight HTML): the code, else the title, else who taught it, else the description."""
    if code_matched:
        return "code", f"<mark>{escape(code)}</mark>"
    html, found = mark(title, terms)
    if found:
        return "title", html
    if terms.occurs_in(instructors):  # one skim of the whole list before looking name by name
        names = list(islice((name for name in instructors.split("; ") if terms.occurs_in(name)), 3))
        return "instructors", "Taught by " + "; ".join(mark(name, terms)[0] for name in names)
    fragment = snippet(description, terms)
    if fragment:
        return "description", fragment
    return "", html
