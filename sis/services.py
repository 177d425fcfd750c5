"""Writes: bring the catalog and the enrollment history in line with what the SIS says.

Every sync follows the importers' rules: it reads and checks every page first
(a refusal, an error, malformed JSON, a truncated page or a timeout stops it
before anything is written), then writes in one transaction, changes nothing
when run twice, and logs itself (SyncRun with the raw answers, and ImportRun
so that search, metrics and every process's cache follow, through the data
generation in the database). A run whose answer would remove more than
SIS_MAX_REMOVAL_SHARE of what a term has is refused.
"""

from __future__ import annotations

import datetime
import gzip
import json
import tempfile
from collections import defaultdict
from dataclasses import asdict

from django.conf import settings
from django.core.management.base import CommandError
from django.db import transaction
from django.utils import timezone

from berkeleytime.db import bulk_update
from catalog.models import Course, Section, Subject, Term
from catalog.resolver import CourseResolver
from catalog.services import link_cross_listings, sis_declared_groups
from enrollment.services import SnapshotWriter, record_snapshots
from sources.codes import is_placeholder_section, level_for_number, normalize_subject, number_digits
from sources.importing import ImportReport, assign_changed, record_import
from sources.sis import records
from sources.sis.client import APIS, PACIFIC, Exchange, SisClient, SisError, decode, listed
from sources.terms import TermRef

from .models import SyncRun

SECTION_FIELDS = ["parent", "class_number", "days", "start_time", "end_time", "location", "instructor", "enrolled",
                  "capacity", "waitlisted", "waitlist_capacity", "reserved", "status", "meetings", "exams"]  # fmt: skip
COUNT_FIELDS = ["enrolled", "capacity", "waitlisted", "waitlist_capacity", "reserved", "status"]
# The enrollment sync asks for what changed since a little before the last run: the SIS
# keeps whole seconds and its clock is not ours. Re-reading a few unchanged sections is free.
SINCE_MARGIN = datetime.timedelta(minutes=5)


class Refused(CommandError):
    """The answer would remove too much: nothing is written, the run is logged as refused."""


# -- the raw answers: kept for replay --------------------------------------


class Archive:
    """Collects a run's raw answers as gzip-compressed JSON lines, spilling to disk past
    a megabyte, so that a long run holds little in memory."""

    def __init__(self) -> None:
        self._file = tempfile.SpooledTemporaryFile(max_size=1 << 20)  # noqa: SIM115 - closed by close()
        self._gzip = gzip.GzipFile(fileobj=self._file, mode="wb")

    def __call__(self, exchange: Exchange) -> None:
        self._gzip.write(json.dumps(asdict(exchange)).encode() + b"\n")

    def close(self) -> bytes:
        self._gzip.close()
        self._file.seek(0)
        data = self._file.read()
        self._file.close()
        return data


class ReplayClient(SisClient):
    """Answers every request from a run's archive, in order, without the network."""

    def __init__(self, run: SyncRun, recorder=lambda exchange: None):
        super().__init__("replay://", {}, recorder=recorder)
        self.answers = defaultdict(list)
        for item in run.exchanges():
            self.answers[_request_key(item["api"], item["path"], item["params"])].append(Exchange(**item))
        if not self.answers:
            raise CommandError(
                f"run {run.pk} has no archived answers to replay (kept {settings.SIS_ARCHIVE_DAYS} days)"
            )

    def get(self, api_key: str, path: str, params: dict | None = None, page: int | None = None) -> dict:
        queue = self.answers.get(_request_key(api_key, path, params or {}))
        if not queue:
            raise SisError(APIS[api_key], f"the archive has no answer to {path} {params or {}}", page)
        exchange = queue.pop(0)
        self.recorder(exchange)
        return decode(APIS[api_key], exchange.status, exchange.body, page)


def _request_key(api: str, path: str, params: dict) -> str:
    return json.dumps([api, path, {k: str(v) for k, v in sorted(params.items())}])


def make_client(recorder) -> SisClient:
    return SisClient(
        settings.SIS_API_URL,
        settings.SIS_CREDENTIALS,
        timeout=(5.0, settings.SIS_TIMEOUT_SECONDS),
        retries=settings.SIS_RETRIES,
        recorder=recorder,
    )


# -- one run ---------------------------------------------------------------


class Sync:
    """Read everything, check, write in one transaction, log. Subclasses read and write."""

    kind: str
    importer: str

    def __init__(self, report: ImportReport, term: Term | None = None, replay: SyncRun | None = None, progress=None):
        self.report = report
        self.term = term
        self.replay = replay
        self.progress = progress or (lambda pages: pages)
        self.now = replay.as_of if replay else timezone.now()
        self.course_ids: set[int] = set()
        self.details: dict = {}
        self.records_read = 0  # records of the SIS's answers

    def execute(self) -> SyncRun:
        run = SyncRun.objects.create(kind=self.kind, term=self.term, started_at=timezone.now(), as_of=self.now,
                                     replay_of=self.replay)  # fmt: skip
        archive = Archive()
        try:
            client = ReplayClient(self.replay, archive) if self.replay else make_client(archive)
            self.run = run
            fetched = self.read(client)
            with transaction.atomic():
                changed = self.write(fetched)
                run.records_changed = changed
                record_import(self.importer, run.started_at, self.report, self.course_ids, sender=Sync,
                              details=self.details)  # fmt: skip
            run.status = "ok"
        except Refused as error:
            run.status, run.message = "refused", str(error)
            raise
        except CommandError as error:
            run.status, run.message = "failed", str(error)
            raise
        except Exception as error:  # logged, then re-raised as it is
            run.status, run.message = "failed", f"{error.__class__.__name__}: {error}"
            raise
        finally:
            run.records_read = self.records_read
            run.finished_at = timezone.now()
            run.archive = archive.close()
            run.save()
        return run

    def read(self, client: SisClient):
        raise NotImplementedError

    def write(self, fetched) -> int:
        raise NotImplementedError

    def pages(self, client: SisClient, api: str, path: str, list_key: str, params: dict, parse):
        """Every record of a list, parsed: (page, record number, record)."""
        found = []
        for page, items in self.progress(client.pages(api, path, list_key, params)):
            for number, item in enumerate(items, start=1):
                self.report.read(f"SIS {APIS[api].name}")
                self.records_read += 1
                found.append(parse(item, page, number))
        return found

    def guard(self, removing: int, existing: int, what: str) -> None:
        share = settings.SIS_MAX_REMOVAL_SHARE
        if existing and removing / existing > share:
            raise Refused(
                f"refused: the SIS's answer would remove {removing:,} of the {existing:,} {what} "
                f"({removing / existing:.0%}), more than the {share:.0%} a run may (SIS_MAX_REMOVAL_SHARE); "
                "nothing was changed"
            )


# -- terms -----------------------------------------------------------------


class TermsSync(Sync):
    kind, importer = "terms", "sis-terms"

    def read(self, client):
        found = {}
        for position in ("Previous", "Current", "Next"):
            body = client.get("term", "/v2/terms", {"temporal-position": position})
            for number, item in enumerate(listed(APIS["term"], body, "terms"), start=1):
                self.report.read("SIS Term API")
                self.records_read += 1
                term = records.term(item, None, number)
                found.setdefault(term.ref, term)
        if not found:
            raise SisError(APIS["term"], "no current, previous or next term")
        return list(found.values())

    def write(self, fetched) -> int:
        changed = 0
        for record in fetched:
            term, created = Term.objects.get_or_create(slug=record.ref.slug, defaults=Term.values_for(record.ref))
            values = {"begin_date": record.begin, "end_date": record.end, "enroll_begin": record.enroll_begin,
                      "enroll_end": record.enroll_end}  # fmt: skip
            if assign_changed(term, values) or created:
                term.save()
                changed += 1
                self.report.created["terms"] += int(created)
                self.report.updated["terms"] += int(not created)
        self.details = {"terms": {r.ref.slug: r.position for r in fetched}}
        return changed


# -- courses ---------------------------------------------------------------


class CoursesSync(Sync):
    kind, importer = "courses", "sis-courses"

    def read(self, client):
        found = self.pages(client, "course", "/v5/courses", "courses", {"status-code": "ACTIVE"}, records.course)
        last = SyncRun.objects.filter(kind=self.kind, status="ok").exclude(pk=self.run.pk).first()
        if last is not None:
            self.guard(max(0, last.records_read - len(found)), last.records_read, "courses the last run listed")
        return found

    def write(self, fetched) -> int:
        resolver = CourseResolver()
        existing = {c.id: c for c in Course.objects.all()}
        update, seen = [], set()
        for record in fetched:
            course_id = resolver.find(record.subject, record.number) or _create_course(resolver, record, self.report)
            if course_id in seen:
                continue  # a former code's entry after the current one's
            seen.add(course_id)
            course = existing.get(course_id) or Course.objects.get(pk=course_id)
            values = {"sis_synced_at": course.sis_synced_at or self.now,
                      "sis_cross_listed": sorted(set(record.cross_listed) - {f"{record.subject} {record.number}"})}  # fmt: skip
            for name, value in (("title", record.title), ("description", record.description),
                                ("prerequisites", record.prerequisites)):  # fmt: skip
                if value:
                    values[name] = value[:255] if name == "title" else value
            if record.units:
                values["units_min"], values["units_max"] = record.units
            if assign_changed(course, values):
                update.append(course)
                self.course_ids.add(course_id)
        bulk_update(Course, update, ["title", "description", "prerequisites", "units_min", "units_max",
                                     "sis_synced_at", "sis_cross_listed"])  # fmt: skip
        self.report.updated["courses"] += len(update)
        # The SIS's cross-listings join the links already there (the file importer's evidence).
        through = Course.cross_listings.through
        groups = [{a, b} for a, b in through.objects.values_list("from_course_id", "to_course_id")]
        link_cross_listings(groups + sis_declared_groups(), self.report)
        return len(update)


def _create_course(resolver: CourseResolver, record, report: ImportReport) -> int:
    """A course the SIS lists and no file does: created, under its subject."""
    subject = resolver.subject_codes.canonical(record.subject)
    Subject.objects.get_or_create(code=subject, defaults={"spellings": [normalize_subject(record.subject)]})
    code = f"{subject} {record.number}"
    course = Course.objects.create(
        subject_id=subject, number=record.number, code=code, code_compact=code.replace(" ", ""),
        number_digits=number_digits(record.number), level=level_for_number(record.number),
        title=(getattr(record, "title", "") or "")[:255],
    )  # fmt: skip
    resolver.add(code, course.id)
    report.created["courses"] += 1
    return course.id


# -- classes ---------------------------------------------------------------


class ClassesSync(Sync):
    kind, importer = "classes", "sis-classes"

    def read(self, client):
        params = {"term-id": self.term.sis_id}
        found = self.pages(client, "class", "/v1/classes/sections", "classSections", params, records.section)
        for record in found:
            if record.term != self.term.ref:
                raise SisError(
                    APIS["class"], f"section {record.sis_id} is of term {record.term.sis_id}, not {self.term.sis_id}"
                )
        return found

    def write(self, fetched) -> int:
        resolver = CourseResolver()
        wanted, placeholders = {}, 0
        for record in fetched:
            first = record.meetings[0] if record.meetings else {}
            start, end = _time(first.get("start")), _time(first.get("end"))
            if is_placeholder_section(record.section, first.get("days"), start, end):
                placeholders += 1
                continue
            if record.status == "X":  # cancelled
                continue
            course_id = resolver.find(record.subject, record.number)
            if course_id is None:
                course_id = _create_course(resolver, record, self.report)
            instructors = list(dict.fromkeys(n for m in record.meetings for n in m["instructors"]))
            wanted[(course_id, record.kind, record.section)] = (record, {
                "class_number": record.sis_id,
                "days": first.get("days", []),
                "start_time": start,
                "end_time": end,
                "location": first.get("location", ""),
                "instructor": ", ".join(instructors)[:200],
                "enrolled": record.counts.enrolled,
                "capacity": record.counts.capacity,
                "waitlisted": record.counts.waitlisted,
                "waitlist_capacity": record.counts.waitlist_capacity,
                "reserved": record.counts.reserved,
                "status": record.counts.status[:16],
                "meetings": list(record.meetings),
                "exams": list(record.exams),
            })  # fmt: skip
        existing = {(s.course_id, s.kind, s.number): s for s in Section.objects.filter(term=self.term)}
        stale = [s for key, s in existing.items() if key not in wanted]
        self.guard(len(stale), len(existing), f"sections of {self.term.name}")

        by_sis_id, create, update = {}, [], []
        # Primary sections first, so that their discussions and labs can point at them.
        for primaries in (True, False):
            batch = []
            for key, (record, values) in wanted.items():
                if record.primary != primaries:
                    continue
                values = {**values, "parent": None if primaries else by_sis_id.get(record.primary_id)}
                section = existing.get(key)
                if section is None:
                    section = Section(course_id=key[0], term=self.term, kind=key[1], number=key[2], **values)
                    batch.append(section)
                elif assign_changed(section, values):
                    update.append(section)
                    self.course_ids.add(key[0])
                by_sis_id[record.sis_id] = section
            Section.objects.bulk_create(batch, batch_size=2000)
            create += batch
        bulk_update(Section, update, SECTION_FIELDS)
        Section.objects.filter(id__in=[s.id for s in stale]).delete()
        self.course_ids |= {s.course_id for s in create} | {s.course_id for s in stale}
        offered = {key[0] for key in wanted}
        through = Course.terms.through
        have = set(through.objects.filter(term=self.term).values_list("course_id", flat=True))
        through.objects.bulk_create([through(course_id=c, term_id=self.term.id) for c in offered - have])
        Term.objects.filter(pk=self.term.pk).update(sections_synced_at=self.now, counts_as_of=self.now)
        self.report.created["sections"] += len(create)
        self.report.updated["sections"] += len(update)
        self.report.deleted["sections"] += len(stale)
        self.details = {"sections": {"listed": len(fetched), "placeholders left out": placeholders}}
        return len(create) + len(update) + len(stale)


def _time(text: str | None) -> datetime.time | None:
    return datetime.time.fromisoformat(text) if text else None


# -- enrollment ------------------------------------------------------------


class EnrollmentSync(Sync):
    kind, importer = "enrollment", "sis-enrollment"

    def read(self, client):
        last = (
            SyncRun.objects.filter(kind__in=["classes", "enrollment"], term=self.term, status="ok")
            .exclude(pk=self.run.pk)
            .first()
        )
        if self.replay is not None:
            self.since = self.replay.since
        else:
            self.since = last.as_of if last else None
        self.run.since = self.since
        params = {}
        if self.since is not None:
            after = (self.since - SINCE_MARGIN).astimezone(PACIFIC)
            params["updated-after"] = after.strftime("%Y-%m-%dT%H:%M:%S")
        path = f"/v1/classes/sections/terms/{self.term.sis_id}/updated/enrollments"
        return self.pages(client, "class", path, "classSections", params, records.counts)

    def write(self, fetched) -> int:
        sections = {s.class_number: s for s in Section.objects.filter(term=self.term, class_number__isnull=False)}
        update, unknown = [], 0
        for sis_id, counts in fetched:
            section = sections.get(sis_id)
            if section is None:
                unknown += 1
                continue
            values = {name: getattr(counts, name) for name in COUNT_FIELDS}
            values["status"] = (values["status"] or "")[:16]
            if assign_changed(section, values):
                update.append(section)
                self.course_ids.add(section.course_id)
        bulk_update(Section, update, COUNT_FIELDS)
        Term.objects.filter(pk=self.term.pk).update(counts_as_of=self.now)
        self.report.updated["sections"] += len(update)
        date = timezone.localtime(self.now).date()
        SnapshotWriter(self.term, date, self.report).write()  # the day's point: the day's last counts
        record_snapshots(self.term, self.now, self.report)  # a point per course and section whose counts changed
        self.details = {"sections": {"updated": len(update), "unknown to the catalog (run sis_sync classes)": unknown}}
        return len(update)


SYNCS = {"terms": TermsSync, "courses": CoursesSync, "classes": ClassesSync, "enrollment": EnrollmentSync}


def term_for(text: str) -> Term:
    """The Term for 'summer-2026', 'Summer 2026' or the SIS's '2265' (created if the SIS names it)."""
    ref = TermRef.parse(text)
    term, _ = Term.objects.get_or_create(slug=ref.slug, defaults=Term.values_for(ref))
    return term


def open_terms(day: datetime.date) -> list[Term]:
    """The terms whose enrollment window (from sis_sync terms) includes ``day``."""
    return list(Term.objects.filter(enroll_begin__lte=day, enroll_end__gte=day).order_by("sort_key"))


def current_terms(day: datetime.date) -> list[Term]:
    """The terms `sis_sync terms` gave dates that have not ended by ``day``: the current and next."""
    return list(Term.objects.filter(end_date__gte=day).order_by("sort_key"))


def prune_archives(now: datetime.datetime) -> int:
    """Drop the raw answers of runs older than SIS_ARCHIVE_DAYS (the runs stay logged)."""
    cutoff = now - datetime.timedelta(days=settings.SIS_ARCHIVE_DAYS)
    return SyncRun.objects.filter(started_at__lt=cutoff, archive__isnull=False).update(archive=None)
