"""A real stand-in SIS process for the sync tests, started once per run."""

import json
import os
import subprocess
import sys
import time
import urllib.request

import pytest
from django.conf import settings as django_settings

from tests.server import BASE_DIR, free_port

CREDENTIALS = dict.fromkeys(("term", "course", "class"), ("test-id", "test-key"))


class StandIn:
    def __init__(self, port: int, process: subprocess.Popen):
        self.port, self.process = port, process
        self.url = f"http://127.0.0.1:{port}"

    def control(self, what: str, **body) -> dict:
        request = urllib.request.Request(
            f"{self.url}/_standin/{what}", data=json.dumps(body).encode(), method="POST",
            headers={"Content-Type": "application/json"},
        )  # fmt: skip
        with urllib.request.urlopen(request, timeout=10) as answer:
            return json.loads(answer.read())

    def get(self, path: str, params: str = "", credentials=("test-id", "test-key")) -> tuple[int, dict]:
        request = urllib.request.Request(
            f"{self.url}{path}?{params}", headers=dict(zip(("app_id", "app_key"), credentials, strict=True))
        )
        try:
            with urllib.request.urlopen(request, timeout=10) as answer:
                return answer.status, json.loads(answer.read())
        except urllib.error.HTTPError as error:
            return error.code, json.loads(error.read() or b"{}")


@pytest.fixture(scope="session")
def standin_process():
    port = free_port()
    process = subprocess.Popen(
        [sys.executable, "-m", "sources.sis.standin", "--port", str(port), "--data-dir", str(django_settings.BT_DATA_DIR),
         "--app-id", "test-id", "--app-key", "test-key"],
        cwd=BASE_DIR, stdout=subprocess.PIPE, stderr=subprocess.STDOUT, env={**os.environ},
    )  # fmt: skip
    server = StandIn(port, process)
    deadline = time.monotonic() + 30
    while True:
        try:
            server.control("reset")
            break
        except OSError:
            if process.poll() is not None or time.monotonic() > deadline:
                raise RuntimeError(f"the stand-in SIS did not start: {process.stdout.read().decode()}") from None
            time.sleep(0.2)
    yield server
    process.terminate()
    process.wait(timeout=10)


@pytest.fixture
def standin(standin_process, settings):
    """The stand-in as the data set gives it, and the settings that point the sync at it."""
    standin_process.control("reset")
    settings.SIS_API_URL = standin_process.url
    settings.SIS_CREDENTIALS = CREDENTIALS
    settings.SIS_TIMEOUT_SECONDS = 2.0
    yield standin_process
    standin_process.control("reset")
