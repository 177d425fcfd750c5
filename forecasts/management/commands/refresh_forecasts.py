"""Recompute the coming term's fill forecasts from all the enrollment data there is.

    python manage.py refresh_forecasts [--term fall-2026]

Imports and SIS enrollment syncs do this themselves (forecasts.receivers); run it after
editing a term's phase dates in the admin, or to see what the model makes of the data.
"""

from django.core.management.base import BaseCommand, CommandError

from catalog.selectors import UnknownTerm, term_by_slug
from forecasts.services import refresh_forecasts


class Command(BaseCommand):
    help = "Recompute the coming term's fill forecasts."

    def add_arguments(self, parser):
        parser.add_argument("--term", help="Term slug like fall-2026 (default: the term being enrolled in)")

    def handle(self, *args, term=None, **options):
        chosen = None
        if term:
            try:
                chosen = term_by_slug(term)
            except UnknownTerm as exc:
                raise CommandError(str(exc)) from None
        self.stdout.write(str(refresh_forecasts(chosen)))
