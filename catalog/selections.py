"""What the compare pages compare: a course, optionally one term and one instructor.

One URL scheme for every page that compares, ``?s=SUBJECT/NUMBER/term/instructor``
repeated (term and instructor may be ``all`` or left out), and one reading of it.
The course is read the way students type it (``catalog.typed``): ``s=cs/61a``,
``s=cs61a/fall-2023``, ``s=EL ENG/120``, ``s=data c8/all/all`` all work. The
instructor is found by the page that knows instructors (grades passes its finder);
catalog keeps only its slug.
"""

from __future__ import annotations

from collections.abc import Callable, Iterable
from dataclasses import dataclass, field
from urllib.parse import urlencode

from . import typed
from .models import Course, Term, lookup_course
from .selectors import UnknownTerm, term_by_slug

ALL = "all"
MAX_SELECTIONS = 6
MAX_TOKEN = 200


class SelectionError(ValueError):
    """A selection that cannot be shown. ``parameter`` names the input, ``choices`` are
    the courses an ambiguous text may mean."""

    def __init__(self, parameter: str, message: str, choices: Iterable[Course] = (), token: str = ""):
        super().__init__(message)
        self.parameter = parameter
        self.choices = tuple(choices)
        self.token = token

    @property
    def message(self) -> str:
        return str(self)


@dataclass(frozen=True)
class Selection:
    course: Course
    term: Term | None = None
    instructor_slug: str | None = None
    instructor: object | None = field(default=None, compare=False)  # what the page's finder returned

    @property
    def term_slug(self) -> str:
        return self.term.slug if self.term else ALL

    @property
    def token(self) -> str:
        """The selection as one ``s`` value: SUBJECT/NUMBER/term-or-all/instructor-or-all."""
        return f"{self.course.subject_id}/{self.course.number}/{self.term_slug}/{self.instructor_slug or ALL}"

    @property
    def instructor_name(self) -> str | None:
        return getattr(self.instructor, "name", None) or self.instructor_slug

    @property
    def scope(self) -> str:
        """'Fall 2023 · John DeNero', 'all terms · all instructors'."""
        term = self.term.name if self.term else "all terms"
        return f"{term} · {self.instructor_name or 'all instructors'}"

    @property
    def label(self) -> str:
        return f"{self.course.code} · {self.scope}"


def find_course(text: str, parameter: str = "s", token: str = "") -> Course:
    """The course ``text`` names as a student types it; SelectionError (with the
    candidates, when it may be several) otherwise."""
    text = " ".join((text or "").split())
    subject, _, number = text.rpartition(" ")
    course = lookup_course(subject, number) if subject and number and "\x00" not in text else None
    if course is None:
        found = typed.resolve(text)
        course = found.course
        if course is None:
            message = typed.not_found(text)
            raise SelectionError(parameter, message[:1].upper() + message[1:], found.choices, token)
    return course


def _split(token: str) -> tuple[list[str], int, str, list[str]]:
    """A token's parts, how many of them are the course, the course text and the rest:
    "cs61a/fall-2023" and "CS 61A/all" have the course in the first part (it holds its
    number), "COMPSCI/61A/fall-2023" in the first two."""
    parts = [" ".join(p.split()) for p in token.split("/")]
    course_parts = 1 if any(ch.isdigit() for ch in parts[0]) else 2
    return parts, course_parts, " ".join(parts[:course_parts]), parts[course_parts:]


def parse(token: str, parameter: str = "s", find_instructor: Callable[[str], object | None] | None = None) -> Selection:
    """'COMPSCI/61A', 'cs61a/fall-2023', 'EL ENG/120/all/john-denero' -> a Selection."""
    token = (token or "").strip()
    if len(token) > MAX_TOKEN or "\x00" in token:
        raise SelectionError(parameter, f"{token[:60]!r} is not SUBJECT/NUMBER/term/instructor.", token=token)
    parts, course_parts, course_text, rest = _split(token)
    if not course_text or len(parts) < course_parts or len(rest) > 2 or (course_parts == 2 and not parts[1]):
        raise SelectionError(
            parameter,
            f"{token[:60]!r} is not SUBJECT/NUMBER/term/instructor, e.g. COMPSCI/61A/fall-2023/all.",
            token=token,
        )
    course = find_course(course_text, parameter, token)
    term_slug = (rest[0] if rest else "").lower() or ALL
    term = None
    if term_slug != ALL:
        try:
            term = term_by_slug(term_slug)
        except UnknownTerm as exc:
            raise SelectionError(parameter, f"{course.code}: {exc}", token=token) from None
    slug = (rest[1] if len(rest) > 1 else "").lower() or ALL
    instructor = None
    if slug == ALL:
        slug = None
    elif find_instructor is not None:
        instructor = find_instructor(slug)
        if instructor is None:
            raise SelectionError(parameter, f"{course.code}: no instructor {slug[:60]!r}.", token=token)
        slug = instructor.slug
    return Selection(course, term, slug, instructor)


def parse_all(
    tokens: Iterable[str],
    parameter: str = "s",
    find_instructor: Callable[[str], object | None] | None = None,
    most: int = MAX_SELECTIONS,
) -> tuple[list[Selection], list[SelectionError]]:
    """Every selection that reads, and an error for each one that does not (and for
    more than ``most``): a page shows the good ones beside what went wrong."""
    tokens = [t for t in tokens if t.strip()]
    errors = []
    if len(tokens) > most:
        errors.append(
            SelectionError(parameter, f"at most {most} selections, got {len(tokens)}: the first {most} are shown.")
        )
        tokens = tokens[:most]
    chosen = []
    for token in tokens:
        try:
            chosen.append(parse(token, parameter, find_instructor))
        except SelectionError as exc:
            errors.append(exc)
    return chosen, errors


def tokens_from_rows(courses: list[str], terms: list[str], instructors: list[str]) -> list[str]:
    """The form's rows (course, term, instructor repeated) as ``s`` values, the course
    in its canonical spelling when it reads as one; a row without a course is dropped."""
    tokens = []
    for index, text in enumerate(courses):
        text = " ".join(text.split())[: typed.MAX_TYPED_LENGTH]
        if not text:
            continue
        term = (terms[index] if index < len(terms) else "").strip() or ALL
        instructor = (instructors[index] if index < len(instructors) else "").strip() or ALL
        found = typed.resolve(text).course
        course = f"{found.subject_id}/{found.number}" if found else text.replace("/", " ")
        tokens.append(f"{course}/{term}/{instructor}")
    return tokens


def query(tokens: Iterable[str], **params: str) -> str:
    """The query string of a comparison: its selections, then the page's settings."""
    return urlencode([("s", t) for t in tokens] + [(k, v) for k, v in params.items() if v], safe="/")


@dataclass
class Entry:
    """One ``s`` value as asked for, and what it gave: a selection or an error."""

    token: str
    selection: Selection | None = None
    error: SelectionError | None = None


def read(
    tokens: Iterable[str], find_instructor: Callable[[str], object | None] | None = None, parameter: str = "s"
) -> tuple[list[Entry], list[SelectionError]]:
    """Each selection of a page in its order, and every error (more than six included)."""
    tokens = [t.strip()[:MAX_TOKEN] for t in tokens if t.strip()]
    errors = []
    if len(tokens) > MAX_SELECTIONS:
        errors.append(
            SelectionError(
                parameter,
                f"at most {MAX_SELECTIONS} selections, got {len(tokens)}: the first {MAX_SELECTIONS} are shown.",
            )
        )
        tokens = tokens[:MAX_SELECTIONS]
    entries = []
    for token in tokens:
        try:
            entries.append(Entry(token, parse(token, parameter, find_instructor)))
        except SelectionError as exc:
            entries.append(Entry(token, error=exc))
            errors.append(exc)
    return entries, errors


def form(
    entries: list[Entry],
    *,
    action: str,
    settings: dict[str, str],
    colors: tuple[str, ...],
    terms_for: Callable[[Course], list[tuple[str, str]]],
    instructors_for: Callable[[Course], list[tuple[str, str]]] | None = None,
    blank_terms: list[tuple[str, str]] | tuple = (),
    all_terms: str = "All terms",
    submit: str = "Compare",
    options_url: str = "",
) -> dict:
    """What ``catalog/_selections.html`` draws: a row per selection (course, term,
    instructor, a link removing it), one open row to add one and the rest folded
    away, the page's settings as hidden fields, and the link that shares it all."""
    tokens = [e.selection.token if e.selection else e.token for e in entries]
    rows, shown = [], 0
    for index, entry in enumerate(entries):
        selection = entry.selection
        row = {"index": index, "number": index + 1, "error": entry.error, "spare": False}
        if selection is not None:
            row.update(
                course=selection.course.code,
                term=selection.term_slug,
                instructor=selection.instructor_slug or ALL,
                terms=terms_for(selection.course),
                instructors=instructors_for(selection.course) if instructors_for else [],
                color=colors[shown % len(colors)],
            )
            shown += 1
        else:
            # What could not be read stays in its row as it was typed, to be corrected.
            _, _, course, rest = _split(entry.token)
            term = (rest[0] if rest else "").lower() or ALL
            instructor = (rest[1] if len(rest) > 1 else "").lower() or ALL
            terms = list(blank_terms)
            if term != ALL and term not in {slug for slug, _ in terms}:
                terms.insert(0, (term, term))
            instructors = [(instructor, instructor)] if instructor != ALL else []
            row.update(course=course, term=term, instructor=instructor, terms=terms, instructors=instructors)
        others = tokens[:index] + tokens[index + 1 :]
        row["remove"] = f"{action}?{query(others, **settings)}" if others else action
        rows.append(row)
    for index in range(len(entries), MAX_SELECTIONS):
        rows.append(
            {
                "index": index,
                "number": index + 1,
                "course": "",
                "term": ALL,
                "instructor": ALL,
                "terms": blank_terms,
                "instructors": [],
                "spare": index > len(entries),
            }
        )
    return {
        "action": action,
        "rows": rows,
        "spare": any(r["spare"] for r in rows),
        "hidden": [(k, v) for k, v in settings.items() if v],
        "share": f"{action}?{query(tokens, **settings)}" if tokens else "",
        "most": MAX_SELECTIONS,
        "all_terms": all_terms,
        "instructors": instructors_for is not None,
        "submit": submit,
        "options_url": options_url,
    }


def choice_links(error: SelectionError, entries: list[Entry], action: str, settings: dict[str, str]) -> list[tuple]:
    """For an ambiguous course, a link per candidate: the comparison with it in place."""
    links = []
    for course in error.choices:
        rest = _split(error.token)[3] if error.token else []
        replacement = "/".join([course.subject_id, course.number, *rest])
        tokens = [replacement if e.error is error else (e.selection.token if e.selection else e.token) for e in entries]
        links.append((course.code, f"{action}?{query(tokens, **settings)}"))
    return links
