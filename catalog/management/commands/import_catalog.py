"""Usage: manage.py import_catalog [--data-dir DIR] [--reviewed FILE]

Builds the catalog (subjects, terms, courses, aliases, cross-listings,
requirements, Summer 2026 sections) from the Berkeley data set in BT_DATA_DIR.
Safe to re-run: a second run changes nothing. A malformed file stops the run
with file:line: reason and leaves the database exactly as it was.
"""

from pathlib import Path

from catalog.importers.state import quality
from catalog.services import import_catalog
from sources.importing import ImportCommand


class Command(ImportCommand):
    help = "Import the course catalog from the Berkeley data set (BT_DATA_DIR)."
    importer, unit_label, done = "catalog", "catalog files", "Catalog import finished."

    def source(self, data_dir, **options):
        return f"the catalog from {data_dir}"

    def add_arguments(self, parser):
        super().add_arguments(parser)
        parser.add_argument(
            "--reviewed",
            type=Path,
            default=None,
            help="reviewed course decisions (default: catalog/reviewed/courses.txt)",
        )

    def run(self, data_dir, report, progress, reviewed=None, **options):
        state = import_catalog(data_dir, report, progress, reviewed)
        found = quality(state)
        yield (
            f"one course under several codes: {found['course lineages']['merged']} former codes merged into"
            f" their course, {found['cross-listings']['linked pairs']} cross-listing links in"
            f" {found['cross-listings']['groups']} groups, {found['candidates left apart']['pairs']} candidates"
            " left apart (manage.py course_candidates lists them)"
        )
        if state.skipped_decisions:
            yield f"reviewed decisions skipped, about courses no source lists: {'; '.join(state.skipped_decisions)}"
        if state.placeholders:
            yield f"placeholder sections hidden: {state.placeholders}"
