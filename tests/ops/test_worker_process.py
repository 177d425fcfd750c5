"""The deploy worker as the chart runs it: its own process, answering the kubelet's probes."""

import json
import os
import subprocess
import sys
import time
import urllib.error
import urllib.request

import pytest

from tests import server as test_server
from tests.server import BASE_DIR, free_port

pytestmark = pytest.mark.django_db


def get(url: str) -> tuple[int, dict]:
    try:
        with urllib.request.urlopen(url, timeout=5) as response:
            return response.status, json.load(response)
    except urllib.error.HTTPError as error:
        return error.code, json.load(error)


@pytest.mark.parametrize(("database_up", "ready"), [(True, 200), (False, 503)])
def test_the_worker_answers_its_probes(database_up, ready, tmp_path):
    port = free_port()
    database = test_server.test_database_url() if database_up else f"postgres://postgres@127.0.0.1:{free_port()}/x"
    env = {**os.environ, "DATABASE_URL": database, "DEPLOY_DRY_RUN": "true"}
    log = (tmp_path / "worker.log").open("wb")
    worker = subprocess.Popen(
        [sys.executable, "manage.py", "deploy_worker", "--probe-port", str(port), "--poll-interval", "0.5"],
        cwd=BASE_DIR, env=env, stdout=log, stderr=subprocess.STDOUT,
    )  # fmt: skip
    try:
        deadline = time.monotonic() + 30
        while True:
            try:
                live = get(f"http://127.0.0.1:{port}/livez")
                break
            except OSError:
                assert worker.poll() is None or not database_up, (tmp_path / "worker.log").read_text()
                assert time.monotonic() < deadline, (tmp_path / "worker.log").read_text()
                time.sleep(0.2)
        assert live == (200, {"status": "ok"})
        status, body = get(f"http://127.0.0.1:{port}/readyz")
        assert status == ready, body
        if not database_up:
            assert "database" in body
    finally:
        worker.terminate()
        assert worker.wait(timeout=15) in (0, 1, -15)
        log.close()
