"""Usage: manage.py import_enrollment [--data-dir DIR] [--no-progress]

Imports the enrollment curves of history/courses-detail/*.json in the Berkeley
data set (BT_DATA_DIR): `enrollmentHistory` as Fall 2026, and Fall 2023, 2024
and 2025 from `enrollmentHistoryBySemester`. Run it after import_catalog: the
courses must exist. Points without a date are synthetic and rejected; several
snapshots of one day keep the day's last. Safe to re-run: a second run changes
nothing. A malformed file stops the run with file:line: reason and leaves the
database exactly as it was.
"""

from enrollment.services import import_enrollment
from sources.importing import ImportCommand


class Command(ImportCommand):
    help = "Import enrollment history (Fall 2023 to Fall 2026) from the Berkeley data set (BT_DATA_DIR)."
    importer, unit_label, done = "enrollment", "enrollment files", "Enrollment import finished."

    def source(self, data_dir, **options):
        return f"enrollment history from {data_dir}"

    def run(self, data_dir, report, progress, **options):
        return import_enrollment(data_dir, report, progress).lines()
