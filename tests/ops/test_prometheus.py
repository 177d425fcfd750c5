"""A real Prometheus (Debian's package, installed by `make services`) scrapes the app served
by gunicorn; the tests read what it stored through its HTTP query API, as Grafana and the
dashboard do."""

import json
import re
import shutil
import subprocess
import sys
import time
import urllib.parse
import urllib.request
from pathlib import Path

import pytest

from tests.server import free_port, served

GUNICORN = [
    sys.executable, "-m", "gunicorn", "berkeleytime.wsgi:application",
    "--config", "berkeleytime/gunicorn.conf.py", "--bind", "127.0.0.1:{port}", "--workers", "2",
]  # fmt: skip


def wait_for(condition, timeout: float = 30, interval: float = 0.5):
    deadline = time.monotonic() + timeout
    while True:
        result = condition()
        if result:
            return result
        if time.monotonic() > deadline:
            return result
        time.sleep(interval)


class Prometheus:
    def __init__(self, url: str, process: subprocess.Popen, log: Path):
        self.url, self.process, self.log = url, process, log

    def query(self, expression: str) -> list[dict]:
        url = f"{self.url}/api/v1/query?{urllib.parse.urlencode({'query': expression})}"
        with urllib.request.urlopen(url, timeout=5) as response:
            answer = json.load(response)
        assert answer["status"] == "success", answer
        return answer["data"]["result"]

    def value(self, expression: str) -> float | None:
        result = self.query(expression)
        return float(result[0]["value"][1]) if result else None


@pytest.fixture(scope="module")
def app(django_db_setup):
    with served(command=GUNICORN) as server:
        yield server


@pytest.fixture(scope="module")
def prometheus(app, tmp_path_factory):
    binary = shutil.which("prometheus")
    if not binary:
        pytest.fail("prometheus is not installed: run `make services` (`make test` runs it)", pytrace=False)
    home = tmp_path_factory.mktemp("prometheus")
    config = home / "prometheus.yml"
    config.write_text(
        "global:\n  scrape_interval: 1s\n  scrape_timeout: 1s\n"
        "scrape_configs:\n  - job_name: berkeleytime\n    metrics_path: /metrics\n"
        f"    static_configs:\n      - targets: ['127.0.0.1:{app.port}']\n"
    )
    port = free_port()
    log = home / "prometheus.log"
    with log.open("wb") as output:
        process = subprocess.Popen(
            [binary, f"--config.file={config}", f"--storage.tsdb.path={home / 'data'}",
             f"--web.listen-address=127.0.0.1:{port}"],
            stdout=output, stderr=subprocess.STDOUT,
        )  # fmt: skip
    server = Prometheus(f"http://127.0.0.1:{port}", process, log)
    try:

        def scraped():
            try:
                return server.query('up{job="berkeleytime"} == 1')
            except OSError:
                return None

        assert wait_for(scraped, timeout=60), "Prometheus never scraped the app:\n" + log.read_text()
        yield server
    finally:
        process.terminate()
        try:
            process.wait(timeout=15)
        except subprocess.TimeoutExpired:
            process.kill()


def test_prometheus_scrapes_the_app_and_sees_the_request_counter_rise(app, prometheus):
    counter = 'sum(berkeleytime_http_requests_total{view="v1:course-detail",method="GET",status="200"})'
    for _ in range(3):
        assert app.get("/api/v1/courses/COMPSCI/61A/")[0] == 200
    assert wait_for(lambda: (prometheus.value(counter) or 0) >= 3), prometheus.log.read_text()
    first = prometheus.value(counter)

    for _ in range(5):
        assert app.get("/api/v1/courses/COMPSCI/61A/")[0] == 200

    assert wait_for(lambda: (prometheus.value(counter) or 0) >= first + 5), prometheus.query(counter)
    # latency histograms and database timings arrive as well
    assert prometheus.query('berkeleytime_http_request_duration_seconds_bucket{view="v1:course-detail"}')
    assert prometheus.query("berkeleytime_db_queries_total")


@pytest.mark.django_db
def test_the_dashboard_shows_request_rate_and_p95_latency_from_prometheus(app, prometheus, staff_client, settings):
    settings.PROMETHEUS_URL = prometheus.url
    settings.PROMETHEUS_RATE_WINDOW = "1m"

    def traffic_shown():
        for _ in range(10):
            app.get("/api/v1/courses/?subject=MATH")
        page = staff_client.get("/").content.decode()
        rate = re.search(r'data-traffic="rate">([0-9.]+) per second<', page)
        p95 = re.search(r'data-traffic="p95">([0-9.]+) ms<', page)
        return rate and p95 and (float(rate.group(1)), float(p95.group(1)))

    shown = wait_for(traffic_shown, timeout=30, interval=1)

    assert shown, "the dashboard never showed traffic"
    rate, p95_ms = shown
    assert rate > 0
    assert 0 < p95_ms < 10_000


@pytest.mark.django_db
def test_the_dashboard_says_when_prometheus_cannot_be_reached(staff_client, settings):
    settings.PROMETHEUS_URL = f"http://127.0.0.1:{free_port()}"

    page = staff_client.get("/").content.decode()

    assert "Prometheus: " in page
