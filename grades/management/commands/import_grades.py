"""Usage: manage.py import_grades [--data-dir DIR] [--format FORMAT] [--reviewed FILE] [FILE ...]

Imports grade distributions. With no FILE, every grade file of the Berkeley
data set in BT_DATA_DIR (formatted, CalAnswers, legacy and grade history);
each file's format is detected from its header unless --format names it.
Run import_catalog first: grades attach to catalog courses. Safe to re-run.
A malformed file stops the run with file:line: reason and changes nothing.
"""

from pathlib import Path

from grades.services import FORMATS, import_grades
from sources.importing import ImportCommand


class Command(ImportCommand):
    help = "Import grade distributions from the Berkeley data set or from the given files."
    importer, unit_label, done = "grades", "grade files", "Grade import finished."

    def add_arguments(self, parser):
        parser.add_argument("files", nargs="*", type=Path, help="grade files; default: all of BT_DATA_DIR")
        super().add_arguments(parser)
        parser.add_argument("--format", choices=FORMATS, default=None, help="skip detection: every file is this")
        parser.add_argument(
            "--reviewed",
            type=Path,
            default=None,
            help="reviewed instructor decisions (default: grades/reviewed/instructors.txt)",
        )

    def source(self, data_dir, files=(), **options):
        return f"grades from {', '.join(map(str, files)) if files else data_dir}"

    def run(self, data_dir, report, progress, files=(), format=None, reviewed=None, **options):
        importer = import_grades(data_dir, report, list(files) or None, format, progress, reviewed)
        if importer.withheld:
            yield f"withheld by the CalAnswers privacy rule: {importer.withheld} sections"
        if importer.superseded:
            detail = ", ".join(f"{source}: {n}" for source, n in sorted(importer.superseded.items()))
            yield f"superseded by a better source for the same course and term: {detail}"
        if importer.skipped_decisions:
            yield f"reviewed decisions skipped, about names no row writes: {'; '.join(importer.skipped_decisions)}"
