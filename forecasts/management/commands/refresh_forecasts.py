"""Recompute the coming term's fill forecasts from all the enrollment data there is.

    python manage.py refresh_forecasts

Imports and SIS enrollment syncs do this themselves (forecasts.receivers); run it after
editing a term's phase dates in the admin, or to see what the model makes of the data.
"""

from django.core.management.base import BaseCommand

from forecasts.services import refresh_forecasts


class Command(BaseCommand):
    help = "Recompute the coming term's fill forecasts."

    def handle(self, *args, **options):
        self.stdout.write(str(refresh_forecasts()))
