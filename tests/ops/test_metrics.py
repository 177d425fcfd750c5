"""/metrics: what it counts, that every gunicorn worker is counted, and that only
Prometheus on the pod can read it, never a visitor through the ingress."""

import io
import sys
from pathlib import Path

import pytest
from django.core.management import call_command
from django.core.management.base import CommandError
from django.test import Client, TestCase
from prometheus_client.parser import text_string_to_metric_families

from tests.catalog.test_import import write_data_set
from tests.server import served

BASE_DIR = Path(__file__).resolve().parents[2]
GUNICORN = [
    sys.executable, "-m", "gunicorn", "berkeleytime.wsgi:application",
    "--config", "berkeleytime/gunicorn.conf.py", "--bind", "127.0.0.1:{port}",
]  # fmt: skip

pytestmark = pytest.mark.django_db


def samples(text: str) -> dict[tuple, float]:
    """{(sample name, sorted labels): value} of a Prometheus text exposition."""
    return {
        (sample.name, tuple(sorted(sample.labels.items()))): sample.value
        for family in text_string_to_metric_families(text)
        for sample in family.samples
    }


def value(text: str, name: str, **labels) -> float:
    return samples(text).get((name, tuple(sorted(labels.items()))), 0.0)


def rose(before: str, after: str, name: str, **labels) -> float:
    return value(after, name, **labels) - value(before, name, **labels)


def scrape(client: Client | None = None) -> str:
    response = (client or Client(HTTP_HOST="127.0.0.1")).get("/metrics")
    assert response.status_code == 200
    assert response["Content-Type"].startswith("text/plain")
    return response.content.decode()


def test_requests_are_counted_by_view_method_and_status_and_timed():
    client = Client(HTTP_HOST="localhost")
    before = scrape()

    assert client.get("/api/v1/courses/COMPSCI/61A/").status_code == 200
    assert client.get("/api/v1/courses/COMPSCI/61A/").status_code == 200
    assert client.get("/api/v1/courses/NOPE/1/").status_code == 404
    assert client.get("/no/such/page/").status_code == 404
    after = scrape()

    ok = {"view": "v1:course-detail", "method": "GET", "status": "200"}
    assert rose(before, after, "berkeleytime_http_requests_total", **ok) == 2
    assert rose(before, after, "berkeleytime_http_requests_total", **{**ok, "status": "404"}) == 1
    assert rose(before, after, "berkeleytime_http_requests_total", view="<unmatched>", method="GET", status="404") == 1
    timed = {"view": "v1:course-detail", "method": "GET"}
    assert rose(before, after, "berkeleytime_http_request_duration_seconds_count", **timed) == 3
    assert rose(before, after, "berkeleytime_http_request_duration_seconds_bucket", **timed, le="+Inf") == 3
    assert rose(before, after, "berkeleytime_http_request_duration_seconds_sum", **timed) > 0


def test_database_queries_and_cache_hits_and_misses_are_counted():
    client = Client(HTTP_HOST="localhost")
    before = scrape()

    client.get("/api/v1/courses/?subject=COMPSCI")  # computed: queries the database
    client.get("/api/v1/courses/?subject=COMPSCI")  # served from the response cache
    after = scrape()

    assert rose(before, after, "berkeleytime_db_queries_total", database="default") > 0
    assert rose(before, after, "berkeleytime_db_query_duration_seconds_sum", database="default") > 0
    for result in ("miss", "hit"):
        assert rose(before, after, "berkeleytime_api_cache_total", view="v1:course-list", result=result) == 1


def test_imports_their_rows_and_failures_are_counted(tmp_path):
    data = write_data_set(tmp_path, courses=[{"title": "One", "name": "ZZSUBJ 1"}])
    before = scrape()

    with TestCase.captureOnCommitCallbacks(execute=True):
        call_command("import_catalog", "--no-progress", "--data-dir", str(data), stdout=io.StringIO())
    (data / "catalog" / "courses.json").write_text("{")
    with pytest.raises(CommandError):
        call_command("import_catalog", "--no-progress", "--data-dir", str(data), stdout=io.StringIO())
    after = scrape()

    assert rose(before, after, "berkeleytime_imports_total", importer="catalog") == 1
    assert rose(before, after, "berkeleytime_import_rows_total", importer="catalog", outcome="read") > 0
    assert rose(before, after, "berkeleytime_import_failures_total", importer="catalog") == 1
    # the last run of each importer comes from the database, so the nightly job's runs show too
    assert value(after, "berkeleytime_last_import_timestamp_seconds", importer="catalog") >= value(
        before, "berkeleytime_last_import_timestamp_seconds", importer="catalog"
    )
    assert value(after, "berkeleytime_last_import_timestamp_seconds", importer="grades") > 0


@pytest.mark.parametrize(
    ("host", "headers"),
    [
        ("localhost", {}),
        ("berkeleytime.com", {}),
        ("dashboard.localhost", {}),
        ("search.localhost", {}),
        ("127.0.0.1", {"HTTP_X_FORWARDED_FOR": "203.0.113.9"}),
        ("127.0.0.1", {"HTTP_X_FORWARDED_HOST": "berkeleytime.com"}),
    ],
)
def test_metrics_are_refused_to_anything_that_came_through_the_ingress(settings, host, headers):
    settings.ALLOWED_HOSTS = ["*"]

    response = Client(HTTP_HOST=host, **headers).get("/metrics")

    assert response.status_code == 404
    assert b"berkeleytime_http_requests_total" not in response.content


@pytest.mark.parametrize("host", ["127.0.0.1:8000", "10.8.3.17:8000", "[fd00::17]:8000"])
def test_metrics_answer_prometheus_scraping_a_pod_by_its_address(settings, host):
    settings.ALLOWED_HOSTS = ["*"]

    response = Client(HTTP_HOST=host).get("/metrics")

    assert response.status_code == 200
    assert b"berkeleytime_http_requests_total" in response.content


def test_every_gunicorn_worker_is_counted(django_db_setup):
    with served(command=[*GUNICORN, "--workers", "3"]) as server:
        for _ in range(30):
            assert server.get("/livez")[0] == 200
        status, _, body = server.get("/metrics")

    assert status == 200
    # 30 requests plus the one that found the server ready, whichever worker answered each
    assert value(body.decode(), "berkeleytime_http_requests_total", view="livez", method="GET", status="200") == 31


def test_a_set_multiprocess_directory_is_emptied_at_start(django_db_setup, tmp_path):
    metrics_dir = tmp_path / "metrics"
    env = {"PROMETHEUS_MULTIPROC_DIR": str(metrics_dir)}
    with served(env=env, command=[*GUNICORN, "--workers", "2"]) as server:
        for _ in range(5):
            server.get("/livez")
    assert list(metrics_dir.glob("counter_*.db")), "the workers kept their values there"

    with served(env=env, command=[*GUNICORN, "--workers", "2"]) as server:
        _, _, body = server.get("/metrics")

    assert value(body.decode(), "berkeleytime_http_requests_total", view="livez", method="GET", status="200") == 1
