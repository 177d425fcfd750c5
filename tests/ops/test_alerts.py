"""The alert rules: promtool (Debian's prometheus package, installed by `make services`) checks
charts/berkeleytime/files/alerts.yaml and runs its unit tests (tests/ops/alerts.test.yaml), and the
chart ships that same file as its PrometheusRule, which kubernetes-validate has no schema for."""

import shutil
import subprocess
from pathlib import Path

import pytest
import yaml

from tests.deploy.conftest import BASE_DIR, find, render

RULES = BASE_DIR / "charts" / "berkeleytime" / "files" / "alerts.yaml"
UNIT_TESTS = Path(__file__).with_name("alerts.test.yaml")
RULE_KEYS = {"alert", "record", "expr", "for", "keep_firing_for", "labels", "annotations"}


def promtool(*arguments) -> subprocess.CompletedProcess:
    binary = shutil.which("promtool")
    if not binary:
        pytest.fail("promtool is not installed: run `make services` (`make test` runs it)", pytrace=False)
    return subprocess.run([binary, *map(str, arguments)], capture_output=True, text=True, timeout=120)


def alerts(groups: dict) -> list[dict]:
    return [rule for group in groups["groups"] for rule in group["rules"] if "alert" in rule]


def test_promtool_checks_the_rules():
    result = promtool("check", "rules", RULES)

    assert result.returncode == 0, result.stdout + result.stderr
    assert "SUCCESS" in result.stdout


def test_promtool_rejects_a_rule_that_is_not_promql(tmp_path):
    broken = yaml.safe_load(RULES.read_text())
    broken["groups"][0]["rules"][0]["expr"] = "sum by (namespace (rate(berkeleytime_http_requests_total[5m]))"
    path = tmp_path / "alerts.yaml"
    path.write_text(yaml.safe_dump(broken))

    assert promtool("check", "rules", path).returncode != 0


def test_every_alert_fires_and_stays_quiet_in_the_unit_tests():
    result = promtool("test", "rules", UNIT_TESTS)

    assert result.returncode == 0, result.stdout + result.stderr
    tested = yaml.safe_load(UNIT_TESTS.read_text())["tests"]
    cases = [case for test in tested for case in test["alert_rule_test"]]
    fired = {case["alertname"] for case in cases if case["exp_alerts"]}
    quiet = {case["alertname"] for case in cases if not case["exp_alerts"]}
    names = {rule["alert"] for rule in alerts(yaml.safe_load(RULES.read_text()))}
    assert fired == names, "every alert needs a unit test that makes it fire"
    # each test group also feeds near misses (other namespaces, healthy series) that must not fire;
    # an explicit empty case before the `for:` elapses covers the alerts that wait
    assert quiet, "no alert is tested quiet"


def test_the_unit_tests_fail_when_an_alert_does_not_fire(tmp_path):
    # given a copy of the rules where the error ratio needs 50% failures, not 5%
    rules = yaml.safe_load(RULES.read_text())
    for rule in alerts(rules):
        if rule["alert"] == "BerkeleytimeHighErrorRatio":
            rule["expr"] = rule["expr"].replace("> 0.05", "> 0.5")
    (tmp_path / "alerts.yaml").write_text(yaml.safe_dump(rules))
    tests = yaml.safe_load(UNIT_TESTS.read_text())
    tests["rule_files"] = ["alerts.yaml"]
    (tmp_path / "alerts.test.yaml").write_text(yaml.safe_dump(tests))

    result = promtool("test", "rules", tmp_path / "alerts.test.yaml")

    assert result.returncode != 0
    assert "BerkeleytimeHighErrorRatio" in result.stdout + result.stderr


def test_every_alert_says_how_bad_what_and_where_to_look():
    for rule in alerts(yaml.safe_load(RULES.read_text())):
        assert rule["labels"]["severity"] in ("critical", "warning"), rule["alert"]
        assert {"summary", "description", "runbook"} <= set(rule["annotations"]), rule["alert"]
        assert "namespace" in rule["expr"] or "kube_" in rule["expr"], rule["alert"]


def test_the_chart_ships_the_tested_rules_as_a_prometheus_rule(tmp_path):
    docs = render("production")

    (rule,) = find(docs, "PrometheusRule")
    assert rule["apiVersion"] == "monitoring.coreos.com/v1"
    assert rule["metadata"]["namespace"] == "production"
    # the operator's schema: spec holds groups, each a name and rules with known keys only
    assert set(rule["spec"]) == {"groups"}
    for group in rule["spec"]["groups"]:
        assert set(group) <= {"name", "interval", "rules"}, group
        assert group["name"], group
        for item in group["rules"]:
            assert set(item) <= RULE_KEYS, item
            assert isinstance(item["expr"], str)
            assert all(isinstance(v, str) for v in {**item.get("labels", {}), **item.get("annotations", {})}.values())
    assert rule["spec"] == yaml.safe_load(RULES.read_text())
    shipped = tmp_path / "shipped.yaml"
    shipped.write_text(yaml.safe_dump(rule["spec"]))
    assert promtool("check", "rules", shipped).returncode == 0


def test_one_release_per_cluster_ships_the_rules():
    assert find(render("staging"), "PrometheusRule") == []
