import io

import pytest
from django.core.cache import cache
from django.core.management import call_command

from berkeleytime.caching import reset_local_cache
from tests.server import served


@pytest.fixture(scope="session")
def django_db_setup(django_db_setup, django_db_blocker):
    """The test database holds the real catalog, imported once per run from BT_DATA_DIR."""
    with django_db_blocker.unblock():
        call_command("import_catalog", "--no-progress", stdout=io.StringIO())


@pytest.fixture(autouse=True)
def _empty_cache():
    """Each test starts with an empty cache (the tests' own Redis database)."""
    cache.clear()
    reset_local_cache()
    yield
    cache.clear()
    reset_local_cache()


@pytest.fixture(scope="session")
def site(django_db_setup, django_db_blocker):
    """The app served by gunicorn over the test database, DEBUG off as in production."""
    with served(env={"DEBUG": "false"}) as server:
        yield server
