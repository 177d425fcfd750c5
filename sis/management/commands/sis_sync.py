"""Usage: manage.py sis_sync terms|courses|classes|enrollment [--term TERM] [--open-terms] [--replay RUN]

Brings the site in line with UC Berkeley's SIS (SIS_API_URL, and each API's
SIS_<API>_APP_ID and SIS_<API>_APP_KEY):

- terms: the previous, current and next terms, with their dates and enrollment windows;
- courses: titles, descriptions, units, prerequisites and cross-listings;
- classes --term summer-2026 (or --term 2265): the term's sections, exactly as the SIS lists them;
  --current-terms instead syncs every term (with dates from `sis_sync terms`) that has not ended;
- enrollment --term summer-2026: the sections' counts, a point per course and section whose
  counts changed, and the day's point; --open-terms instead syncs every term whose enrollment
  window is open today, and does nothing when none is (what the 15-minute CronJob runs).

Every page is read and checked before anything is written, in one transaction. Refused
credentials, an error, a timeout, malformed JSON or a truncated page stop the run with a
one-line message and a non-zero exit, nothing changed; so does an answer that would remove
more than SIS_MAX_REMOVAL_SHARE of a term's sections. Each run's raw answers are kept
SIS_ARCHIVE_DAYS: --replay RUN writes what that run read again, without the network.
No two syncs or file imports write at once: a run waits up to DATA_LOCK_WAIT_SECONDS
for one in progress, then gives up with nothing changed.
"""

import sys

from django.conf import settings
from django.core.management.base import BaseCommand, CommandError
from django.utils import timezone
from tqdm import tqdm

from berkeleytime.db import data_writes
from sis import services
from sis.models import SyncRun
from sources.importing import ImportReport
from sources.terms import InvalidTerm


class Command(BaseCommand):
    help = "Sync terms, courses, classes or enrollment from UC Berkeley's SIS."

    def add_arguments(self, parser):
        parser.add_argument("kind", choices=sorted(services.SYNCS))
        parser.add_argument("--term", help="summer-2026, 'Summer 2026' or the SIS's 2265 (classes, enrollment)")
        parser.add_argument(
            "--open-terms", action="store_true", help="enrollment: every term open for enrollment today"
        )
        parser.add_argument(
            "--current-terms", action="store_true", help="classes, enrollment: every term that has not ended"
        )
        parser.add_argument("--replay", type=int, metavar="RUN", help="write a logged run's answers again")
        parser.add_argument("--no-progress", action="store_true", help="no progress bar even on a terminal")

    def handle(self, *args, kind, term=None, open_terms=False, current_terms=False, replay=None, no_progress=False,
               **options):  # fmt: skip
        replayed = None
        if replay is not None:
            replayed = SyncRun.objects.filter(pk=replay).first()
            if replayed is None or replayed.kind != kind:
                raise CommandError(f"no {kind} run {replay} to replay (see the dashboard or the SyncRun admin)")
            terms = [replayed.term] if replayed.term else [None]
        elif kind in ("classes", "enrollment"):
            terms = self.terms(kind, term, open_terms, current_terms)
            if not terms:
                self.stdout.write(
                    "No term is open for enrollment today: nothing to sync."
                    if open_terms
                    else "No term has SIS dates that have not passed (run sis_sync terms): nothing to sync."
                )
                return
        else:
            terms = [None]
        services.prune_archives(timezone.now())
        for chosen in terms:
            report = ImportReport()
            label = f"{kind}{f' of {chosen.name}' if chosen else ''}{f' (replaying run {replay})' if replay else ''}"
            self.stdout.write(f"SIS sync: {label}")
            show_bar = not no_progress and sys.stderr.isatty()

            def progress(pages, label=label, show_bar=show_bar):
                return tqdm(pages, desc=f"SIS {label}", unit="page", disable=not show_bar)

            with data_writes(f"sis_sync {kind}", settings.DATA_LOCK_WAIT_SECONDS):
                run = services.SYNCS[kind](report, chosen, replayed, progress).execute()
            for line in report.lines():
                self.stdout.write(line)
            self.stdout.write(self.style.SUCCESS(
                f"Run {run.pk}: {run.records_changed} records changed in {run.seconds:.1f} s."
            ))  # fmt: skip

    def terms(self, kind, term, open_terms, current_terms):
        if open_terms:
            if kind != "enrollment":
                raise CommandError("--open-terms is for the enrollment sync")
            return services.open_terms(timezone.localdate())
        if current_terms:
            return services.current_terms(timezone.localdate())
        if not term:
            raise CommandError(f"sis_sync {kind} needs --term (summer-2026 or 2265), --current-terms or --open-terms")
        try:
            return [services.term_for(term)]
        except InvalidTerm as exc:
            raise CommandError(f"--term: {exc}") from None
