"""Subject and course codes: one canonical spelling for every way the data writes them.

The sources disagree on how to write a subject: the grade files say "EL ENG",
"MEC ENG", "L & S" and "A,RESEC"; the catalog files say "ELENG", "MECENG",
"L&S" and "ARESEC". The canonical subject code is the compact form: upper case
with spaces and commas removed. A course's canonical code is
"<SUBJECT> <NUMBER>", e.g. "COMPSCI 61A" or "ELENG 120".
"""

import re

_SUBJECT_STRIP = re.compile(r"[\s,]+")
_NUMBER = re.compile(r"^([A-Z]*)0*(\d+)([A-Z]*)$")


def normalize_subject(raw: str) -> str:
    """'EL ENG' -> 'ELENG', 'L & S' -> 'L&S', 'A,RESEC' -> 'ARESEC'."""
    return _SUBJECT_STRIP.sub("", raw or "").upper()


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
