"""Writes to the catalog: bring the database in line with what the sources say."""

from __future__ import annotations

from collections import defaultdict
from pathlib import Path

from django.db import transaction
from django.utils import timezone

from berkeleytime.db import bulk_update
from sources.codes import level_for_number, number_digits, split_code
from sources.disjoint import DisjointSets
from sources.importing import ImportReport, assign_changed, record_import

from .importers.reader import CatalogSources
from .importers.state import CatalogState, quality
from .models import Course, CourseAlias, Requirement, Section, Subject, Term
from .resolver import CourseResolver
from .signals import course_merged

COURSE_FIELDS = [
    "title",
    "abbreviated_title",
    "description",
    "units_min",
    "units_max",
    "prerequisites",
    "level",
    "number_digits",
    "code_compact",
]
SECTION_FIELDS = [
    "parent",
    "class_number",
    "days",
    "start_time",
    "end_time",
    "location",
    "instructor",
    "enrolled",
    "capacity",
    "waitlisted",
    "status",
]


def import_catalog(
    data_dir: Path, report: ImportReport, progress=lambda tasks: tasks, reviewed_file: Path | None = None
) -> CatalogState:
    """Read every source, then write in one transaction: a bad file leaves the database as it was.
    ``reviewed_file`` replaces catalog/reviewed/courses.txt."""
    started = timezone.now()
    state = CatalogSources(data_dir, report, reviewed_file).read_all(progress)
    with transaction.atomic():
        CatalogWriter(state, report).write()
        course_ids = set(Course.objects.filter(code__in=state.courses).values_list("id", flat=True))
        record_import("catalog", started, report, course_ids, sender=CatalogWriter, details=quality(state))
    return state


class CatalogWriter:
    def __init__(self, state: CatalogState, report: ImportReport):
        self.state = state
        self.report = report

    def write(self) -> None:
        self.write_subjects()
        self.write_terms()
        self.write_requirements()
        self.write_courses()
        self.write_merges()
        self.write_aliases()
        self.write_links()
        self.write_cross_listings()
        self.write_sections()
        self.remove_empty_subjects()

    def write_subjects(self) -> None:
        existing = {s.code: s for s in Subject.objects.all()}
        create, update = [], []
        for code, entry in self.state.subjects.items():
            spellings = sorted(entry["spellings"])
            subject = existing.get(code)
            if subject is None:
                create.append(Subject(code=code, name=entry["name"], spellings=spellings))
            elif subject.name != entry["name"] or sorted(subject.spellings) != spellings:
                subject.name, subject.spellings = entry["name"], spellings
                update.append(subject)
        Subject.objects.bulk_create(create)
        bulk_update(Subject, update, ["name", "spellings"])
        self.report.created["subjects"] += len(create)
        self.report.updated["subjects"] += len(update)

    def write_terms(self) -> None:
        refs = {ref for c in self.state.courses.values() for ref in c.terms} | self.state.section_terms
        existing = {t.slug: t for t in Term.objects.all()}
        create = [Term(**Term.values_for(ref)) for ref in refs if ref.slug not in existing]
        Term.objects.bulk_create(create)
        self.report.created["terms"] += len(create)
        self.terms = {t.ref: t for t in Term.objects.all()}

    def write_requirements(self) -> None:
        existing = {r.slug: r for r in Requirement.objects.all()}
        create, update = [], []
        for slug, (name, kind) in self.state.requirements.items():
            requirement = existing.get(slug)
            if requirement is None:
                create.append(Requirement(slug=slug, name=name, kind=kind))
            elif (requirement.name, requirement.kind) != (name, kind):
                requirement.name, requirement.kind = name, kind
                update.append(requirement)
        Requirement.objects.bulk_create(create)
        bulk_update(Requirement, update, ["name", "kind"])
        self.report.created["requirements"] += len(create)
        self.report.updated["requirements"] += len(update)
        self.requirements = {r.slug: r for r in Requirement.objects.all()}

    def write_courses(self) -> None:
        existing = {c.code: c for c in Course.objects.all()}
        create, update = [], []
        for code, state in self.state.courses.items():
            values = {
                "title": state.title,
                "abbreviated_title": state.abbreviated_title,
                "description": state.description,
                "units_min": state.units_min,
                "units_max": state.units_max,
                "prerequisites": state.prerequisites,
                "level": level_for_number(state.number),
                "number_digits": number_digits(state.number),
                "code_compact": code.replace(" ", ""),
            }
            course = existing.get(code)
            if course is not None and course.sis_synced_at is not None:
                # The SIS describes this course (sis_sync courses): the files' words do not replace its.
                for name in ("title", "description", "units_min", "units_max", "prerequisites"):
                    values.pop(name)
            if course is None:
                # has_grades is the grade import's to keep; a new course starts with what the files say.
                create.append(Course(subject_id=state.subject, number=state.number, code=code,
                                     has_grades=state.has_grades, **values))  # fmt: skip
                continue
            if assign_changed(course, values):
                update.append(course)
        Course.objects.bulk_create(create, batch_size=2000)
        bulk_update(Course, update, COURSE_FIELDS, batch_size=2000)
        self.report.created["courses"] += len(create)
        self.report.updated["courses"] += len(update)
        self.courses = dict(Course.objects.values_list("code", "id"))

    def wanted_aliases(self) -> dict[str, tuple[int, str, int | None]]:
        """alias code -> (course id, kind, last term id) for every spelling and former code."""
        term_ids = {ref: term.id for ref, term in self.terms.items()}
        wanted = {}
        for code, state in self.state.courses.items():
            for alias in state.aliases:
                wanted[alias] = (self.courses[code], CourseAlias.SPELLING, None)
            for alias, until in state.former.items():
                wanted[alias] = (self.courses[code], CourseAlias.FORMER, term_ids.get(until))
        return {alias: value for alias, value in wanted.items() if alias not in self.state.courses}

    def write_merges(self) -> None:
        """A course whose code is now another course's former code or spelling is
        merged into it: the apps built on the catalog move what they keep for it
        (course_merged), then its row goes."""
        wanted = self.wanted_aliases()
        retired = [(course_id, wanted[code][0]) for code, course_id in self.courses.items() if code in wanted]
        for old_id, new_id in retired:
            course_merged.send(sender=CatalogWriter, old_id=old_id, new_id=new_id)
        if retired:
            Course.objects.filter(id__in=[old for old, _ in retired]).delete()
            self.report.deleted["courses merged into another"] += len(retired)
            self.courses = dict(Course.objects.values_list("code", "id"))

    def write_aliases(self) -> None:
        wanted = self.wanted_aliases()
        existing = {a.code: a for a in CourseAlias.objects.all()}
        create, update = [], []
        for alias, (course_id, kind, last_term_id) in wanted.items():
            row = existing.get(alias)
            if row is None:
                create.append(CourseAlias(code=alias, code_compact=alias.replace(" ", ""), course_id=course_id,
                                          kind=kind, last_term_id=last_term_id))  # fmt: skip
            elif assign_changed(row, {"course_id": course_id, "kind": kind, "last_term_id": last_term_id}):
                update.append(row)
        stale = [row.id for code, row in existing.items() if code not in wanted]
        CourseAlias.objects.filter(id__in=stale).delete()
        CourseAlias.objects.bulk_create(create, batch_size=2000)
        bulk_update(CourseAlias, update, ["course", "kind", "last_term"], batch_size=2000)
        self.report.created["aliases"] += len(create)
        self.report.updated["aliases"] += len(update)
        if stale:
            self.report.deleted["aliases"] += len(stale)

    def _sync_links(self, through, left: str, right: str, wanted: set[tuple[int, int]], label: str) -> None:
        """The link table holds exactly ``wanted``."""
        existing = {(a, b): pk for pk, a, b in through.objects.values_list("pk", left, right)}
        add = wanted - existing.keys()
        stale = [pk for pair, pk in existing.items() if pair not in wanted]
        through.objects.filter(pk__in=stale).delete()
        through.objects.bulk_create([through(**{left: a, right: b}) for a, b in add], batch_size=5000)
        self.report.created[label] += len(add)
        if stale:
            self.report.deleted[label] += len(stale)

    def write_links(self) -> None:
        term_ids = {ref: term.id for ref, term in self.terms.items()}
        offerings = {
            (self.courses[code], term_ids[ref]) for code, state in self.state.courses.items() for ref in state.terms
        }
        # The offerings of terms the SIS lists are the SIS's (sis_sync classes).
        offerings |= set(Course.terms.through.objects.filter(term__sections_synced_at__isnull=False)
                         .values_list("course_id", "term_id"))  # fmt: skip
        self._sync_links(Course.terms.through, "course_id", "term_id", offerings, "offerings")

        requirement_ids = {slug: r.id for slug, r in self.requirements.items()}
        satisfies = {
            (self.courses[code], requirement_ids[slug])
            for code, state in self.state.courses.items()
            for slug in state.requirements
        }
        self._sync_links(Course.requirements.through, "course_id", "requirement_id", satisfies, "course requirements")

    def write_cross_listings(self) -> None:
        """The cross-listings the sources' evidence finds, and those the SIS declares."""
        groups = [{self.courses[code] for code in group} for group in self.state.cross_listings]
        link_cross_listings(groups + sis_declared_groups(), self.report)

    def remove_empty_subjects(self) -> None:
        """A subject no source names any more and no course uses ('LS', now read as 'L&S') goes."""
        empty = Subject.objects.exclude(code__in=self.state.subjects).filter(courses__isnull=True)
        removed, _ = empty.delete()
        if removed:
            self.report.deleted["subjects"] += removed

    def write_sections(self) -> None:
        """Sections of each listed term match the listing: new ones created,
        changed ones updated, ones no longer listed deleted."""
        term_ids = {ref: term.id for ref, term in self.terms.items()}
        for ref in self.state.section_terms:
            term = self.terms[ref]
            if term.sections_synced_at is not None:
                self.report.reject(f"sections of {ref.slug}", None, "left to the SIS, which lists this term's classes")
                continue
            term_id = term_ids[ref]
            as_of = self.state.section_dates.get(ref)
            if as_of and term.counts_as_of != as_of:
                Term.objects.filter(id=term_id).update(counts_as_of=as_of)
            existing = {
                (s.course.code, s.kind, s.number): s
                for s in Section.objects.filter(term_id=term_id).select_related("course")
            }
            wanted = [s for s in self.state.sections.values() if s.term == ref]
            saved: dict[tuple, Section] = {}
            # Primary sections first, so that their children can point at them.
            for primaries in (True, False):
                create, update = [], []
                for state in wanted:
                    if (state.parent_key is None) != primaries:
                        continue
                    key = (state.course_code, state.kind, state.number)
                    parent = saved[_short(state.parent_key)] if state.parent_key else None
                    values = {name: getattr(state, name) for name in SECTION_FIELDS if name != "parent"}
                    section = existing.pop(key, None)
                    if section is None:
                        section = Section(
                            course_id=self.courses[state.course_code],
                            term_id=term_id,
                            kind=state.kind,
                            number=state.number,
                            parent=parent,
                            **values,
                        )
                        create.append(section)
                    elif assign_changed(section, values) or section.parent_id != (parent.id if parent else None):
                        section.parent = parent
                        update.append(section)
                    saved[key] = section
                Section.objects.bulk_create(create, batch_size=2000)
                bulk_update(Section, update, SECTION_FIELDS, batch_size=2000)
                self.report.created["sections"] += len(create)
                self.report.updated["sections"] += len(update)
            stale = [s.id for s in existing.values()]
            if stale:
                Section.objects.filter(id__in=stale).delete()
                self.report.deleted["sections"] += len(stale)


def sis_declared_groups() -> list[set[int]]:
    """Each course the SIS lists with other codes (Course.sis_cross_listed), with them."""
    resolver = CourseResolver()
    groups = []
    for course_id, codes in Course.objects.exclude(sis_cross_listed=[]).values_list("id", "sis_cross_listed"):
        found = {resolver.find(*split_code(code)) for code in codes} - {None}
        if found - {course_id}:
            groups.append({course_id, *found})
    return groups


def link_cross_listings(groups: list[set[int]], report: ImportReport) -> None:
    """Link every course of each group with every other (groups that share a course are
    one group), nothing else, and give each course its listing group: the lowest id
    among it and its cross-listings."""
    linked: DisjointSets[int] = DisjointSets()
    for group in groups:
        first, *rest = sorted(group)
        for other in rest:
            linked.union(other, first)
    members = linked.groups()
    pairs, group_of = set(), {}
    for ids in members.values():
        pairs.update((a, b) for a in ids for b in ids if a != b)
        group_of.update(dict.fromkeys(ids, min(ids)))

    through = Course.cross_listings.through
    existing = {(a, b): pk for pk, a, b in through.objects.values_list("pk", "from_course_id", "to_course_id")}
    stale = [pk for pair, pk in existing.items() if pair not in pairs]
    through.objects.filter(pk__in=stale).delete()
    through.objects.bulk_create([through(from_course_id=a, to_course_id=b) for a, b in pairs - existing.keys()],
                                batch_size=5000)  # fmt: skip
    report.created["cross-listings"] += len(pairs - existing.keys())
    if stale:
        report.deleted["cross-listings"] += len(stale)

    update = []
    for course in Course.objects.only("id", "listing_group"):
        group = group_of.get(course.id, course.id)
        if course.listing_group != group:
            course.listing_group = group
            update.append(course)
    bulk_update(Course, update, ["listing_group"], batch_size=5000)
    report.updated["listing groups"] += len(update)


def _short(section_key: tuple) -> tuple:
    course_code, _term, kind, number = section_key
    return (course_code, kind, number)


def catalog_counts() -> dict[str, int]:
    """Row counts per catalog table, for summaries and idempotency checks."""
    counts = defaultdict(int)
    for model in (Subject, Term, Requirement, Course, CourseAlias, Section):
        counts[model._meta.verbose_name_plural] = model.objects.count()
    counts["offerings"] = Course.terms.through.objects.count()
    counts["course requirements"] = Course.requirements.through.objects.count()
    counts["cross-listings"] = Course.cross_listings.through.objects.count()
    return dict(counts)
