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
import hashlib
import json
import logging
import pickle
import tempfile
from collections import defaultdict
from dataclasses import asdict

from django.conf import settings
from django.core.management.base import CommandError
from django.db import transaction
from django.utils import timezone

from berkeleytime.db import bulk_update
from berkeleytime.signals import enrollment_changed
from catalog.models import Course, Section, Subject, Term
from catalog.resolver import CourseResolver
from catalog.services import link_cross_listings, sis_declared_groups
from enrollment.models import EnrollmentPoint, EnrollmentSnapshot
from enrollment.phases import infer_phases
from enrollment.services import SnapshotWriter, record_snapshots
from sources.codes import is_placeholder_section, level_for_number, normalize_subject, number_digits
from sources.importing import ImportReport, assign_changed, record_import
from sources.sis import records
from sources.sis.client import APIS, PACIFIC, Exchange, SisClient, SisError, decode, listed
from sources.terms import TermRef

from .models import SyncRun

logger = logging.getLogger(__name__)

SECTION_FIELDS = ["parent_id", "class_number", "days", "start_time", "end_time", "location", "instructor", "enrolled",
                  "capacity", "waitlisted", "waitlist_capacity", "reserved", "status", "meetings", "exams"]  # fmt: skip
UPDATE_FIELDS = ["parent", *SECTION_FIELDS[1:]]
COUNT_FIELDS = ["enrolled", "capacity", "waitlisted", "waitlist_capacity", "reserved", "status"]  # status last
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
        self._gzip = gzip.GzipFile(fileobj=self._file, mode="wb", compresslevel=6)  # 9 costs a second per 10k sections

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
            if run.status != "ok":
                logger.warning("sis_sync %s run %s %s: %s", self.kind, run.pk, run.status, run.message)
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


class Spool:
    """Records written to a temporary file as they are read, and read back in order:
    a term's sections pass through a sync without being held in memory at once."""

    def __init__(self) -> None:
        self._file = tempfile.TemporaryFile()  # noqa: SIM115 - closed by close()
        self.count = 0

    def add(self, item) -> None:
        pickle.dump(item, self._file, protocol=pickle.HIGHEST_PROTOCOL)
        self.count += 1

    def __iter__(self):
        self._file.seek(0)
        for _ in range(self.count):
            yield pickle.load(self._file)  # noqa: S301 - the spool's own file, written just before

    def close(self) -> None:
        self._file.close()


def _fingerprint(values: tuple) -> int:
    """A section's values in a few bytes, to tell whether the SIS changed them."""
    text = json.dumps(values, default=str, sort_keys=True, separators=(",", ":"))
    return int.from_bytes(hashlib.blake2b(text.encode(), digest_size=8).digest(), "big")


def _section_values(record) -> dict:
    first = record.meetings[0] if record.meetings else {}
    instructors = list(dict.fromkeys(n for m in record.meetings for n in m["instructors"]))
    return {
        "class_number": record.sis_id,
        "days": first.get("days", []),
        "start_time": _time(first.get("start")),
        "end_time": _time(first.get("end")),
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
    }


class ClassesSync(Sync):
    """The term's sections made exactly what the SIS lists, matched by course, kind and number.

    Pages are parsed and checked as they arrive and spooled to a temporary file;
    the write streams the spool twice (primary sections, then the discussions and
    labs that point at them) in batches, comparing each section with a fingerprint
    of what the database holds. Memory holds a few small numbers per section."""

    kind, importer = "classes", "sis-classes"
    batch_size = 1000

    def read(self, client):
        spool, self.placeholders = Spool(), 0
        params = {"term-id": self.term.sis_id}
        for page, items in self.progress(client.pages("class", "/v1/classes/sections", "classSections", params)):
            for number, item in enumerate(items, start=1):
                self.report.read("SIS Class API")
                self.records_read += 1
                record = records.section(item, page, number)
                if record.term != self.term.ref:
                    raise SisError(
                        APIS["class"],
                        f"section {record.sis_id} is of term {record.term.sis_id}, not {self.term.sis_id}",
                        page,
                        number,
                    )
                first = record.meetings[0] if record.meetings else {}
                start, end = _time(first.get("start")), _time(first.get("end"))
                if is_placeholder_section(record.section, first.get("days"), start, end):
                    self.placeholders += 1
                elif record.status != "X":  # cancelled
                    spool.add(record)
        return spool

    def write(self, spool: Spool) -> int:
        try:
            return self._write(spool)
        finally:
            spool.close()

    def _write(self, spool: Spool) -> int:
        resolver = CourseResolver()
        for record in spool:
            if resolver.find(record.subject, record.number) is None:
                _create_course(resolver, record, self.report)
        # What the database holds: (course, kind, number) -> (id, fingerprint of its values).
        existing = {}
        rows = Section.objects.filter(term=self.term).values_list("course_id", "kind", "number", "id", *SECTION_FIELDS)
        for course_id, kind, number, pk, *values in rows.iterator(chunk_size=2000):
            existing[(course_id, kind, number)] = (pk, _fingerprint(tuple(values)))
        seen: set[tuple] = set()
        ids_by_sis_id: dict[int, int] = {}
        created = updated = 0
        for primaries in (True, False):
            create, update = [], []
            for record in spool:
                if record.primary != primaries:
                    continue
                course_id = resolver.find(record.subject, record.number)
                key = (course_id, record.kind, record.section)
                if key in seen:
                    continue  # listed twice: the first wins, as in the file importer
                seen.add(key)
                parent_id = None if primaries else ids_by_sis_id.get(record.primary_id)
                fields = {"parent_id": parent_id, **_section_values(record)}
                row = tuple(fields[name] for name in SECTION_FIELDS)
                held = existing.get(key)
                if held is None:
                    create.append(Section(course_id=course_id, term=self.term, kind=record.kind, number=record.section,
                                          **fields))  # fmt: skip
                else:
                    ids_by_sis_id[record.sis_id] = held[0]
                    if held[1] != _fingerprint(row):
                        update.append(Section(id=held[0], **fields))
                        self.course_ids.add(course_id)
                if len(create) >= self.batch_size:
                    created += self._create(create, ids_by_sis_id)
                if len(update) >= self.batch_size:
                    updated += bulk_update(Section, update, UPDATE_FIELDS) and len(update)
                    update.clear()
            created += self._create(create, ids_by_sis_id)
            updated += bulk_update(Section, update, UPDATE_FIELDS) and len(update)
        stale = [(key, pk) for key, (pk, _) in existing.items() if key not in seen]
        self.guard(len(stale), len(existing), f"sections of {self.term.name}")  # refused: all of it rolls back
        Section.objects.filter(id__in=[pk for _, pk in stale]).delete()
        self.course_ids |= {key[0] for key, _ in stale}
        offered = {key[0] for key in seen}
        through = Course.terms.through
        have = set(through.objects.filter(term=self.term).values_list("course_id", flat=True))
        through.objects.bulk_create([through(course_id=c, term_id=self.term.id) for c in offered - have])
        Term.objects.filter(pk=self.term.pk).update(sections_synced_at=self.now, counts_as_of=self.now)
        self.report.created["sections"] += created
        self.report.updated["sections"] += updated
        self.report.deleted["sections"] += len(stale)
        self.details = {"sections": {"listed": spool.count + self.placeholders,
                                     "placeholders left out": self.placeholders}}  # fmt: skip
        return created + updated + len(stale)

    def _create(self, batch: list[Section], ids_by_sis_id: dict[int, int]) -> int:
        Section.objects.bulk_create(batch)
        for section in batch:
            ids_by_sis_id[section.class_number] = section.id
        self.course_ids |= {section.course_id for section in batch}
        count = len(batch)
        batch.clear()
        return count


def _time(text: str | None) -> datetime.time | None:
    return datetime.time.fromisoformat(text) if text else None


# -- enrollment ------------------------------------------------------------


class EnrollmentSync(Sync):
    """Counts only. What the database holds is read first, as small tuples; each page
    is compared as it arrives and only the changed sections are kept for the write."""

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
        held = {
            class_number: (pk, course_id, tuple(values))
            for class_number, pk, course_id, *values in Section.objects.filter(
                term=self.term, class_number__isnull=False
            ).values_list("class_number", "id", "course_id", *COUNT_FIELDS)
        }
        changed, self.unknown, self.before = {}, 0, {}
        path = f"/v1/classes/sections/terms/{self.term.sis_id}/updated/enrollments"
        for page, items in self.progress(client.pages("class", path, "classSections", params)):
            for number, item in enumerate(items, start=1):
                self.report.read("SIS Class API")
                self.records_read += 1
                sis_id, counts = records.counts(item, page, number)
                section = held.get(sis_id)
                if section is None:
                    self.unknown += 1
                    continue
                values = tuple(getattr(counts, name) for name in COUNT_FIELDS[:-1]) + ((counts.status or "")[:16],)
                if values != section[2]:
                    changed[section[0]] = (section[1], values)
                    self.before[section[0]] = section[2]
        return changed

    def write(self, changed) -> int:
        update = [Section(id=pk, **dict(zip(COUNT_FIELDS, values, strict=True))) for pk, (_, values) in changed.items()]
        bulk_update(Section, update, COUNT_FIELDS)
        self.course_ids |= {course_id for course_id, _ in changed.values()}
        Term.objects.filter(pk=self.term.pk).update(counts_as_of=self.now)
        self.report.updated["sections"] += len(update)
        date = timezone.localtime(self.now).date()
        first_of_day = not EnrollmentPoint.objects.filter(term=self.term, date=date).exists()
        phases = []
        if update or first_of_day:
            SnapshotWriter(self.term, date, self.report).write()  # the day's point: the day's last counts
            phases = infer_phases([self.term])  # staff-set dates are left alone
        if update or not EnrollmentSnapshot.objects.filter(term=self.term).exists():
            record_snapshots(self.term, self.now, self.report)  # a point per course and section whose counts changed
        self.details = {"sections": {"updated": len(update),
                                     "unknown to the catalog (run sis_sync classes)": self.unknown}}  # fmt: skip
        if phases:
            self.details["phases"] = phases
        if changed:
            self.announce(changed)
        return len(update)

    def announce(self, changed) -> None:
        """Tell listeners (seat alerts) each changed section's counts before and after, once
        the write has committed: a listener that fails is logged and neither undoes the sync
        nor marks it failed."""
        changes = {
            pk: (dict(zip(COUNT_FIELDS, self.before[pk], strict=True)), dict(zip(COUNT_FIELDS, values, strict=True)))
            for pk, (_, values) in changed.items()
        }
        term_id, as_of = self.term.pk, self.now

        def send() -> None:
            answers = enrollment_changed.send_robust(sender=EnrollmentSync, term_id=term_id, as_of=as_of,
                                                     changes=changes)  # fmt: skip
            for receiver, answer in answers:
                if isinstance(answer, Exception):
                    logger.error("enrollment_changed: %s failed", receiver, exc_info=answer)

        transaction.on_commit(send)


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
