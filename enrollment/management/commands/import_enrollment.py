"""Usage: manage.py import_enrollment [--data-dir DIR] [--no-progress]

Imports the enrollment curves of history/courses-detail/*.json in the Berkeley
data set (BT_DATA_DIR): `enrollmentHistory` as Fall 2026, and Fall 2023, 2024
and 2025 from `enrollmentHistoryBySemester`. Run it after import_catalog: the
courses must exist. Points without a date are synthetic and rejected; several
snapshots of one day keep the day's last. Safe to re-run: a second run changes
nothing. A malformed file stops the run with file:line: reason and leaves the
database exactly as it was.
"""

import sys
from pathlib import Path

from django.conf import settings
from django.core.management.base import BaseCommand, CommandError
from tqdm import tqdm

from berkeleytime.importing import ImportReport
from berkeleytime.signals import import_failed
from enrollment.services import import_enrollment


class Command(BaseCommand):
    help = "Import enrollment history (Fall 2023 to Fall 2026) from the Berkeley data set (BT_DATA_DIR)."

    def add_arguments(self, parser):
        parser.add_argument("--data-dir", type=Path, default=None, help="defaults to BT_DATA_DIR")
        parser.add_argument("--no-progress", action="store_true", help="no progress bar even on a terminal")

    def handle(self, *args, data_dir: Path | None = None, no_progress: bool = False, **options):
        data_dir = Path(data_dir or settings.BT_DATA_DIR)
        report = ImportReport()
        show_bar = not no_progress and sys.stderr.isatty()

        def progress(paths):
            return tqdm(paths, desc="enrollment files", unit="file", disable=not show_bar)

        self.stdout.write(f"Importing enrollment history from {data_dir}")
        try:
            summary = import_enrollment(data_dir, report, progress)
        except CommandError as error:
            import_failed.send(sender=self.__class__, importer="enrollment", error=error)
            raise
        for line in [*report.lines(), *summary.lines()]:
            self.stdout.write(line)
        self.stdout.write(self.style.SUCCESS("Enrollment import finished."))
