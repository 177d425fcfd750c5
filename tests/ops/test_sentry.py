"""Errors reach Sentry, tagged with the environment and the release, only when SENTRY_DSN is
set. A local stub HTTP server poses as Sentry's ingest endpoint."""

import gzip
import json
import os
import subprocess
import sys
from pathlib import Path

import pytest

from tests.server import free_port, served

from .conftest import stub_server

BASE_DIR = Path(__file__).resolve().parents[2]


def staging_env(static_root: Path, **extra) -> dict:
    return {
        "BT_ENVIRONMENT": "staging",
        "SECRET_KEY": "sentry-test-only-" + "x" * 40,
        "ALLOWED_HOSTS": "127.0.0.1",
        "SECURE_SSL_REDIRECT": "false",
        "STATIC_ROOT": str(static_root),
        **extra,
    }


@pytest.fixture(scope="module")
def static_root(tmp_path_factory) -> Path:
    """Static files collected as the image collects them (staging pages need the manifest)."""
    root = tmp_path_factory.mktemp("static")
    subprocess.run(
        [sys.executable, "manage.py", "collectstatic", "--no-input", "-v", "0"],
        cwd=BASE_DIR, env={**os.environ, **staging_env(root)}, check=True, timeout=180,
    )  # fmt: skip
    return root


def envelope_items(request: dict) -> list[tuple[dict, dict]]:
    """(item header, payload) of each item of a Sentry envelope."""
    body = request["body"]
    if request["headers"].get("Content-Encoding") == "gzip":
        body = gzip.decompress(body)
    lines = body.decode().split("\n")
    items = []
    for index in range(1, len(lines) - 1, 2):
        if lines[index].strip():
            items.append((json.loads(lines[index]), json.loads(lines[index + 1])))
    return items


@pytest.mark.django_db
def test_a_database_outage_reaches_sentry_with_environment_and_release(static_root):
    # A student gets the 503 page (DatabaseOutageMiddleware); the operators get the error.
    dead_database = f"postgres://postgres@127.0.0.1:{free_port()}/nothing"
    with stub_server(status=200, body=b'{"id": "ok"}') as sentry:
        dsn = f"http://publickey@{sentry.url.removeprefix('http://')}/42"
        env = staging_env(static_root, SENTRY_DSN=dsn, BT_RELEASE="0a1b2c3", DATABASE_URL=dead_database)
        with served(env=env) as server:
            status, headers, _ = server.get("/courses/COMPSCI/61A/")
            assert (status, headers.get("Retry-After")) == (503, "5")
            assert sentry.received.wait(15), "no event reached the stub within 15 s:\n" + server.log()

    request = sentry.requests[0]
    assert request["path"] == "/api/42/envelope/"
    assert "sentry_key=publickey" in request["headers"]["X-Sentry-Auth"]
    events = [payload for header, payload in envelope_items(request) if header.get("type") == "event"]
    assert events, envelope_items(request)
    event = events[0]
    assert event["environment"] == "staging"
    assert event["release"] == "0a1b2c3"
    assert event["exception"]["values"][-1]["type"] == "OperationalError"
    assert event["request"]["url"].endswith("/courses/COMPSCI/61A/")
    # no personal data: no cookies and no client address
    assert "cookies" not in event["request"]
    assert "ip_address" not in event.get("user", {})


@pytest.mark.parametrize(("dsn", "active"), [("", "False"), ("http://publickey@127.0.0.1:9/42", "True")])
def test_sentry_is_only_started_when_a_dsn_is_set(dsn, active):
    code = "import django; django.setup(); import sentry_sdk; print(sentry_sdk.get_client().is_active())"
    result = subprocess.run(
        [sys.executable, "-c", code],
        cwd=BASE_DIR,
        env={**os.environ, "DJANGO_SETTINGS_MODULE": "berkeleytime.settings", "SENTRY_DSN": dsn},
        capture_output=True, text=True, timeout=60, check=True,
    )  # fmt: skip
    assert result.stdout.strip() == active
