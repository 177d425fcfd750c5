"""Usage: manage.py import_catalog [--data-dir DIR]

Builds the catalog (subjects, terms, courses, aliases, cross-listings,
requirements, Summer 2026 sections) from the Berkeley data set in BT_DATA_DIR.
Safe to re-run: a second run changes nothing. A malformed file stops the run
with file:line: reason and leaves the database exactly as it was.
"""

import sys
from pathlib import Path

from django.conf import settings
from django.core.management.base import BaseCommand, CommandError
from tqdm import tqdm

from berkeleytime.importing import ImportReport
from berkeleytime.signals import import_failed
from catalog.services import import_catalog


class Command(BaseCommand):
    help = "Import the course catalog from the Berkeley data set (BT_DATA_DIR)."

    def add_arguments(self, parser):
        parser.add_argument("--data-dir", type=Path, default=None, help="defaults to BT_DATA_DIR")
        parser.add_argument("--no-progress", action="store_true", help="no progress bar even on a terminal")

    def handle(self, *args, data_dir: Path | None = None, no_progress: bool = False, **options):
        data_dir = data_dir or settings.BT_DATA_DIR
        report = ImportReport()
        show_bar = not no_progress and sys.stderr.isatty()

        def progress(tasks):
            return tqdm(tasks, desc="catalog files", unit="file", disable=not show_bar)

        self.stdout.write(f"Importing the catalog from {data_dir}")
        try:
            import_catalog(Path(data_dir), report, progress)
        except CommandError as error:
            import_failed.send(sender=self.__class__, importer="catalog", error=error)
            raise
        for line in report.lines():
            self.stdout.write(line)
        self.stdout.write(self.style.SUCCESS("Catalog import finished."))
