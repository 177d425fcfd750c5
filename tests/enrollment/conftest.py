import io

import pytest
from django.core.management import call_command


@pytest.fixture(scope="session")
def enrollment_data(django_db_setup, django_db_blocker) -> str:
    """The real enrollment history imported once per run into the test database
    (after the catalog, which tests/conftest.py imports); the importer's summary."""
    out = io.StringIO()
    with django_db_blocker.unblock():
        call_command("import_enrollment", "--no-progress", stdout=out)
    return out.getvalue()
