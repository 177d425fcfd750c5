"""Shared machinery for the data importers.

Every importer follows the same rules:
- it reads the files as they are published, and handles their mess itself;
- a structural problem (wrong header, broken JSON, a row of the wrong shape)
  stops the run with ``file:line: reason`` and the database untouched;
- a row that is well formed but unusable (no course number, say) is rejected,
  counted and reported with its reason, and the run goes on;
- running it twice changes nothing the second time.
"""

from __future__ import annotations

import sys
from collections import Counter
from collections.abc import Iterable
from dataclasses import dataclass, field
from pathlib import Path

from django.conf import settings
from django.core.management.base import BaseCommand, CommandError
from tqdm import tqdm

from berkeleytime.db import data_writes
from berkeleytime.signals import import_failed

from .files import DataFileError

__all__ = ["DataFileError", "ImportCommand", "ImportReport", "Rejection", "assign_changed", "record_import"]


@dataclass
class Rejection:
    path: str
    line: int | None
    reason: str

    def __str__(self) -> str:
        return f"{self.path}:{self.line}: {self.reason}" if self.line else f"{self.path}: {self.reason}"


@dataclass
class ImportReport:
    """What a run read, changed and rejected, file by file and table by table."""

    rows_read: Counter = field(default_factory=Counter)
    rejections: list[Rejection] = field(default_factory=list)
    created: Counter = field(default_factory=Counter)
    updated: Counter = field(default_factory=Counter)
    deleted: Counter = field(default_factory=Counter)

    def read(self, path: Path | str, n: int = 1) -> None:
        self.rows_read[str(path)] += n

    def reject(self, path: Path | str, line: int | None, reason: str) -> None:
        self.rejections.append(Rejection(str(path), line, reason))

    @property
    def total_read(self) -> int:
        return sum(self.rows_read.values())

    @property
    def total_created(self) -> int:
        return sum(self.created.values())

    @property
    def total_updated(self) -> int:
        return sum(self.updated.values())

    def lines(self, max_rejections: int = 20) -> list[str]:
        out = [
            f"rows read: {self.total_read} "
            + (f"({_counter_text(self.rows_read)})" if len(self.rows_read) <= 3 else f"in {len(self.rows_read)} files"),
            f"created: {self.total_created} ({_counter_text(self.created)})",
            f"updated: {self.total_updated} ({_counter_text(self.updated)})",
        ]
        if self.deleted:
            out.append(f"deleted: {sum(self.deleted.values())} ({_counter_text(self.deleted)})")
        reasons = Counter(r.reason.split(":")[0] for r in self.rejections)
        out.append(f"rejected: {len(self.rejections)}" + (f" ({_counter_text(reasons)})" if reasons else ""))
        for rejection in self.rejections[:max_rejections]:
            out.append(f"  {rejection}")
        if len(self.rejections) > max_rejections:
            out.append(f"  ... and {len(self.rejections) - max_rejections} more")
        return out


def _counter_text(counter: Counter) -> str:
    return ", ".join(f"{k}: {v}" for k, v in sorted(counter.items())) or "none"


def record_import(
    importer: str, started, report: ImportReport, course_ids, sender, details: dict | None = None
) -> None:
    """Call inside an import's transaction: log the run (sources.ImportRun) and, once
    the transaction commits, invalidate every cached answer and tell the listeners
    of ``data_imported`` (search, metrics) which courses changed."""
    from django.db import transaction
    from django.utils import timezone

    from berkeleytime.caching import bump_data_generation
    from berkeleytime.signals import data_imported

    from .models import ImportRun

    ImportRun.objects.create(
        importer=importer,
        started_at=started,
        finished_at=timezone.now(),
        rows_read=report.total_read,
        created=report.total_created,
        updated=report.total_updated,
        rejected=len(report.rejections),
        # As [kind, found] pairs: PostgreSQL's jsonb would reorder an object's keys.
        details=[[kind, found] for kind, found in (details or {}).items()],
    )
    transaction.on_commit(bump_data_generation)
    transaction.on_commit(
        lambda: data_imported.send(sender=sender, importer=importer, report=report, course_ids=course_ids)
    )


def assign_changed(instance, values: dict) -> bool:
    """Set ``values`` on a model instance; True when any of them differed (so it needs saving)."""
    changed = False
    for name, value in values.items():
        if getattr(instance, name) != value:
            setattr(instance, name, value)
            changed = True
    return changed


class ImportCommand(BaseCommand):
    """The frame every ``import_*`` command shares: --data-dir, a progress bar, the report, failure signalled.

    A subclass names itself and implements ``run``; its extra arguments come
    from ``add_arguments`` after ``super().add_arguments(parser)``.
    """

    importer: str  # the name sent with import_failed ("catalog", "grades", ...)
    unit_label: str  # what the progress bar counts ("catalog files")
    done: str  # the last line of a successful run

    def add_arguments(self, parser):
        parser.add_argument("--data-dir", type=Path, default=None, help="defaults to BT_DATA_DIR")
        parser.add_argument("--no-progress", action="store_true", help="no progress bar even on a terminal")

    def source(self, data_dir: Path, **options) -> str:
        """What the run reads, for its first line."""
        return str(data_dir)

    def run(self, data_dir: Path, report: ImportReport, progress, **options) -> Iterable[str]:
        """Import; return the summary lines to print after the report's."""
        raise NotImplementedError

    def handle(self, *args, data_dir: Path | None = None, no_progress: bool = False, **options):
        data_dir = Path(data_dir or settings.BT_DATA_DIR)
        report = ImportReport()
        show_bar = not no_progress and sys.stderr.isatty()

        def progress(items):
            return tqdm(items, desc=self.unit_label, unit="file", disable=not show_bar)

        self.stdout.write(f"Importing {self.source(data_dir, **options)}")
        try:
            with data_writes(f"import_{self.importer}", settings.DATA_LOCK_WAIT_SECONDS):
                summary = list(self.run(data_dir, report, progress, **options))
        except CommandError as error:
            import_failed.send(sender=self.__class__, importer=self.importer, error=error)
            raise
        for line in [*report.lines(), *summary]:
            self.stdout.write(line)
        self.stdout.write(self.style.SUCCESS(self.done))
