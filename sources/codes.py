"""Subject and course codes: one canonical spelling for every way the data writes them.

The sources disagree on how to write a subject: the grade files say "EL ENG",
"MEC ENG", "L & S" and "A,RESEC"; the catalog files say "ELENG", "MECENG",
"L&S" and "ARESEC". The canonical subject code is the compact form: upper case
with spaces and commas removed. A course's canonical code is
"<SUBJECT> <NUMBER>", e.g. "COMPSCI 61A" or "ELENG 120".

Some sources lose a subject's punctuation altogether: the grade-history files
are named "ls-c70y.json" and the Summer 2026 listing says "LS 104" for L&S.
SubjectCodes maps such a code to the known subject that differs from it only
in punctuation, so every source lands on one subject.
"""

import re
from collections.abc import Iterable

_SUBJECT_STRIP = re.compile(r"[\s,]+")
_NUMBER = re.compile(r"^([A-Z]*)0*(\d+)([A-Z]*)$")


def normalize_subject(raw: str) -> str:
    """'EL ENG' -> 'ELENG', 'L & S' -> 'L&S', 'A,RESEC' -> 'ARESEC'."""
    return _SUBJECT_STRIP.sub("", raw or "").upper()


def subject_key(code: str) -> str:
    """A subject code without punctuation: 'L&S' and 'LS' both read 'LS'."""
    return re.sub(r"[^A-Z0-9]", "", code.upper())


class SubjectCodes:
    """The canonical code of a subject however a source writes it, given the known subjects.

    'EL ENG' -> 'ELENG' as normalize_subject says; 'LS' and 'ls' -> 'L&S' because
    L&S is known and nothing else reads 'LS' once punctuation is dropped. A code
    no known subject matches stays as normalize_subject makes it."""

    def __init__(self, known: Iterable[str] = ()):
        self._by_key: dict[str, str] = {}
        ambiguous: set[str] = set()
        for raw in known:
            code = normalize_subject(str(raw))
            key = subject_key(code)
            if self._by_key.get(key, code) != code:
                ambiguous.add(key)
            self._by_key.setdefault(key, code)
        for key in ambiguous:  # two known subjects would read alike: leave both as written
            del self._by_key[key]

    def canonical(self, raw: str) -> str:
        code = normalize_subject(raw)
        return self._by_key.get(subject_key(code), code)

    def __contains__(self, raw: str) -> bool:
        return subject_key(normalize_subject(raw)) in self._by_key


def normalize_number(raw: str) -> str:
    """' 002B' -> '2B', 'c8' -> 'C8', '061A' -> '61A'; other forms are kept upper-cased."""
    compact = re.sub(r"\s+", "", raw or "").upper()
    match = _NUMBER.match(compact)
    if not match:
        return compact
    prefix, digits, suffix = match.groups()
    return f"{prefix}{int(digits)}{suffix}"


def course_code(subject: str, number: str) -> str:
    return f"{normalize_subject(subject)} {normalize_number(number)}"


def split_code(code: str) -> tuple[str, str]:
    """Split 'EL ENG 120' into ('EL ENG', '120'): the number is the last word."""
    subject, _, number = code.strip().rpartition(" ")
    return subject, number


def number_digits(number: str) -> int | None:
    """The numeric part of a course number: 'C8' -> 8, 'H196B' -> 196."""
    match = re.search(r"\d+", number)
    return int(match.group()) if match else None


def level_for_number(number: str) -> str:
    """Berkeley's numbering: 1-99 lower division, 100-199 upper division,
    200-299 graduate, 300 and above professional (teaching, practicum)."""
    digits = number_digits(number)
    if digits is None or digits < 100:
        return "lower"
    if digits < 200:
        return "upper"
    if digits < 300:
        return "graduate"
    return "professional"


def is_cross_listed_number(number: str) -> bool:
    """Berkeley marks cross-listed courses with a C before the digits: 'C8', 'C100'."""
    return re.match(r"^C\d", number) is not None


_PLACEHOLDER_SECTION = re.compile(r"^\d?99[A-Z]?$")


def is_placeholder_section(number: str, days, start, end) -> bool:
    """Berkeley's x99 sections ('999', '999L', '199') with no real meeting time are
    placeholders that hold enrollments (COMPSCI 61A Summer 2026 lists
    'DIS 999, Su 12:02 AM-12:03 AM'): not a class a student can attend."""
    if not _PLACEHOLDER_SECTION.match((number or "").strip().upper()):
        return False
    if not days or start is None or end is None:
        return True
    minutes = (end.hour * 60 + end.minute) - (start.hour * 60 + start.minute)
    return minutes < 10 or start.hour < 6
