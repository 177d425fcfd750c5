"""One instructor, every spelling of their name.

The sources write one person several ways: "John DeNero" and "John Denero"
(2012 on), "Denero, J S" (2007 to 2011), "M. Scott" and "Scott, M K". Spellings
that differ only in case, accents and punctuation are one spelling. Beyond
that, two spellings are merged only on evidence: names that could be one
person (the same surname, given names that agree as far as both go, see
sources.names.PersonName) *and* a course both taught (a course's former codes
and cross-listings count as the course). In that order:

1. full names ("John S DeNero", "John DeNero") that agree and share a course;
2. each abbreviated name ("Denero, J S") joins the one full-name person it
   agrees with and shares a course with; when several people would fit
   ("Scott, M" beside Mary Scott and Michael Scott) it is left alone;
3. abbreviated names without such a person join each other the same way.

grades/reviewed/instructors.txt settles the rest: ``same`` merges two
spellings the evidence cannot, ``apart`` keeps two apart that it would merge.
"""

from __future__ import annotations

from collections import Counter, defaultdict
from dataclasses import dataclass, field
from pathlib import Path

from django.utils.text import slugify

from sources.disjoint import DisjointSets
from sources.names import PersonName
from sources.reviewed import Decision, read_decisions

REVIEWED_FILE = Path(__file__).resolve().parent / "reviewed" / "instructors.txt"
VERBS = {"same": "one person", "apart": "two people"}


@dataclass
class Person:
    """One instructor: the spelling shown, and every spelling seen."""

    name: str
    spellings: set[str]
    sections: int

    @property
    def slug(self) -> str:
        return slugify(self.name)[:200] or "unknown"


@dataclass
class Identities:
    people: list[Person]
    person_of: dict[str, Person]  # every spelling -> its person
    found: Counter = field(default_factory=Counter)  # what the data-quality report counts


def reviewed_decisions(path: Path, known) -> tuple[list[Decision], list[str]]:
    """The reviewed file's decisions about names some row writes, and the ones skipped."""
    decisions, skipped = [], []
    for decision in read_decisions(path, VERBS):
        missing = [name for name in decision.subjects if not known(name)]
        if missing:
            skipped.append(f"{decision.where}: no grade row writes {missing[0]!r}")
            continue
        decisions.append(decision)
    return decisions, skipped


def identify(taught: dict[str, set[int]], sections: Counter, decisions: list[Decision] = ()) -> Identities:
    """Group spellings into people. ``taught`` maps each spelling to the course
    groups it taught, ``sections`` counts its sections."""
    parsed = {name: PersonName.parse(name) for name in taught}
    people_of: DisjointSets[str] = DisjointSets()
    find, union = people_of.find, people_of.union

    found: Counter = Counter()
    apart = {frozenset(d.subjects) for d in decisions if d.verb == "apart"}

    # 0. The same spelling up to case, accents and punctuation.
    by_key: dict[str, list[str]] = defaultdict(list)
    for name, person in parsed.items():
        by_key[person.key].append(name)
    for names in by_key.values():
        for other in names[1:]:
            union(names[0], other)
        if len(names) > 1:
            found["spellings differing only in case or punctuation"] += len(names) - 1
    keys = {key: names[0] for key, names in by_key.items()}  # a representative per key

    def courses(name: str) -> set[int]:
        return set().union(*(taught[n] for n in by_key[parsed[name].key]))

    by_surname: dict[str, set[str]] = defaultdict(set)
    for name in keys.values():
        for surname, _ in parsed[name].readings:
            by_surname[surname].add(name)

    def neighbours(name: str) -> set[str]:
        """Other spellings that could be this person and taught one of the same courses."""
        mine = parsed[name]
        near = set().union(*(by_surname[surname] for surname, _ in mine.readings)) - {name}
        return {
            other
            for other in near
            if mine.compatible(parsed[other])
            and courses(name) & courses(other)
            and frozenset((name, other)) not in apart
            and not any(frozenset((a, b)) in apart for a in by_key[mine.key] for b in by_key[parsed[other].key])
        }

    full = [n for n in keys.values() if parsed[n].is_full]
    abbreviated = [n for n in keys.values() if not parsed[n].is_full]

    # 1. Full names that agree and share a course.
    for name in full:
        for other in neighbours(name):
            if parsed[other].is_full and find(name) != find(other):
                union(name, other)
                found["full names merged"] += 1

    # 2. Abbreviated names join the one person they fit.
    left_alone = []
    for name in abbreviated:
        people = {find(other) for other in neighbours(name) if parsed[other].is_full}
        if len(people) == 1:
            union(name, people.pop())
            found["abbreviated names merged into a full name"] += 1
        elif len(people) > 1:
            found["abbreviated names left alone: several people fit"] += 1
        else:
            left_alone.append(name)

    # 3. Abbreviated names with nobody to join: with each other.
    for name in left_alone:
        for other in neighbours(name):
            if not parsed[other].is_full and find(other) != find(name):
                people = {find(o) for o in neighbours(other) if parsed[o].is_full}
                if not people:
                    union(name, other)
                    found["abbreviated names merged with each other"] += 1

    # Reviewed decisions have the last word.
    for decision in decisions:
        if decision.verb == "same":
            a, b = decision.subjects
            if find(a) != find(b):
                union(a, b)
                found["merged by the reviewed file"] += 1

    groups = people_of.groups(taught)
    people, person_of = [], {}
    for spellings in groups.values():
        shown = max(spellings, key=lambda n: (parsed[n].is_full, _capitals(n), sections[n], len(n), n))
        person = Person(shown, spellings, sum(sections[n] for n in spellings))
        people.append(person)
        for spelling in spellings:
            person_of[spelling] = person
    found["people"] = len(people)
    found["spellings"] = len(taught)
    return Identities(people, person_of, found)


def _capitals(name: str) -> int:
    """How carefully a name is capitalised: 'John DeNero' over 'John Denero' and
    'Lauren-Claire Kelley' over 'Lauren-claire Kelley'; 'JOHN DENERO' last."""
    if name == name.upper():
        return -1
    return sum(1 for ch in name if ch.isupper())
