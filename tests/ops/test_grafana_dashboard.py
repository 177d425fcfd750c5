"""The Grafana dashboard the chart ships (charts/berkeleytime/files/grafana-dashboard.json): it parses,
covers what operators watch, and every panel's query is PromQL a real Prometheus accepts, answered with
data once Prometheus has scraped the app (the app and Prometheus fixtures of test_prometheus.py)."""

import json
import re
import urllib.error

import pytest
import yaml

from tests.deploy.conftest import BASE_DIR, find, render
from tests.ops.test_prometheus import app, prometheus, wait_for  # noqa: F401 (fixtures)

DASHBOARD = BASE_DIR / "charts" / "berkeleytime" / "files" / "grafana-dashboard.json"
# Grafana's variables, as Grafana would fill them in. The test's Prometheus scrapes the app directly, so its
# series carry no namespace label: namespace="" selects exactly those.
VARIABLES = {"$__rate_interval": "1m", "$namespace": ""}


def dashboard() -> dict:
    return json.loads(DASHBOARD.read_text())


def queries() -> list[tuple[str, str]]:
    return [(panel["title"], target["expr"]) for panel in dashboard()["panels"] for target in panel["targets"]]


def filled(expression: str) -> str:
    for variable, value in VARIABLES.items():
        expression = expression.replace(variable, value)
    assert "$" not in expression, expression
    return expression


def test_the_dashboard_has_a_panel_for_everything_operators_watch():
    board = dashboard()
    assert board["uid"] == "berkeleytime"
    text = " ".join(expression for _, expression in queries())
    for metric in (
        "berkeleytime_http_requests_total",
        "berkeleytime_http_request_duration_seconds_bucket",
        "berkeleytime_db_queries_total",
        "berkeleytime_api_cache_total",
        "bt_search_fallbacks_total",
        "berkeleytime_circuit_open",
        "berkeleytime_last_import_timestamp_seconds",
        "berkeleytime_sis_sync_last_success_timestamp_seconds",
    ):
        assert metric in text, metric
    assert "histogram_quantile(0.5," in text
    assert "histogram_quantile(0.99," in text
    # every query is scoped to the environment picked in the dashboard
    for title, expression in queries():
        assert all('namespace="$namespace"' in selector for selector in re.findall(r"\w+\{[^}]*\}", expression)), title
    ids = [panel["id"] for panel in board["panels"]]
    assert len(ids) == len(set(ids))


@pytest.mark.django_db
def test_every_panel_query_runs_on_prometheus(app, prometheus):  # noqa: F811
    for _ in range(5):
        assert app.get("/api/v1/courses/COMPSCI/61A/")[0] == 200
    assert wait_for(lambda: prometheus.query(filled(queries()[0][1]))), prometheus.log.read_text()

    answered = {}
    for title, expression in queries():
        # a PromQL error is a 400 (HTTPError) and any other failed answer fails Prometheus.query's assertion
        answered[(title, expression)] = prometheus.query(filled(expression))

    with_data = {title for (title, _), result in answered.items() if result}
    assert {"Request rate by status", "Latency p50 / p99", "Database queries"} <= with_data, with_data


def test_prometheus_refuses_what_is_not_promql(app, prometheus):  # noqa: F811
    with pytest.raises(urllib.error.HTTPError) as refused:
        prometheus.query(filled("sum by (status (rate(berkeleytime_http_requests_total[$__rate_interval]))"))
    assert refused.value.code == 400


def test_the_chart_ships_the_dashboard_for_grafanas_sidecar():
    (configmap,) = [doc for doc in find(render("production"), "ConfigMap") if "berkeleytime.json" in doc["data"]]

    assert configmap["metadata"]["labels"]["grafana_dashboard"] == "1"
    assert json.loads(configmap["data"]["berkeleytime.json"]) == dashboard()
    values = yaml.safe_load((BASE_DIR / "charts" / "berkeleytime" / "values-staging.yaml").read_text())
    assert values["monitoring"]["grafanaDashboard"]["enabled"] is False
    assert not [doc for doc in find(render("staging"), "ConfigMap") if "berkeleytime.json" in doc["data"]]
