"""Production logs as the image writes them: every line on stdout one JSON object, requests
with their id, gunicorn's own lines included."""

import json
import os
import sys
from pathlib import Path

import pytest

from tests.server import served

VENV_BIN = str(Path(sys.executable).parent)


@pytest.mark.django_db
def test_every_line_the_entrypoint_writes_is_one_json_object(django_db_setup, tmp_path):
    env = {
        "PATH": f"{VENV_BIN}{os.pathsep}{os.environ['PATH']}",
        "BT_ENVIRONMENT": "production",
        "SECRET_KEY": "logs-test-only-" + "k" * 40,
        "ALLOWED_HOSTS": "berkeleytime.com,127.0.0.1",
        "SECURE_SSL_REDIRECT": "false",
        "WEB_CONCURRENCY": "2",
        # the image's collected static files; an empty folder here (only JSON is requested)
        "STATIC_ROOT": str(tmp_path),
    }
    command = ["env", "PORT={port}", "BIND_HOST=127.0.0.1", "bash", "docker-entrypoint.sh"]
    with served(command=command, env=env) as server:
        status, headers, _ = server.get("/api/v1/courses/COMPSCI/61A/", headers={"X-Request-ID": "trace-7"})
        assert status == 200
        assert headers["X-Request-ID"] == "trace-7"
        assert server.get("/no/such/page/", headers={"Accept": "application/json"})[0] == 404

    lines = [line for line in server.log().splitlines() if line.strip()]
    records = []
    for line in lines:
        try:
            records.append(json.loads(line))
        except json.JSONDecodeError:
            pytest.fail(f"not a JSON line: {line!r}")
    assert all({"time", "level", "logger", "message"} <= record.keys() for record in records)
    loggers = {record["logger"] for record in records}
    assert "gunicorn.error" in loggers, "gunicorn's own lines are JSON too"
    access = next(record for record in records if record.get("request_id") == "trace-7")
    assert (access["logger"], access["method"], access["status"]) == ("berkeleytime.access", "GET", 200)
    assert access["path"] == "/api/v1/courses/COMPSCI/61A/"
    assert access["duration_ms"] > 0
    # one access line per request: gunicorn's own access log is off
    assert sum(1 for record in records if record.get("request_id") == "trace-7") == 1
