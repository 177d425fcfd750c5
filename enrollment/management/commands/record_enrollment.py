"""Usage: manage.py record_enrollment [--date YYYY-MM-DD]

Takes the day's enrollment snapshot: for every term whose sections the catalog
lists, one point per course (its primary sections' totals) and one per section,
from the enrolled, capacity and waitlist counts in the database. Run nightly,
after the import that refreshes the sections, it builds the history going
forward. Idempotent per day: a second run on the same day updates that day's
points instead of adding more.
"""

import datetime

from django.core.management.base import BaseCommand, CommandError
from django.utils import timezone

from berkeleytime.signals import import_failed
from enrollment.services import record_enrollment
from sources.importing import ImportReport


def _date(value: str) -> datetime.date:
    try:
        return datetime.date.fromisoformat(value)
    except ValueError:
        raise CommandError(f"--date {value!r} is not YYYY-MM-DD") from None


class Command(BaseCommand):
    help = "Record today's enrollment point for every course and section of the current terms."

    def add_arguments(self, parser):
        parser.add_argument("--date", default=None, help="the day to record (default: today, in TIME_ZONE)")

    def handle(self, *args, date: str | None = None, **options):
        day = _date(date) if date else timezone.localdate()
        report = ImportReport()
        try:
            terms = record_enrollment(day, report)
        except CommandError as error:
            import_failed.send(sender=self.__class__, importer="record_enrollment", error=error)
            raise
        if not terms:
            self.stdout.write("No term has sections in the catalog: nothing to record.")
            return
        self.stdout.write(f"Enrollment on {day.isoformat()} for {', '.join(t.name for t in terms)}")
        for line in report.lines():
            self.stdout.write(line)
        self.stdout.write(self.style.SUCCESS("Enrollment recorded."))
