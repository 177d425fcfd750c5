"""Usage: manage.py import_all [--data-dir DIR]

Runs every importer in order over the Berkeley data set (BT_DATA_DIR): what
`make run` and the nightly import job do.
"""

from django.core.management import call_command
from django.core.management.base import BaseCommand

IMPORTERS = ["import_catalog", "import_grades", "import_enrollment"]


class Command(BaseCommand):
    help = "Import the whole Berkeley data set: catalog first, then everything that builds on it."

    def add_arguments(self, parser):
        parser.add_argument("--data-dir", default=None, help="defaults to BT_DATA_DIR")

    def handle(self, *args, data_dir=None, **options):
        for name in IMPORTERS:
            kwargs = {"data_dir": data_dir} if data_dir else {}
            call_command(name, stdout=self.stdout, stderr=self.stderr, **kwargs)
