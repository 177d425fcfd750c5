"""Per-client API rate limits (berkeleytime.ratelimit): in process, and served by gunicorn over Redis."""

import contextlib
import json
import subprocess
import time

import pytest
from django.test import Client, override_settings

from tests.server import free_port, served

pytestmark = pytest.mark.django_db

SMALL = {"burst": "5/min", "sustained": "100/hour"}
API = "/api/v1/courses/?subject=COMPSCI"


@override_settings(API_RATE_LIMITS_ENABLED=True, API_RATE_LIMITS=SMALL)
def test_a_client_over_the_burst_gets_429_with_retry_after_and_others_do_not():
    client = Client(REMOTE_ADDR="203.0.113.10")
    # answers served from the response cache count as well
    assert [client.get(API).status_code for _ in range(5)] == [200] * 5
    refused = client.get(API)
    assert refused.status_code == 429
    assert 1 <= int(refused["Retry-After"]) <= 60
    body = refused.json()
    assert body["limit"] == "burst"
    assert "5/min" in body["detail"]
    # another client is not affected, and pages are not limited
    assert Client(REMOTE_ADDR="203.0.113.11").get(API).status_code == 200
    assert client.get("/courses/COMPSCI/61A/").status_code == 200


@override_settings(API_RATE_LIMITS_ENABLED=True, API_RATE_LIMITS=SMALL, TRUSTED_PROXY_COUNT=1)
def test_behind_the_ingress_a_forged_forwarded_for_neither_evades_nor_merges_clients():
    ingress = Client(REMOTE_ADDR="10.0.0.7")
    answers = [ingress.get(API, HTTP_X_FORWARDED_FOR=f"198.51.100.{n}, 203.0.113.20").status_code for n in range(6)]
    assert answers == [200] * 5 + [429]
    # another client behind the same ingress has its own count
    assert ingress.get(API, HTTP_X_FORWARDED_FOR="203.0.113.21").status_code == 200


@override_settings(API_RATE_LIMITS_ENABLED=False, API_RATE_LIMITS=SMALL)
def test_limits_switched_off_refuse_nothing():
    client = Client(REMOTE_ADDR="203.0.113.30")
    assert {client.get(API).status_code for _ in range(8)} == {200}


@contextlib.contextmanager
def own_redis():
    port = free_port()
    process = subprocess.Popen(
        ["redis-server", "--port", str(port), "--bind", "127.0.0.1", "--save", "", "--appendonly", "no"],
        stdout=subprocess.DEVNULL,
    )
    try:
        deadline = time.monotonic() + 20
        while subprocess.run(["redis-cli", "-p", str(port), "ping"], capture_output=True).stdout.strip() != b"PONG":
            assert time.monotonic() < deadline, "redis-server did not start"
            time.sleep(0.1)
        yield process, f"redis://127.0.0.1:{port}/0"
    finally:
        process.kill()
        process.wait()


def test_workers_share_counts_in_redis_and_each_counts_alone_when_redis_is_down(django_db_setup):
    env = {"API_RATE_LIMITS": "true", "API_RATE_BURST": "6/min", "TRUSTED_PROXY_COUNT": "1"}
    with own_redis() as (redis_process, redis_url), served(env={**env, "REDIS_URL": redis_url}, workers=2) as server:

        def get(client: str) -> int:
            status, headers, body = server.get(API, headers={"X-Forwarded-For": client})
            if status == 429:
                assert int(headers["Retry-After"]) >= 1
                assert json.loads(body)["limit"] == "burst"
            return status

        # two workers, one count: the seventh request is refused whichever worker takes it
        assert [get("203.0.113.50") for _ in range(7)] == [200] * 6 + [429]
        # Redis goes away: requests are still answered, and limited by each worker's own count
        redis_process.kill()
        redis_process.wait()
        answers = [get("203.0.113.51") for _ in range(2 * 6 + 1)]
        assert answers[:6] == [200] * 6
        assert set(answers) == {200, 429}
