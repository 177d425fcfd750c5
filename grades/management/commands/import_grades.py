"""Usage: manage.py import_grades [--data-dir DIR] [--format FORMAT] [FILE ...]

Imports grade distributions. With no FILE, every grade file of the Berkeley
data set in BT_DATA_DIR (formatted, CalAnswers, legacy and grade history);
each file's format is detected from its header unless --format names it.
Run import_catalog first: grades attach to catalog courses. Safe to re-run.
A malformed file stops the run with file:line: reason and changes nothing.
"""

import sys
from pathlib import Path

from django.conf import settings
from django.core.management.base import BaseCommand, CommandError
from tqdm import tqdm

from berkeleytime.importing import ImportReport
from berkeleytime.signals import import_failed
from grades.services import FORMATS, import_grades


class Command(BaseCommand):
    help = "Import grade distributions from the Berkeley data set or from the given files."

    def add_arguments(self, parser):
        parser.add_argument("files", nargs="*", type=Path, help="grade files; default: all of BT_DATA_DIR")
        parser.add_argument("--data-dir", type=Path, default=None, help="defaults to BT_DATA_DIR")
        parser.add_argument("--format", choices=FORMATS, default=None, help="skip detection: every file is this")
        parser.add_argument("--no-progress", action="store_true", help="no progress bar even on a terminal")

    def handle(self, *args, files=(), data_dir=None, format=None, no_progress=False, **options):
        data_dir = Path(data_dir or settings.BT_DATA_DIR)
        report = ImportReport()
        show_bar = not no_progress and sys.stderr.isatty()

        def progress(items):
            return tqdm(items, desc="grade files", unit="file", disable=not show_bar)

        self.stdout.write(f"Importing grades from {', '.join(map(str, files)) if files else data_dir}")
        try:
            importer = import_grades(data_dir, report, list(files) or None, format, progress)
        except CommandError as error:
            import_failed.send(sender=self.__class__, importer="grades", error=error)
            raise
        for line in report.lines():
            self.stdout.write(line)
        if importer.withheld:
            self.stdout.write(f"withheld by the CalAnswers privacy rule: {importer.withheld} sections")
        if importer.superseded:
            detail = ", ".join(f"{source}: {n}" for source, n in sorted(importer.superseded.items()))
            self.stdout.write(f"superseded by a better source for the same course and term: {detail}")
        self.stdout.write(self.style.SUCCESS("Grade import finished."))
