"""Shared helpers for the deployment tests: the tools in .tools/ and the chart rendered per environment.

The tools are fetched by `make deploy-tools` (a prerequisite of `make test`). A missing tool fails the
test with the command to run: a deploy check that silently skips would pass in CI without checking.
"""

import re
import subprocess
from pathlib import Path

import pytest
import yaml

BASE_DIR = Path(__file__).resolve().parents[2]
CHART = BASE_DIR / "charts" / "berkeleytime"
KUBE_DIR = BASE_DIR / "kube"
TOOLS = BASE_DIR / ".tools"
KUBE_VERSION = "1.35.0"
ENVIRONMENTS = ("staging", "production")
RELEASE = "berkeleytime"
# Kinds defined by CRDs, for which kubernetes-validate has no schema: it only warns and passes them.
# tests/ops/test_alerts.py checks the Prometheus Operator's PrometheusRule (promtool and its schema),
# tests/deploy/test_chart.py cert-manager's Certificate.
CRD_KINDS = {"PrometheusRule", "Certificate"}


def kinds_without_schema(validator_output: str) -> set[str]:
    """The kinds kubernetes-validate skipped for want of a schema; tests assert these are only CRD_KINDS."""
    return set(re.findall(r"Couldn't find schema for kind (\S+)", validator_output))


def tool(relative: str) -> Path:
    path = TOOLS / relative
    if not path.exists():
        pytest.fail(f"{path} is missing: run `make deploy-tools` (`make test` runs it first)", pytrace=False)
    return path


def run(command: list, **kwargs) -> subprocess.CompletedProcess:
    """Run a command from the repository root, capturing text output."""
    return subprocess.run(
        [str(part) for part in command], cwd=BASE_DIR, capture_output=True, text=True, timeout=300, **kwargs
    )


def helm_template(environment: str, *extra: str) -> subprocess.CompletedProcess:
    """`helm template` exactly as `make kube` runs it, plus extra arguments."""
    return run(
        [
            tool("bin/helm"), "template", RELEASE, CHART,
            "--namespace", environment,
            "--values", CHART / f"values-{environment}.yaml",
            "--kube-version", KUBE_VERSION,
            *extra,
        ]
    )  # fmt: skip


def render(environment: str, *extra: str) -> list[dict]:
    result = helm_template(environment, *extra)
    assert result.returncode == 0, result.stderr
    return [doc for doc in yaml.safe_load_all(result.stdout) if doc]


def find(docs: list[dict], kind: str, name: str | None = None) -> list[dict]:
    return [doc for doc in docs if doc["kind"] == kind and (name is None or doc["metadata"]["name"] == name)]


def one(docs: list[dict], kind: str, name: str) -> dict:
    found = find(docs, kind, name)
    assert len(found) == 1, f"expected one {kind} {name}, found {len(found)}"
    return found[0]


def pod_templates(docs: list[dict]) -> list[tuple[str, dict]]:
    """(workload name, pod template) for every Deployment, Job and CronJob."""
    pods = []
    for doc in docs:
        if doc["kind"] in ("Deployment", "Job"):
            pods.append((doc["metadata"]["name"], doc["spec"]["template"]))
        elif doc["kind"] == "CronJob":
            pods.append((doc["metadata"]["name"], doc["spec"]["jobTemplate"]["spec"]["template"]))
    return pods


@pytest.fixture(scope="session")
def rendered() -> dict[str, list[dict]]:
    """The chart rendered with each environment's values, parsed: {"staging": [...], "production": [...]}."""
    return {environment: render(environment) for environment in ENVIRONMENTS}
