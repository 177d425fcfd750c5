"""Redis outages cost students nothing: against a redis-server each test starts (and refuses, or hangs
with SIGSTOP) itself, in this process and under gunicorn. The machine's own Redis is never touched."""

import concurrent.futures
import contextlib
import json
import logging
import os
import signal
import subprocess
import time
from pathlib import Path

import pytest
import redis
from django.core.cache import cache
from django.test import override_settings
from django_redis import get_redis_connection
from prometheus_client import REGISTRY

from berkeleytime import breakers
from berkeleytime.caching import reset_local_cache
from catalog.models import Course
from tests.server import free_port, served

pytestmark = pytest.mark.django_db

SOCKET_TIMEOUT = 0.25  # as in settings.CACHES
PAUSE = 1.0  # REDIS_BREAKER_SECONDS in these tests


class OwnRedis:
    """A redis-server of the test's own on a free port, which the test may kill or hang."""

    def __init__(self, directory: Path):
        self.port = free_port()
        self.url = f"redis://127.0.0.1:{self.port}/0"
        self.log_path = directory / "redis.log"
        self.process = subprocess.Popen(
            ["redis-server", "--port", str(self.port), "--bind", "127.0.0.1", "--save", "", "--appendonly", "no",
             "--dir", str(directory)],
            stdout=self.log_path.open("wb"), stderr=subprocess.STDOUT,
        )  # fmt: skip
        deadline = time.monotonic() + 20
        while True:
            with contextlib.suppress(redis.ConnectionError):
                if self.client().ping():
                    break
            if self.process.poll() is not None or time.monotonic() > deadline:
                raise RuntimeError(f"redis-server did not start:\n{self.log_path.read_text()}")
            time.sleep(0.05)

    def client(self) -> redis.Redis:
        """A plain client, not behind the site's breaker."""
        return redis.Redis(port=self.port, socket_timeout=5, socket_connect_timeout=5)

    def hang(self) -> None:
        os.kill(self.process.pid, signal.SIGSTOP)

    def resume(self) -> None:
        os.kill(self.process.pid, signal.SIGCONT)

    def kill(self) -> None:
        self.resume()
        self.process.kill()
        self.process.wait(timeout=10)

    def stop(self) -> None:
        if self.process.poll() is None:
            self.resume()
            self.process.terminate()
            try:
                self.process.wait(timeout=10)
            except subprocess.TimeoutExpired:
                self.process.kill()
                self.process.wait(timeout=10)


@pytest.fixture
def own_redis(tmp_path):
    server = OwnRedis(tmp_path)
    yield server
    server.stop()


@pytest.fixture
def redis_cache(own_redis, settings):
    """This process's cache on the test's own redis-server, configured as in production."""
    options = {
        "CLIENT_CLASS": "django_redis.client.DefaultClient",
        "REDIS_CLIENT_CLASS": "berkeleytime.breakers.Redis",
        "IGNORE_EXCEPTIONS": True,
        "SOCKET_CONNECT_TIMEOUT": SOCKET_TIMEOUT,
        "SOCKET_TIMEOUT": SOCKET_TIMEOUT,
    }
    caches = {"default": {"BACKEND": "django_redis.cache.RedisCache", "LOCATION": own_redis.url, "OPTIONS": options}}
    breakers.REDIS.reset()
    with override_settings(CACHES=caches, DJANGO_REDIS_IGNORE_EXCEPTIONS=True, REDIS_BREAKER_SECONDS=PAUSE):
        yield cache
    breakers.REDIS.reset()
    reset_local_cache()


def timed(call) -> tuple[object, float]:
    started = time.monotonic()
    value = call()
    return value, time.monotonic() - started


def open_gauge() -> float:
    return REGISTRY.get_sample_value("berkeleytime_circuit_open", {"service": "redis"}) or 0.0


def test_a_hung_redis_costs_one_timeout_per_pause_and_the_breaker_closes_when_it_answers(
    own_redis, redis_cache, caplog
):
    caplog.set_level(logging.INFO, logger="berkeleytime.breakers")
    redis_cache.set("course", "COMPSCI 61A")
    assert redis_cache.get("course") == "COMPSCI 61A"
    # when Redis hangs, the first call waits out its socket timeout and opens the breaker
    own_redis.hang()
    value, first = timed(lambda: redis_cache.get("course"))
    assert value is None
    assert first >= SOCKET_TIMEOUT * 0.8
    assert breakers.REDIS.is_open
    assert open_gauge() == 1
    # then the next calls skip Redis: a miss and a dropped write at once, not 80 timeouts (20 s)
    _, skipped = timed(lambda: [(redis_cache.get(f"k{i}"), redis_cache.set(f"k{i}", i)) for i in range(40)])
    assert skipped < 2.0
    with pytest.raises(breakers.CircuitOpen):
        get_redis_connection("default").ping()
    # after the pause one call tries again (half-open), fails, and opens it for another pause
    time.sleep(PAUSE + 0.1)
    value, trial = timed(lambda: redis_cache.get("course"))
    assert value is None
    assert trial >= SOCKET_TIMEOUT * 0.8
    assert breakers.REDIS.is_open
    # when Redis answers again, the first call after the pause closes the breaker and reads the cache
    own_redis.resume()
    time.sleep(PAUSE + 0.1)
    assert redis_cache.get("course") == "COMPSCI 61A"
    assert breakers.REDIS.current_state == "closed"
    assert open_gauge() == 0
    redis_cache.set("after", "yes")
    assert own_redis.client().keys("*after*")
    # each change logged once, not once per call
    messages = [r.getMessage() for r in caplog.records if r.name == "berkeleytime.breakers"]
    assert len([m for m in messages if m.startswith("Redis failed")]) == 1
    assert len([m for m in messages if m.startswith("Redis still failing")]) == 1
    assert len([m for m in messages if m.startswith("Redis answers again")]) == 1


def test_a_refused_redis_opens_the_breaker_at_once(own_redis, redis_cache):
    redis_cache.set("course", "MATH 51")
    own_redis.kill()
    assert redis_cache.get("course") is None
    assert breakers.REDIS.is_open
    _, skipped = timed(lambda: [redis_cache.get("course") for _ in range(100)])
    assert skipped < 2.0


def test_errors_of_a_redis_that_answers_leave_the_breaker_closed(own_redis, redis_cache):
    connection = get_redis_connection("default")
    with pytest.raises(redis.ResponseError):
        connection.execute_command("NO-SUCH-COMMAND")
    assert breakers.REDIS.current_state == "closed"
    # pipelines (set_many, delete_many) go through the breaker too
    redis_cache.set_many({"a": 1, "b": 2})
    assert redis_cache.get_many(["a", "b"]) == {"a": 1, "b": 2}
    own_redis.hang()
    redis_cache.set_many({"c": 3, "d": 4})  # waits out the timeout, ignored
    assert breakers.REDIS.is_open
    _, skipped = timed(lambda: [redis_cache.set_many({"e": 5, "f": 6}) for _ in range(20)])
    assert skipped < 2.0


def courses(count: int) -> list[tuple[str, str]]:
    """Real courses with grades, as (subject, number) for their URLs."""
    rows = (
        Course.objects
        .filter(has_grades=True)
        .order_by("code")
        .values_list("subject__code", "number")[:count]
    )  # fmt: skip
    return list(rows)


def urls(pairs) -> list[str]:
    """A page and two API answers per course: each a cache miss, so each asks Redis."""
    found = []
    for subject, number in pairs:
        found += [
            f"/courses/{subject}/{number}/",
            f"/api/v1/courses/{subject}/{number}/",
            f"/api/v1/grades/{subject}/{number}/",
        ]
    return found


def fetch_all(server, paths) -> float:
    started = time.monotonic()
    for path in paths:
        status, _, _ = server.get(path)
        assert status == 200, path
    return time.monotonic() - started


def test_readyz_pages_and_api_answer_with_redis_refused(django_db_setup, own_redis):
    with served(env={"REDIS_URL": own_redis.url}) as server:
        assert server.get("/courses/COMPSCI/61A/")[0] == 200
        own_redis.kill()
        status, _, body = server.get("/readyz")
        assert status == 200
        body = json.loads(body)
        assert body["status"] == "ok"
        assert body["informational"]["redis"] != "ok"
        for path in ["/", "/catalog/", "/courses/COMPSCI/61A/", "/api/v1/courses/?subject=COMPSCI",
                     "/api/v1/grades/COMPSCI/61A/", "/grades/?s=COMPSCI/61A"]:  # fmt: skip
            assert server.get(path)[0] == 200, path


def test_a_hung_redis_costs_requests_no_more_than_one_timeout_per_pause(django_db_setup, own_redis):
    pause = 3
    chosen = courses(14)
    healthy_urls, hung_urls, after_urls = urls(chosen[0:12:2]), urls(chosen[1:12:2]), urls(chosen[12:])
    env = {"REDIS_URL": own_redis.url, "REDIS_BREAKER_SECONDS": str(pause)}
    with served(env=env, workers=2) as server:
        for _ in range(4):  # both workers past their first request
            server.get("/")
        # given the time of 18 cache misses with Redis answering
        healthy = fetch_all(server, healthy_urls)
        assert own_redis.client().dbsize() > 0
        # when Redis hangs, the same kind of requests
        own_redis.hang()
        try:
            hung = fetch_all(server, hung_urls)
            status, _, body = server.get("/readyz")
        finally:
            own_redis.resume()
        # then they cost at most a timeout or two per worker, not a timeout per cache call
        # (18 requests, each a get and a set: 9 s or more without the breaker)
        assert hung < healthy + 2.0, (healthy, hung)
        assert status == 200
        assert json.loads(body)["informational"]["redis"] != "ok"
        # and once Redis answers, after the pause, the cache is used again
        time.sleep(pause + 0.5)
        keys_before = set(own_redis.client().keys("*"))
        fetch_all(server, after_urls * 2)
        assert set(own_redis.client().keys("*")) - keys_before
        # by every worker that skipped it: requests from four clients at once reach both
        # workers (one after another, one worker may take them all)
        deadline = time.monotonic() + 20
        while server.log().count("Redis answers again") < server.log().count("Redis failed ("):
            assert time.monotonic() < deadline, server.log()
            with concurrent.futures.ThreadPoolExecutor(4) as pool:
                assert set(pool.map(lambda path: server.get(path)[0], after_urls * 2)) == {200}
    log = server.log()
    assert 1 <= log.count("Redis failed (") <= 2  # once per worker, not once per call
    assert log.count("Redis answers again") == log.count("Redis failed (")
