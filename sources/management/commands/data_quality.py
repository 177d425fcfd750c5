"""Usage: manage.py data_quality

For each kind of anomaly the importers handle, how many the last imports
found and what became of them (merged, linked, split, hidden, left alone),
then the checks of the database that must find nothing. Exits with 1 when a
check finds something, so a regression shows in one command.
"""

from django.core.management.base import BaseCommand, CommandError

from sources import quality
from sources.models import ImportRun


class Command(BaseCommand):
    help = "What the imports found in the data and decided, and checks that must find nothing."

    def handle(self, *args, **options):
        latest = ImportRun.objects.order_by("importer", "-finished_at").distinct("importer")
        for run in sorted(latest, key=lambda r: r.finished_at):
            if not run.details:
                continue
            self.stdout.write(self.style.MIGRATE_HEADING(f"{run.importer} import, {run.finished_at:%Y-%m-%d %H:%M}"))
            details = run.details.items() if isinstance(run.details, dict) else run.details
            for kind, found in details:
                self.stdout.write(f"  {kind}: {_describe(found)}")
        self.stdout.write(self.style.MIGRATE_HEADING("Checks of the database (each should find 0)"))
        failed = []
        for check in quality.checks():
            count = check.count()
            line = f"  {check.label}: {count:,}"
            self.stdout.write(self.style.ERROR(line) if count else line)
            if count:
                failed.append(check.label)
        if failed:
            raise CommandError(f"{len(failed)} check(s) found anomalies: {'; '.join(failed)}")
        self.stdout.write(self.style.SUCCESS("Every check passed."))


def _describe(found) -> str:
    if isinstance(found, dict):
        parts = []
        for key, value in found.items():
            if isinstance(value, dict):
                if value:
                    parts.append(f"{key} ({', '.join(f'{k} {_number(v)}' for k, v in value.items())})")
            else:
                parts.append(f"{key} {_number(value)}")
        return "; ".join(parts) or "none"
    return _number(found)


def _number(value) -> str:
    return f"{value:,}" if isinstance(value, int) else str(value)
