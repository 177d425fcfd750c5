"""Usage: manage.py refresh_waitlist_odds

Recomputes every course's waitlist movement per term from the enrollment points
(waitlists/movement.py has the estimate) and refits the model answers use
(waitlists/odds.py). Enrollment imports and SIS syncs do this for the courses they
changed; this command is for running it by hand. Safe to re-run.
"""

from django.conf import settings
from django.core.management.base import BaseCommand

from berkeleytime.db import data_writes
from waitlists.services import refresh


class Command(BaseCommand):
    help = "Recompute the stored waitlist movements and refit the waitlist odds model."

    def handle(self, *args, **options):
        with data_writes("refresh_waitlist_odds", settings.DATA_LOCK_WAIT_SECONDS):
            lines = refresh()
        for line in lines:
            self.stdout.write(line)
        self.stdout.write(self.style.SUCCESS("Waitlist odds refreshed."))
