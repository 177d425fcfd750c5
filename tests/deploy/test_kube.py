"""kube/: the kustomize base and overlays operators apply, generated from the chart, valid, and clean under checkov."""

import json
import os
import re
import shutil
import sys

import pytest
import yaml

from tests.deploy.conftest import (
    BASE_DIR,
    CRD_KINDS,
    ENVIRONMENTS,
    KUBE_DIR,
    KUBE_VERSION,
    kinds_without_schema,
    pod_templates,
    run,
    tool,
)

CHECKOV_CONFIG = BASE_DIR / "charts" / "checkov.yaml"


PLACEHOLDER = "sha256:" + "0" * 64
DIGEST = "sha256:" + "0123456789abcdef" * 4
REPOSITORY = "ghcr.io/asuc-octo/berkeleytime"


def make(*arguments: str):
    environment = {k: v for k, v in os.environ.items() if k not in ("MAKEFLAGS", "MFLAGS", "MAKELEVEL")}
    return run(["make", "--no-print-directory", *arguments], env=environment)


def generate(out, *arguments: str):
    """deploy/kube.py as `make kube` runs it, into out."""
    result = run(
        [sys.executable, "deploy/kube.py", "--helm", tool("bin/helm"), "--out", out, *arguments, *ENVIRONMENTS]
    )
    assert result.returncode == 0, result.stderr


def kustomize(overlay) -> list[dict]:
    """`kubectl kustomize` of an overlay: exactly what `kubectl apply -k` sends."""
    result = run([tool("bin/kubectl"), "kustomize", overlay])
    assert result.returncode == 0, result.stderr
    return [doc for doc in yaml.safe_load_all(result.stdout) if doc]


def files(directory) -> dict[str, str]:
    return {
        str(path.relative_to(directory)): path.read_text() for path in sorted(directory.rglob("*")) if path.is_file()
    }


def containers(docs: list[dict]) -> list[tuple[str, dict]]:
    """(workload, container) for every container running the app's image (not the backup tools' images)."""
    found = []
    for name, template in pod_templates(docs):
        for container in template["spec"].get("initContainers", []) + template["spec"]["containers"]:
            if not container["image"].startswith(("postgres:", "gcr.io/google.com/cloudsdktool/")):
                found.append((name, container))
    return found


def digest_of(overlay) -> str:
    (image,) = yaml.safe_load((overlay / "kustomization.yaml").read_text())["images"]
    assert image["name"] == REPOSITORY
    return image["digest"]


def jobs(docs: list[dict]) -> dict[str, dict]:
    return {doc["metadata"]["name"]: doc["spec"]["template"] for doc in docs if doc["kind"] == "Job"}


def test_kube_is_generated_from_the_current_chart(tmp_path):
    tool("bin/helm")
    # the overlays' digests are the operator's: `make kube` keeps them
    for environment in ENVIRONMENTS:
        committed = KUBE_DIR / "overlays" / environment / "kustomization.yaml"
        assert committed.exists(), f"{committed} is missing: run `make kube` and commit it"
        (tmp_path / "overlays" / environment).mkdir(parents=True)
        shutil.copy(committed, tmp_path / "overlays" / environment / "kustomization.yaml")

    result = make("kube", f"KUBE_DIR={tmp_path}")

    assert result.returncode == 0, result.stderr
    fresh, committed = files(tmp_path), files(KUBE_DIR)
    assert sorted(committed) == sorted(fresh), "kube/ is stale: run `make kube` and commit it"
    for name, text in fresh.items():
        assert committed[name] == text, f"kube/{name} is stale: run `make kube` and commit it"
    assert "kind: Deployment" in fresh["overlays/production/resources.yaml"]


def test_a_new_overlay_names_the_placeholder_digest_and_the_base_holds_no_image(tmp_path):
    generate(tmp_path)

    for environment in ENVIRONMENTS:
        assert digest_of(tmp_path / "overlays" / environment) == PLACEHOLDER
    assert REPOSITORY not in (tmp_path / "base" / "resources.yaml").read_text()
    assert "namespace:" not in (tmp_path / "base" / "resources.yaml").read_text()


@pytest.mark.parametrize("environment", ENVIRONMENTS)
def test_every_overlay_renders_by_digest_and_validates_strictly(environment, tmp_path):
    overlay = KUBE_DIR / "overlays" / environment
    docs = kustomize(overlay)
    manifest = tmp_path / f"{environment}.yaml"
    manifest.write_text(yaml.safe_dump_all(docs))

    result = run([tool("venv/bin/kubernetes-validate"), "--strict", "-k", KUBE_VERSION, manifest])

    output = result.stdout + result.stderr
    assert result.returncode == 0, output
    assert "passed for resource deployment/berkeleytime-web" in output
    # kinds kubernetes-validate has no schema for are CRDs we know of, never a typo
    assert kinds_without_schema(output) <= CRD_KINDS
    digest = digest_of(overlay)
    assert {doc["metadata"].get("namespace") for doc in docs} == {environment}
    assert containers(docs)
    for name, container in containers(docs):
        assert container["image"] == f"{REPOSITORY}@{digest}", name
    (job,) = [doc for doc in docs if doc["kind"] == "Job"]
    assert job["metadata"]["name"] == f"berkeleytime-migrate-{digest.removeprefix('sha256:')[:12]}"
    assert "helm.sh/hook" not in job["metadata"].get("annotations", {})
    assert job["spec"]["ttlSecondsAfterFinished"] > 0
    web = next(doc for doc in docs if doc["kind"] == "Deployment" and doc["metadata"]["name"] == "berkeleytime-web")
    assert [c["args"] for c in web["spec"]["template"]["spec"]["initContainers"]] == [["wait-for-migrations"]]


def test_kube_image_points_one_overlay_at_a_digest(tmp_path):
    shutil.copytree(KUBE_DIR, tmp_path / "kube")
    before = kustomize(tmp_path / "kube" / "overlays" / "production")

    result = make("kube-image", f"KUBE_DIR={tmp_path / 'kube'}", "ENVIRONMENT=staging", f"DIGEST={DIGEST}")

    assert result.returncode == 0, result.stderr
    staging = kustomize(tmp_path / "kube" / "overlays" / "staging")
    assert digest_of(tmp_path / "kube" / "overlays" / "staging") == DIGEST
    assert {container["image"] for _, container in containers(staging)} == {f"{REPOSITORY}@{DIGEST}"}
    assert list(jobs(staging)) == ["berkeleytime-migrate-0123456789ab"]
    # production is left as it was
    assert kustomize(tmp_path / "kube" / "overlays" / "production") == before
    # and a later `make kube` keeps the digest
    assert make("kube", f"KUBE_DIR={tmp_path / 'kube'}").returncode == 0
    assert digest_of(tmp_path / "kube" / "overlays" / "staging") == DIGEST


@pytest.mark.parametrize(
    ("arguments", "message"),
    [
        (["ENVIRONMENT=staging", "DIGEST=sha256:abc"], "--digest must be sha256:<64 lowercase hex>"),
        (["ENVIRONMENT=prod", f"DIGEST={DIGEST}"], "ENVIRONMENT must be one of: staging production"),
        (["ENVIRONMENT=staging"], "DIGEST=sha256:<64 hex> is required"),
    ],
)
def test_kube_image_refuses_a_wrong_environment_or_digest(arguments, message, tmp_path):
    shutil.copytree(KUBE_DIR, tmp_path / "kube")

    result = make("kube-image", f"KUBE_DIR={tmp_path / 'kube'}", *arguments)

    assert result.returncode != 0
    assert message in result.stderr
    assert files(tmp_path / "kube") == files(KUBE_DIR)


@pytest.mark.parametrize("environment", ENVIRONMENTS)
def test_applying_an_overlay_again_after_a_config_change_leaves_its_job_alone(environment, tmp_path):
    # the same image, rendered before and after a configuration change (the ConfigMap differs)
    generate(tmp_path / "before", "--digest", DIGEST)
    generate(tmp_path / "after", "--digest", DIGEST, "--helm-arg=--set=config.logLevel=WARNING")
    before = kustomize(tmp_path / "before" / "overlays" / environment)
    after = kustomize(tmp_path / "after" / "overlays" / environment)

    def configmap(docs):
        return next(doc for doc in docs if doc["kind"] == "ConfigMap")["data"]

    assert configmap(before)["LOG_LEVEL"] != configmap(after)["LOG_LEVEL"]
    # a Job's template is immutable: the second apply must send the very same one under the same name
    assert jobs(after) == jobs(before)
    assert len(jobs(before)) == 1

    # a new image makes a new Job instead of editing the old one
    generate(tmp_path / "rebuilt", "--digest", "sha256:" + "f" * 64)
    rebuilt = kustomize(tmp_path / "rebuilt" / "overlays" / environment)
    assert list(jobs(rebuilt)) == ["berkeleytime-migrate-ffffffffffff"]
    assert not jobs(rebuilt).keys() & jobs(before).keys()


@pytest.fixture(scope="module")
def checkov_report(tmp_path_factory) -> list[dict]:
    """checkov over kube/ (each overlay as `kubectl kustomize` renders it) and the Dockerfile, run once: it is slow."""
    scanned = tmp_path_factory.mktemp("checkov")
    for environment in ENVIRONMENTS:
        (scanned / f"{environment}.yaml").write_text(yaml.safe_dump_all(kustomize(KUBE_DIR / "overlays" / environment)))
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
