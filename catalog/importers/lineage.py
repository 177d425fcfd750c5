"""Which codes are one course: lineages and cross-listings, decided from evidence.

- A **lineage**: a course moved to another code (its department was renamed,
  it was renumbered, it moved between subjects). Both codes are one course; the
  newer code is canonical and the older answers as its former code.
- A **cross-listing**: one class listed under several codes in the same terms
  (DATA C8, COMPSCI C8, STAT C8). Each code keeps its page; they are linked and
  their grades are counted together, each section once.

The evidence, strongest first:

- *same students*: one code's grade history (the per-course files, named by the
  course's current code) repeats the other code's published sections, grade for
  grade, in the same term;
- *titles*: equal full or transcript titles, unless the title is generic (used
  by courses of many subjects: "Directed Group Study for Undergraduates");
- *succession*: one code's last term comes before the other's first;
- *shared instructors* (by surname), the *number*, and a *subject move* that
  several courses made together (CLASSIC to AGRS, NESTUD to MELC).

The rules, each named in the candidates list and the README:

- ``same students``: a repeat of sections plus succession is a lineage; a
  repeat while both codes are in use is a cross-listing;
- ``renamed``: same number, same title, succession, and a shared instructor, a
  full-title match or a subject move: a lineage;
- ``same class``: same number, same title, a term both codes were taught and a
  shared instructor: a cross-listing;
- ``C-number``: the same C-number (Berkeley's mark of a cross-listed course) with
  a matching title, history entry or instructor: a cross-listing, never a lineage;
- ``named departments``: different C-numbers or a full title naming both
  departments, with the same full title, a shared term and instructor: a
  cross-listing;
- freshman-program (X-) and MBA-program copies of a course are separate listings
  unless the same students prove otherwise;
- anything else the evidence suggests is listed, left apart, for review.

A reviewed file (catalog/reviewed/courses.txt) settles what evidence cannot:
``merge`` (a lineage, older code first), ``link`` (a cross-listing) or ``apart``.
Its decisions override the rules for their pair.
"""

from __future__ import annotations

import re
from collections import Counter, defaultdict
from dataclasses import dataclass, field
from itertools import combinations
from pathlib import Path

from sources.codes import is_cross_listed_number
from sources.reviewed import Decision, read_decisions
from sources.terms import TermRef

REVIEWED_FILE = Path(__file__).resolve().parent.parent / "reviewed" / "courses.txt"
VERBS = {"merge": "the first code became the second", "link": "cross-listed", "apart": "separate courses"}

# A title shared by courses of this many subjects says nothing about identity.
GENERIC_TITLE_SUBJECTS = 5
# Same-number, same-title successions between two subjects that make a subject move.
SUBJECT_MOVE_PAIRS = 3
# Titles of courses that every department offers under its own code: directed
# and independent study, research, topics. Equal such titles say nothing.
GENERIC_WORDS = re.compile(
    r"\b(directed|dir stu|indep\w*|indiv\w*|supervised|special|spec top|group study|field (study|work)|research"
    r"|thesis|dissertation|internship|tutoring|practicum|teaching|colloquium|topics|reading course|honors)\b",
    re.IGNORECASE,
)


@dataclass
class Candidate:
    """Two codes the evidence relates, and what became of them."""

    first: object  # CourseState; for a lineage, the older code
    second: object
    evidence: list[str]
    verdict: str  # "merge", "link" or "apart"
    rule: str
    reason: str = ""
    until: TermRef | None = None  # a lineage: the older code's last term

    @property
    def codes(self) -> tuple[str, str]:
        return self.first.code, self.second.code


def program(subject: str) -> str:
    """Which program a subject belongs to: freshman-program (X-) and MBA copies are separate listings."""
    if subject == "EWMBA":
        return "evening-weekend-mba"
    if subject == "XMBA":
        return "executive-mba"
    if subject.startswith("X") and len(subject) > 2:
        return "freshman-program"
    return "regular"


def title_key(title: str) -> str:
    """A title as compared: 'Prob & Random P' -> 'probrandomp'."""
    return re.sub(r"[^a-z0-9]", "", title.lower())


@dataclass
class PairEvidence:
    same_students: set = field(default_factory=set)  # terms where one's history repeats the other's sections
    first_own: set = field(default_factory=set)
    second_own: set = field(default_factory=set)
    full_title: bool = False
    transcript_title: bool = False
    shared: set = field(default_factory=set)
    co_taught: set = field(default_factory=set)  # (term, surname) in both
    fingerprints: bool = False

    @property
    def overlap(self) -> set:
        return self.first_own & self.second_own

    @property
    def title(self) -> bool:
        return self.full_title or self.transcript_title


class CourseLinks:
    """Finds and decides the lineages and cross-listings among ``courses`` (code -> CourseState)."""

    def __init__(self, courses: dict, decisions: list[Decision] | None = None):
        self.courses = courses
        self.decisions = decisions or []
        families: dict[str, set[str]] = defaultdict(set)
        self.generic: set[str] = set()
        for course in courses.values():
            family = course.subject[1:] if program(course.subject) == "freshman-program" else course.subject
            for key in course.full_titles | course.transcript_titles:
                families[key].add(family)
            for text in course.full_title_texts | course.transcript_title_texts:
                if GENERIC_WORDS.search(text):
                    self.generic.add(title_key(text))
        self.generic |= {key for key, subjects in families.items() if len(subjects) >= GENERIC_TITLE_SUBJECTS}

    # -- evidence ---------------------------------------------------------
    def evidence(self, a, b) -> PairEvidence:
        ev = PairEvidence()
        a_repeated = {t for t, counts in a.section_prints if (t, counts) in b.history_prints}
        b_repeated = {t for t, counts in b.section_prints if (t, counts) in a.history_prints}
        ev.same_students = a_repeated | b_repeated
        ev.first_own = _own_terms(a, b if b_repeated else None)
        ev.second_own = _own_terms(b, a if a_repeated else None)
        ev.full_title = bool((a.full_titles & b.full_titles) - self.generic)
        ev.transcript_title = bool((a.transcript_titles & b.transcript_titles) - self.generic)
        ev.shared = a.surnames & b.surnames
        ev.co_taught = a.taught & b.taught
        ev.fingerprints = bool(a.fingerprints & b.fingerprints)
        return ev

    def pairs(self):
        """Every pair worth a look: same number, same students, or the same full title."""
        seen = set()
        by_number = defaultdict(list)
        for course in self.courses.values():
            by_number[course.number].append(course)
        for group in by_number.values():
            for a, b in combinations(sorted(group, key=lambda c: c.code), 2):
                if a.subject != b.subject:
                    seen.add((a.code, b.code))
                    yield a, b
        by_print = defaultdict(set)
        for course in self.courses.values():
            for print_ in course.section_prints | course.history_prints:
                by_print[print_].add(course.code)
        by_title = defaultdict(set)
        for course in self.courses.values():
            for key in course.full_titles - self.generic:
                by_title[key].add(course.code)
        for codes in (*by_print.values(), *by_title.values()):
            if len(codes) < 2 or len(codes) > 6:
                continue
            for pair in combinations(sorted(codes), 2):
                if pair not in seen:
                    seen.add(pair)
                    yield self.courses[pair[0]], self.courses[pair[1]]

    # -- rules ------------------------------------------------------------
    def judge(self, a, b, ev: PairEvidence, moves: Counter) -> Candidate | None:
        both_c = is_cross_listed_number(a.number) and is_cross_listed_number(b.number)
        copy = program(a.subject) != program(b.subject)
        older, newer, until = _order(a, b, ev)
        notes = _notes(ev)
        if ev.same_students and until is not None and (ev.shared or ev.title) and not (both_c and a.number == b.number):
            return Candidate(older, newer, notes, "merge", "same students", until=until)
        if both_c and a.number == b.number:
            if (
                until is not None
                and ev.title
                and not copy
                and moves[(older.subject, newer.subject)] >= SUBJECT_MOVE_PAIRS
            ):
                move = moves[(older.subject, newer.subject)]
                return Candidate(older, newer, [*notes, f"subject move x{move}"], "merge", "renamed", until=until)
            if ev.title or ev.fingerprints or ev.shared:
                return Candidate(a, b, notes, "link", "C-number")
            return None
        if a.number != b.number:
            if not ev.full_title:
                return None
            if a.subject != b.subject and ev.overlap and ev.shared and not copy and (both_c or _title_names(a, b)):
                return Candidate(a, b, notes, "link", "named departments")
            if until is not None and a.subject == b.subject:
                if older.number.removeprefix("C") == newer.number.removeprefix("C"):
                    return Candidate(older, newer, notes, "merge", "C added", until=until)
                if ev.shared:
                    reason = "a renumbering the evidence cannot settle"
                    return Candidate(older, newer, notes, "apart", "renumbered?", reason)
            return None
        if not ev.title:
            return None
        if copy:
            return Candidate(a, b, notes, "apart", "program copy", "freshman-program or MBA-program copy")
        if ev.overlap and ev.co_taught:
            return Candidate(a, b, notes, "link", "same class")
        if until is not None:
            move = moves[(older.subject, newer.subject)]
            if ev.shared or ev.full_title or move >= SUBJECT_MOVE_PAIRS:
                return Candidate(older, newer, notes + ([f"subject move x{move}"] if move > 1 else []), "merge",
                                 "renamed", until=until)  # fmt: skip
            return Candidate(older, newer, notes, "apart", "renamed?", "only the title and the succession agree")
        return Candidate(a, b, notes, "apart", "same title", "taught in the same terms without a shared instructor")

    def candidates(self) -> list[Candidate]:
        found = []
        evidence = {}
        moves: Counter = Counter()
        for a, b in self.pairs():
            ev = self.evidence(a, b)
            evidence[(a.code, b.code)] = ev
            if a.number == b.number and ev.title and program(a.subject) == program(b.subject):
                older, newer, until = _order(a, b, ev)
                if until is not None:
                    moves[(older.subject, newer.subject)] += 1
        for (code_a, code_b), ev in evidence.items():
            candidate = self.judge(self.courses[code_a], self.courses[code_b], ev, moves)
            if candidate is not None:
                found.append(candidate)
        return self.apply_reviewed(found, evidence)

    def apply_reviewed(self, found: list[Candidate], evidence: dict) -> list[Candidate]:
        by_pair = {frozenset(c.codes): c for c in found}
        for decision in self.decisions:
            a, b = (self.courses[code] for code in decision.subjects)
            ev = evidence.get((a.code, b.code)) or evidence.get((b.code, a.code)) or self.evidence(a, b)
            until = max(_own_terms(a, None), default=None) if decision.verb == "merge" else None
            candidate = by_pair.get(frozenset((a.code, b.code)))
            reason = f"{decision.where}: {decision.reason}"
            reviewed = Candidate(a, b, _notes(ev), decision.verb, "reviewed", reason, until)
            if candidate is not None:
                found[found.index(candidate)] = reviewed
            else:
                found.append(reviewed)
        return found


def _own_terms(course, repeater) -> set:
    """The terms a code was taught under its own name. When ``repeater``'s grade
    history repeats this code's sections, its history terms that this code
    covers are this code's, not the repeater's; so the repeater's own terms
    leave out this code's section terms."""
    if repeater is None:
        return set(course.terms)
    return course.section_terms | course.listed_terms | (course.history_terms - repeater.section_terms)


def _order(a, b, ev: PairEvidence):
    """(older, newer, older's last term) when one code's own terms end before the
    other's begin, or when one's whole record is a repeat of the other's sections
    under its current name; (a, b, None) otherwise."""
    if ev.first_own and ev.second_own:
        if max(ev.first_own) < min(ev.second_own):
            return a, b, max(ev.first_own)
        if max(ev.second_own) < min(ev.first_own):
            return b, a, max(ev.second_own)
        return a, b, None
    if ev.same_students:
        if not ev.second_own and b.has_history_file and ev.first_own:
            return a, b, max(ev.first_own)
        if not ev.first_own and a.has_history_file and ev.second_own:
            return b, a, max(ev.second_own)
    return a, b, None


def _title_names(a, b) -> bool:
    """A full title that names both departments: 'Human Contexts and Ethics of Data - DATA/History/STS'."""
    for title in a.full_title_texts & b.full_title_texts:
        words = set(re.findall(r"[a-z]+", title.lower()))
        if all(re.sub(r"[^a-z]", "", s.lower()) in words for s in (a.subject, b.subject)):
            return True
    return False


def _notes(ev: PairEvidence) -> list[str]:
    notes = []
    if ev.same_students:
        notes.append(f"same students in {len(ev.same_students)} terms")
    if ev.full_title:
        notes.append("same full title")
    if ev.transcript_title:
        notes.append("same transcript title")
    if ev.co_taught:
        notes.append(f"the same instructors in {len({term for term, _ in ev.co_taught})} terms")
    if ev.shared:
        notes.append("shared instructors: " + ", ".join(sorted(ev.shared)[:3]))
    if ev.fingerprints:
        notes.append("same grade-history entry")
    if ev.overlap:
        notes.append(f"{len(ev.overlap)} terms in common")
    elif ev.first_own and ev.second_own:
        notes.append("one stops before the other starts")
    return notes


def reviewed_decisions(path: Path, known) -> tuple[list[Decision], list[str]]:
    """The reviewed file's decisions, codes in their canonical spelling, and the
    ones skipped: ``known`` returns the canonical code of a written code, or
    None when no source lists it."""
    decisions, skipped = [], []
    for d in read_decisions(path, VERBS):
        codes = tuple(known(code) for code in d.subjects)
        if None in codes:
            skipped.append(f"{d.where}: no source lists {d.subjects[codes.index(None)]!r}")
            continue
        decisions.append(Decision(d.path, d.line, d.verb, codes, d.reason))
    return decisions, skipped
