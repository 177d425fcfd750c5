"""The deploy targets in deploy.mk: DRY_RUN=1 prints the exact commands and runs none; real runs do what they print.

Real runs use stand-ins for docker, helm and kubectl that record their arguments: no cluster or
registry is needed, and nothing leaves the machine.
"""

import os
import subprocess
from pathlib import Path

import pytest
import yaml

from tests.deploy.conftest import BASE_DIR, run

IMAGE = "ghcr.io/asuc-octo/berkeleytime"
HELM = ".tools/bin/helm"
KUBECTL = ".tools/bin/kubectl"
UPGRADE = f"{HELM} upgrade --install berkeleytime charts/berkeleytime"
STAGING_TAG_LOOKUP = (
    f"image=$({KUBECTL} get deployment berkeleytime-web --namespace staging"
    ' --output jsonpath="{.spec.template.spec.containers[0].image}")'
)
DEPLOY_TARGETS = (
    "build",
    "push",
    "deploy-staging",
    "deploy-production",
    "rollback-staging",
    "rollback-production",
    "cluster-addons",
)


def make(*arguments: str, env: dict | None = None) -> subprocess.CompletedProcess:
    environment = {k: v for k, v in os.environ.items() if k not in ("MAKEFLAGS", "MFLAGS", "MAKELEVEL", "TAG", "IMAGE")}
    return run(["make", "--no-print-directory", *arguments], env={**environment, **(env or {})})


def short_sha() -> str:
    return run(["git", "rev-parse", "--short", "HEAD"]).stdout.strip()


def printed(result: subprocess.CompletedProcess) -> list[str]:
    assert result.returncode == 0, result.stdout + result.stderr
    return result.stdout.splitlines()


@pytest.fixture
def stand_ins(tmp_path) -> tuple[Path, dict]:
    """docker, helm and kubectl that log each call; kubectl answers with $FAKE_STAGING_IMAGE."""
    bin_dir = tmp_path / "bin"
    bin_dir.mkdir()
    log = tmp_path / "calls.log"
    for name in ("docker", "helm", "kubectl"):
        script = bin_dir / name
        answer = 'printf %s "${FAKE_STAGING_IMAGE:-}"' if name == "kubectl" else ":"
        script.write_text(f'#!/usr/bin/env bash\necho "{name} $*" >> "{log}"\n{answer}\n')
        script.chmod(0o755)
    env = {"PATH": f"{bin_dir}{os.pathsep}{os.environ['PATH']}"}
    return log, {"env": env, "vars": [f"HELM={bin_dir / 'helm'}", f"KUBECTL={bin_dir / 'kubectl'}"]}


def calls(log: Path) -> list[str]:
    return log.read_text().splitlines() if log.exists() else []


def test_deploy_staging_dry_run_prints_build_push_and_upgrade():
    tag = short_sha()

    assert printed(make("deploy-staging", "DRY_RUN=1")) == [
        f"docker build --platform linux/amd64 --label org.opencontainers.image.revision={tag} --tag {IMAGE}:{tag} .",
        f"docker push {IMAGE}:{tag}",
        f"{UPGRADE} --namespace staging --values charts/berkeleytime/values-staging.yaml"
        f" --set-string image.repository={IMAGE} --set-string image.tag={tag} --atomic --wait --timeout 10m",
    ]


def test_deploy_staging_dry_run_honours_image_and_tag():
    lines = printed(make("deploy-staging", "DRY_RUN=1", "IMAGE=registry.example/bt", "TAG=v42"))

    assert lines[1] == "docker push registry.example/bt:v42"
    assert "--set-string image.repository=registry.example/bt --set-string image.tag=v42" in lines[2]


def test_deploy_production_dry_run_promotes_what_staging_runs_without_building():
    assert printed(make("deploy-production", "DRY_RUN=1")) == [
        STAGING_TAG_LOOKUP,
        'test -n "$image"',
        f"{UPGRADE} --namespace production --values charts/berkeleytime/values-production.yaml"
        ' --set-string image.repository="${image%:*}" --set-string image.tag="${image##*:}"'
        " --atomic --wait --timeout 10m",
    ]


def test_rollback_dry_runs_name_the_environment_and_optional_revision():
    assert printed(make("rollback-staging", "DRY_RUN=1")) == [
        f"{HELM} rollback berkeleytime --namespace staging --wait --timeout 10m"
    ]
    assert printed(make("rollback-production", "DRY_RUN=1", "REVISION=7")) == [
        f"{HELM} rollback berkeleytime 7 --namespace production --wait --timeout 10m"
    ]


def test_cluster_addons_dry_run_installs_every_addon_pinned_with_its_values():
    lines = printed(make("cluster-addons", "DRY_RUN=1"))

    installs = {line.split()[3]: line.split() for line in lines if " upgrade --install " in line}
    assert set(installs) == {
        "ingress-nginx",
        "cert-manager",
        "redis",
        "elastic-operator",
        "kube-prometheus-stack",
        "kubernetes-dashboard",
    }
    for name, words in installs.items():
        assert words[words.index("--version") + 1][0] in "v0123456789", name
        values = BASE_DIR / words[words.index("--values") + 1]
        assert values.is_file(), values
        yaml.safe_load(values.read_text())
    applied = [line.split()[-1] for line in lines if " apply -f " in line]
    assert applied == ["charts/addons/cluster-issuer.yaml", "charts/addons/elastic-stack.yaml"]
    assert all((BASE_DIR / path).is_file() for path in applied)
    # Elasticsearch and Kibana come from the operator's resources
    kinds = {doc["kind"] for doc in yaml.safe_load_all((BASE_DIR / applied[1]).read_text())}
    assert {"Elasticsearch", "Kibana"} <= kinds


def test_redis_runs_standalone_without_replicas():
    values = yaml.safe_load((BASE_DIR / "charts/addons/redis.yaml").read_text())

    assert values["architecture"] == "standalone"
    assert values["replica"]["replicaCount"] == 0
    assert values["auth"]["existingSecret"]


@pytest.mark.parametrize("target", DEPLOY_TARGETS)
def test_a_dry_run_runs_nothing(stand_ins, target):
    log, fakes = stand_ins

    result = make(target, "DRY_RUN=1", *fakes["vars"], env=fakes["env"])

    assert result.returncode == 0, result.stderr
    assert result.stdout.strip()
    assert calls(log) == []


def test_deploy_staging_builds_pushes_and_upgrades_in_that_order(stand_ins):
    log, fakes = stand_ins

    result = make("deploy-staging", "TAG=0a1b2c3", *fakes["vars"], env=fakes["env"])

    assert result.returncode == 0, result.stderr
    steps = calls(log)
    assert [step.split()[:2] for step in steps] == [["docker", "build"], ["docker", "push"], ["helm", "upgrade"]]
    assert "--set-string image.tag=0a1b2c3" in steps[2]
    assert "--namespace staging" in steps[2]


def test_deploy_production_promotes_the_image_staging_runs(stand_ins):
    log, fakes = stand_ins
    env = {**fakes["env"], "FAKE_STAGING_IMAGE": "registry.example:5000/bt/berkeleytime:9f8e7d6"}

    result = make("deploy-production", *fakes["vars"], env=env)

    assert result.returncode == 0, result.stderr
    kubectl, helm = calls(log)
    assert kubectl.startswith("kubectl get deployment berkeleytime-web --namespace staging")
    assert helm.startswith("helm upgrade --install berkeleytime charts/berkeleytime --namespace production")
    assert "--set-string image.repository=registry.example:5000/bt/berkeleytime" in helm
    assert "--set-string image.tag=9f8e7d6" in helm
    assert "--atomic --wait" in helm


def test_deploy_production_stops_when_staging_runs_nothing(stand_ins):
    log, fakes = stand_ins

    result = make("deploy-production", *fakes["vars"], env=fakes["env"])

    assert result.returncode != 0
    assert [call.split()[0] for call in calls(log)] == ["kubectl"]


def test_make_help_lists_every_deploy_target():
    listed = {line.split()[0] for line in printed(make("help")) if line.strip()}

    assert {*DEPLOY_TARGETS, "kube", "deploy-tools"} <= listed
