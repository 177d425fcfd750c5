"""kube/: the plain manifests operators apply, generated from the chart, valid, and clean under checkov."""

import json
import os
import re
import shutil

import pytest

from tests.deploy.conftest import (
    BASE_DIR,
    CRD_KINDS,
    ENVIRONMENTS,
    KUBE_DIR,
    KUBE_VERSION,
    kinds_without_schema,
    run,
    tool,
)

CHECKOV_CONFIG = BASE_DIR / "charts" / "checkov.yaml"


def make(*arguments: str):
    environment = {k: v for k, v in os.environ.items() if k not in ("MAKEFLAGS", "MFLAGS", "MAKELEVEL")}
    return run(["make", "--no-print-directory", *arguments], env=environment)


def test_kube_is_generated_from_the_current_chart(tmp_path):
    tool("bin/helm")

    result = make("kube", f"KUBE_DIR={tmp_path}")

    assert result.returncode == 0, result.stderr
    for environment in ENVIRONMENTS:
        fresh = (tmp_path / f"{environment}.yaml").read_text()
        committed = KUBE_DIR / f"{environment}.yaml"
        assert committed.exists(), f"{committed} is missing: run `make kube` and commit it"
        assert committed.read_text() == fresh, f"kube/{environment}.yaml is stale: run `make kube` and commit it"
        assert "kind: Deployment" in fresh


def test_kube_validates_strictly():
    manifests = [KUBE_DIR / f"{environment}.yaml" for environment in ENVIRONMENTS]

    result = run([tool("venv/bin/kubernetes-validate"), "--strict", "-k", KUBE_VERSION, *manifests])

    output = result.stdout + result.stderr
    assert result.returncode == 0, output
    assert "passed for resource deployment/berkeleytime-web" in output
    assert kinds_without_schema(output) == CRD_KINDS


@pytest.fixture(scope="module")
def checkov_report(tmp_path_factory) -> list[dict]:
    """checkov over kube/ (the chart as each environment renders it) and the Dockerfile, run once: it is slow."""
    scanned = tmp_path_factory.mktemp("checkov")
    for environment in ENVIRONMENTS:
        shutil.copy(KUBE_DIR / f"{environment}.yaml", scanned / f"{environment}.yaml")
    shutil.copy(BASE_DIR / "Dockerfile", scanned / "Dockerfile")
    result = run(
        [
            tool("venv/bin/checkov"), "--config-file", CHECKOV_CONFIG, "--directory", scanned,
            "--framework", "kubernetes", "dockerfile", "--output", "json",
        ]
    )  # fmt: skip
    assert result.stdout.strip(), result.stderr
    report = json.loads(result.stdout)
    return report if isinstance(report, list) else [report]


def test_checkov_finds_nothing_in_kube_or_the_dockerfile(checkov_report):
    failed = [
        f"{check['check_id']} {check['resource']}: {check['check_name']}"
        for framework in checkov_report
        for check in framework["results"]["failed_checks"]
    ]
    assert not failed, "\n".join(failed)
    scanned = {framework["check_type"]: framework["summary"]["passed"] for framework in checkov_report}
    assert scanned["kubernetes"] > 100
    assert scanned["dockerfile"] > 10


def test_every_skipped_checkov_check_is_justified():
    lines = CHECKOV_CONFIG.read_text().splitlines()
    skipped = [number for number, line in enumerate(lines) if re.match(r"^\s*- CKV", line)]

    assert skipped
    for number in skipped:
        comment = []
        above = number - 1
        while above >= 0 and lines[above].strip().startswith("#"):
            comment.append(lines[above])
            above -= 1
        assert len(" ".join(comment)) > 60, f"{lines[number].strip()} is skipped without a reason"
