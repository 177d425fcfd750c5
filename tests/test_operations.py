"""Probes, settings, logs and outages, against the app served by gunicorn."""

import json
import os
import subprocess
import sys
from pathlib import Path

import pytest

from tests.server import free_port, served

BASE_DIR = Path(__file__).resolve().parent.parent

pytestmark = pytest.mark.django_db


def test_livez_and_readyz_answer_when_everything_is_up(site):
    status, _, body = site.get("/livez")
    assert (status, json.loads(body)) == (200, {"status": "ok"})
    status, _, body = site.get("/readyz")
    assert status == 200
    assert json.loads(body)["checks"]["database"] == "ok"


def test_every_response_carries_a_request_id(site):
    _, headers, _ = site.get("/livez")
    assert len(headers["X-Request-ID"]) == 32
    _, headers, _ = site.get("/livez", headers={"X-Request-ID": "trace-abc.123"})
    assert headers["X-Request-ID"] == "trace-abc.123"
    _, headers, _ = site.get("/livez", headers={"X-Request-ID": "bad id with spaces"})
    assert headers["X-Request-ID"] != "bad id with spaces"


def test_readyz_is_503_when_the_database_is_unreachable():
    dead = f"postgres://postgres@127.0.0.1:{free_port()}/nothing"
    with served(env={"DATABASE_URL": dead}) as server:
        assert server.get("/livez")[0] == 200
        status, _, body = server.get("/readyz")
        assert status == 503
        assert json.loads(body)["status"] == "unavailable"
        assert "database" in json.loads(body)["checks"]


def test_a_redis_outage_costs_cache_hits_not_requests(django_db_setup):
    dead_redis = f"redis://127.0.0.1:{free_port()}/0"
    with served(env={"REDIS_URL": dead_redis}) as server:
        for page in (1, 2, 1):
            status, _, body = server.get(f"/api/v1/courses/?subject=COMPSCI&page={page}")
            assert status == 200
            assert json.loads(body)["count"] > 0
        assert server.get("/courses/COMPSCI/61A/")[0] == 200
        # the pod stays in the Service: it can serve, Redis is only reported
        status, _, body = server.get("/readyz")
        assert status == 200
        assert json.loads(body)["informational"]["redis"] != "ok"


def test_redis_serves_repeated_reads(site):
    first = site.get("/api/v1/courses/?subject=MATH&page=2")
    second = site.get("/api/v1/courses/?subject=MATH&page=2")
    assert first[2] == second[2]
    assert second[1]["X-Cache"] == "hit"


def _settings_check(env: dict) -> subprocess.CompletedProcess:
    environment = {
        k: v for k, v in os.environ.items() if k not in ("SECRET_KEY", "ALLOWED_HOSTS", "DJANGO_ALLOW_ASYNC_UNSAFE")
    }
    return subprocess.run(
        [sys.executable, "manage.py", "check", "--deploy", "--fail-level", "WARNING"],
        cwd=BASE_DIR, env={**environment, **env}, capture_output=True, text=True, timeout=120,
    )  # fmt: skip


@pytest.mark.parametrize("missing", ["SECRET_KEY", "ALLOWED_HOSTS"])
def test_production_refuses_to_start_without_its_secrets(missing):
    env = {"BT_ENVIRONMENT": "production", "SECRET_KEY": "x" * 60, "ALLOWED_HOSTS": "berkeleytime.com"}
    del env[missing]
    result = _settings_check(env)
    assert result.returncode != 0
    assert f"{missing} must be set in the environment when BT_ENVIRONMENT=production" in result.stderr


def test_production_settings_pass_the_deploy_check():
    result = _settings_check(
        {"BT_ENVIRONMENT": "production", "SECRET_KEY": "k" * 30 + "Q9z!" * 10, "ALLOWED_HOSTS": "berkeleytime.com"}
    )
    assert result.returncode == 0, result.stdout + result.stderr
    assert "no issues" in result.stdout


def test_production_logs_are_json_lines_with_request_ids(django_db_setup, tmp_path):
    collected = tmp_path / "static"
    env = {
        "BT_ENVIRONMENT": "production",
        "SECRET_KEY": "s" * 50,
        "ALLOWED_HOSTS": "127.0.0.1",
        "SECURE_SSL_REDIRECT": "false",
        "STATIC_ROOT": str(collected),
    }
    subprocess.run(
        [sys.executable, "manage.py", "collectstatic", "--no-input", "-v", "0"],
        cwd=BASE_DIR, env={**os.environ, **env}, check=True, timeout=120,
    )  # fmt: skip
    with served(env=env) as server:
        status, headers, _ = server.get("/api/v1/courses/COMPSCI/61A/", headers={"X-Request-ID": "req-42"})
        assert status == 200
        assert server.get("/")[0] == 200
    lines = [json.loads(line) for line in server.log().splitlines() if line.startswith("{")]
    access = [line for line in lines if line.get("logger") == "berkeleytime.access"]
    mine = next(line for line in access if line["request_id"] == "req-42")
    assert mine["method"] == "GET"
    assert mine["path"] == "/api/v1/courses/COMPSCI/61A/"
    assert mine["status"] == 200
    assert isinstance(mine["duration_ms"], float)
    assert {"time", "level", "logger", "message"} <= set(mine)
