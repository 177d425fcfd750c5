"""Usage: manage.py import_catalog [--data-dir DIR]

Builds the catalog (subjects, terms, courses, aliases, cross-listings,
requirements, Summer 2026 sections) from the Berkeley data set in BT_DATA_DIR.
Safe to re-run: a second run changes nothing. A malformed file stops the run
with file:line: reason and leaves the database exactly as it was.
"""

from catalog.services import import_catalog
from sources.importing import ImportCommand


class Command(ImportCommand):
    help = "Import the course catalog from the Berkeley data set (BT_DATA_DIR)."
    importer, unit_label, done = "catalog", "catalog files", "Catalog import finished."

    def source(self, data_dir, **options):
        return f"the catalog from {data_dir}"

    def run(self, data_dir, report, progress, **options):
        import_catalog(data_dir, report, progress)
        return []
