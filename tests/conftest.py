import io
import os

import pytest
from django.core.cache import cache
from django.core.management import call_command

from berkeleytime.caching import reset_local_cache
from tests.accounts.oidc import oidc_provider, oidc_settings, oidc_site  # noqa: F401 - fixtures for every test
from tests.browser import chromium
from tests.server import served

# Playwright's synchronous API keeps an event loop in the test thread; Django
# would otherwise refuse database access from a thread with a running loop.
os.environ.setdefault("DJANGO_ALLOW_ASYNC_UNSAFE", "true")


@pytest.fixture(scope="session")
def django_db_setup(django_db_setup, django_db_blocker):
    """The test database holds the real catalog and grades, imported once per run from BT_DATA_DIR."""
    from django.db import connection

    assert connection.settings_dict["NAME"].startswith("test_"), "refusing to import into a non-test database"
    with django_db_blocker.unblock():
        call_command("import_catalog", "--no-progress", stdout=io.StringIO())
        call_command("import_grades", "--no-progress", stdout=io.StringIO())
    yield
    # Servers and worker processes the tests started have stopped, but their
    # connections may linger a moment; end them so the test database can be dropped.
    with django_db_blocker.unblock(), connection.cursor() as cursor:
        cursor.execute(
            "SELECT pg_terminate_backend(pid) FROM pg_stat_activity"
            " WHERE datname = current_database() AND pid <> pg_backend_pid()"
        )


@pytest.fixture(scope="session")
def enrollment_data(django_db_setup, django_db_blocker) -> str:
    """The real enrollment history imported once per run into the test database
    (after the catalog); the importer's summary."""
    out = io.StringIO()
    with django_db_blocker.unblock():
        call_command("import_enrollment", "--no-progress", stdout=out)
    return out.getvalue()


@pytest.fixture(autouse=True)
def _empty_cache():
    """Each test starts with an empty cache (the tests' own Redis database)."""
    cache.clear()
    reset_local_cache()
    yield
    cache.clear()
    reset_local_cache()


@pytest.fixture
def admin_client(admin_user):
    """A staff superuser's client on the dashboard host, the only host that serves the admin."""
    from django.conf import settings
    from django.test import Client

    client = Client(HTTP_HOST=settings.BT_DASHBOARD_HOST)
    client.force_login(admin_user)
    return client


@pytest.fixture(scope="session")
def site(django_db_setup, django_db_blocker):
    """The app served by gunicorn over the test database, DEBUG off as in production."""
    with served(env={"DEBUG": "false"}) as server:
        yield server


@pytest.fixture(scope="module")
def browser():
    """Real Chromium, one per test module."""
    with chromium() as browser:
        yield browser
