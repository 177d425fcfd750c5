"""Usage: manage.py infer_phases

Infers every term's enrollment phases (Phase 1, Phase 2, adjustment period) from
the enrollment points in the database: the days on which enrollment summed over
every course jumps (enrollment/phases.py has the rule). Terms whose dates staff
set in the admin are left as they are. import_enrollment and the SIS enrollment
sync run it for the terms they wrote; this command is for running it by hand.
Safe to re-run: a second run changes nothing.
"""

from django.conf import settings
from django.core.management.base import BaseCommand

from berkeleytime.db import data_writes
from enrollment.phases import RULE, infer_all


class Command(BaseCommand):
    help = "Infer each term's enrollment phase dates from the enrollment data (staff-set terms are left alone)."

    def handle(self, *args, **options):
        with data_writes("infer_phases", settings.DATA_LOCK_WAIT_SECONDS):
            lines = infer_all()
        self.stdout.write(f"The rule: {RULE}")
        for line in lines or ["no term has enrollment data"]:
            self.stdout.write(line)
        self.stdout.write(f"terms changed: {sum(line.endswith('(changed)') for line in lines)}")
        self.stdout.write(self.style.SUCCESS("Phases inferred."))
