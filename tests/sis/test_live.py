"""A sync run by another process reaches a running server without Redis, within 15 seconds.

`make run` serves with no Redis: each gunicorn worker has its own cache. The sync
runs as its own process, as the CronJob does; the server must show its counts
without a restart. The processes share a database of their own (migrated, the
catalog imported), so the test's commits leave the shared test database alone.
"""

import datetime
import json
import os
import subprocess
import sys
import time

import psycopg
import pytest

from tests import server as test_server
from tests.server import BASE_DIR, served

DELAY_SECONDS = 15
COURSE_API = "/api/v1/courses/COMPSCI/61A/?term=summer-2026"


@pytest.fixture(scope="module")
def live_database():
    """A database of its own: migrated, with the data set's catalog; dropped afterwards."""
    url = test_server.test_database_url()
    base, _, name = url.rpartition("/")
    live = f"{name.split('?')[0].removeprefix('test_')}_sis_live"
    admin = psycopg.connect(f"{base}/postgres", autocommit=True)
    admin.execute(f'DROP DATABASE IF EXISTS "{live}" WITH (FORCE)')
    admin.execute(f'CREATE DATABASE "{live}"')
    live_url = f"{base}/{live}"
    try:
        manage("migrate", "--no-input", database_url=live_url)
        manage("import_catalog", "--no-progress", database_url=live_url)
        yield live_url
    finally:
        admin.execute(f'DROP DATABASE IF EXISTS "{live}" WITH (FORCE)')
        admin.close()


def manage(*args: str, database_url: str, sis_url: str = "") -> str:
    env = {
        **{k: v for k, v in os.environ.items() if k != "DJANGO_ALLOW_ASYNC_UNSAFE"},
        "DATABASE_URL": database_url,
        "REDIS_URL": "",
        "SIS_API_URL": sis_url,
        **{f"SIS_{api}_APP_{part}": value for api in ("TERM", "COURSE", "CLASS")
           for part, value in (("ID", "test-id"), ("KEY", "test-key"))},
    }  # fmt: skip
    done = subprocess.run(
        [sys.executable, "manage.py", *args], cwd=BASE_DIR, env=env, capture_output=True, text=True, timeout=600
    )
    assert done.returncode == 0, done.stderr
    return done.stdout


def lecture_counts(server) -> tuple:
    status, headers, body = server.get(COURSE_API)
    assert status == 200
    detail = json.loads(body)
    lecture = next(s for s in detail["sections"] if (s["kind"], s["number"]) == ("LEC", "001"))
    return lecture["enrolled"], lecture["capacity"], lecture["waitlisted"], detail["counts_as_of"], headers["X-Cache"]


def test_a_sync_in_another_process_reaches_a_server_without_redis(standin, live_database):
    # One worker, so that its cache is known to hold the answer before the sync.
    env = {"DEBUG": "false", "REDIS_URL": "", "DATABASE_URL": live_database}
    with served(env=env, workers=1) as server:
        # given the server has the files' counts cached
        before = [lecture_counts(server) for _ in range(3)]
        assert before[-1][4] == "hit"
        enrolled, capacity, *_ = before[-1]

        # when another process syncs the classes and then new counts
        manage("sis_sync", "classes", "--term", "summer-2026", "--no-progress",
               database_url=live_database, sis_url=standin.url)  # fmt: skip
        standin.control(
            "counts", course="COMPSCI 61A", kind="LEC", section="001",
            enrolled=enrolled + 17, capacity=capacity + 20, waitlisted=9,
        )  # fmt: skip
        manage("sis_sync", "enrollment", "--term", "summer-2026", "--no-progress",
               database_url=live_database, sis_url=standin.url)  # fmt: skip
        synced = time.monotonic()

        # then within 15 seconds its answers have them, with the sync's time
        while True:
            seen = [lecture_counts(server) for _ in range(3)]
            if all(counts[:3] == (enrolled + 17, capacity + 20, 9) for counts in seen):
                break
            assert time.monotonic() - synced < DELAY_SECONDS, f"still {seen[0]} after {DELAY_SECONDS} s"
            time.sleep(0.5)
        with psycopg.connect(live_database) as db:
            (as_of,) = db.execute(
                "SELECT as_of FROM sis_syncrun WHERE kind = 'enrollment' AND status = 'ok'"
            ).fetchone()
        assert {datetime.datetime.fromisoformat(counts[3]) for counts in seen} == {as_of}
        status, _, page = server.get("/courses/COMPSCI/61A/?term=summer-2026")
        assert status == 200
        assert "Seats as of" in page.decode()
