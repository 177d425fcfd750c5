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
DIGEST = "sha256:" + "0123456789abcdef" * 4
OTHER_DIGEST = "sha256:" + "fedcba9876543210" * 4
DEPLOY_TARGETS = (
    "build",
    "push",
    "deploy-staging",
    "deploy-production",
    "rollback-staging",
    "rollback-production",
    "cluster-addons",
)
# The stand-ins answer like the real tools: `docker buildx imagetools inspect --format '{{json ...}}'` prints
# the digest as a JSON string; kubectl's jsonpath prints the value without a newline. helm copies the chart
# directory it was given to $SEEN_CHART, so a test can look at what would have been installed.
STAND_IN_ANSWERS = {
    "docker": 'case "$*" in "buildx imagetools inspect"*) printf \'"%s"\\n\' "${FAKE_DIGEST:-}";; esac',
    "helm": '[ "$1" = upgrade ] && [ -n "${SEEN_CHART:-}" ] && cp -r "$4" "$SEEN_CHART"; :',
    "kubectl": 'case "$*" in *annotations*) printf %s "${FAKE_STAGING_REVISION:-}";; '
    '*) printf %s "${FAKE_STAGING_IMAGE:-}";; esac',
}


def make(*arguments: str, env: dict | None = None) -> subprocess.CompletedProcess:
    environment = {
        k: v
        for k, v in os.environ.items()
        if k not in ("MAKEFLAGS", "MFLAGS", "MAKELEVEL", "TAG", "IMAGE", "DIGEST", "COMMIT", "DRY_RUN")
    }
    return run(["make", "--no-print-directory", *arguments], env={**environment, **(env or {})})


def head() -> str:
    return run(["git", "rev-parse", "HEAD"]).stdout.strip()


def printed(result: subprocess.CompletedProcess) -> list[str]:
    assert result.returncode == 0, result.stdout + result.stderr
    return result.stdout.splitlines()


def write_stand_ins(bin_dir: Path, log: Path) -> None:
    """docker, helm and kubectl that append each call to ``log`` and answer as STAND_IN_ANSWERS says."""
    bin_dir.mkdir(parents=True, exist_ok=True)
    for name, answer in STAND_IN_ANSWERS.items():
        script = bin_dir / name
        script.write_text(f'#!/usr/bin/env bash\necho "{name} $*" >> "{log}"\n{answer}\n')
        script.chmod(0o755)


@pytest.fixture
def stand_ins(tmp_path) -> tuple[Path, dict]:
    """docker, helm and kubectl that log each call; see STAND_IN_ANSWERS for what they print."""
    bin_dir = tmp_path / "bin"
    log = tmp_path / "calls.log"
    write_stand_ins(bin_dir, log)
    env = {"PATH": f"{bin_dir}{os.pathsep}{os.environ['PATH']}"}
    return log, {"env": env, "vars": [f"HELM={bin_dir / 'helm'}", f"KUBECTL={bin_dir / 'kubectl'}"]}


def calls(log: Path) -> list[str]:
    return log.read_text().splitlines() if log.exists() else []


def staging_upgrade(digest: str, commit: str, image: str = IMAGE) -> str:
    return (
        f"{UPGRADE} --namespace staging --values charts/berkeleytime/values-staging.yaml"
        f" --set-string image.repository={image} --set-string image.digest={digest}"
        f" --set-string image.tag={commit} --set-string image.revision={commit} --atomic --wait --timeout 10m"
    )


def test_deploy_staging_dry_run_prints_the_digest_and_the_upgrade_and_builds_nothing():
    commit = head()

    assert printed(make("deploy-staging", "DRY_RUN=1", f"DIGEST={DIGEST}")) == [
        f"staging: {IMAGE}@{DIGEST} (commit {commit})",
        staging_upgrade(DIGEST, commit),
    ]


def test_deploy_staging_asks_the_registry_for_the_digest_of_the_commits_image(stand_ins):
    log, fakes = stand_ins
    commit = "0a1b2c3d" * 5

    result = make(
        "deploy-staging", "DRY_RUN=1", "IMAGE=registry.example/bt", f"COMMIT={commit}", *fakes["vars"],
        env={**fakes["env"], "FAKE_DIGEST": OTHER_DIGEST},
    )  # fmt: skip

    assert printed(result) == [
        f"staging: registry.example/bt@{OTHER_DIGEST} (commit {commit})",
        staging_upgrade(OTHER_DIGEST, commit, image="registry.example/bt").replace(HELM, fakes["vars"][0][5:]),
    ]
    # the lookup is read-only, and the only call a dry run makes
    assert calls(log) == [
        f"docker buildx imagetools inspect registry.example/bt:{commit} --format {{{{json .Manifest.Digest}}}}"
    ]


@pytest.mark.parametrize("answer", ["", "latest", "sha256:short"])
def test_deploy_staging_refuses_anything_but_a_digest(stand_ins, answer):
    log, fakes = stand_ins

    result = make("deploy-staging", *fakes["vars"], env={**fakes["env"], "FAKE_DIGEST": answer})

    assert result.returncode != 0
    assert "no image digest for" in result.stderr
    assert [call.split()[0] for call in calls(log)] == ["docker"]


def test_deploy_production_dry_run_reads_staging_and_prints_its_digest_and_commit(stand_ins):
    log, fakes = stand_ins
    commit = head()
    env = {
        **fakes["env"],
        "FAKE_STAGING_IMAGE": f"registry.example:5000/bt/berkeleytime@{DIGEST}",
        "FAKE_STAGING_REVISION": commit,
    }

    lines = printed(make("deploy-production", "DRY_RUN=1", *fakes["vars"], env=env))

    assert (
        lines[0]
        == f"production: registry.example:5000/bt/berkeleytime@{DIGEST} (commit {commit}, chart from that commit)"
    )
    upgrade = lines[1]
    assert upgrade.startswith(f"{fakes['vars'][0][5:]} upgrade --install berkeleytime /")
    assert "--namespace production" in upgrade
    assert f"--set-string image.digest={DIGEST}" in upgrade
    assert "--set-string image.repository=registry.example:5000/bt/berkeleytime" in upgrade
    assert f"--set-string image.revision={commit}" in upgrade
    assert len(lines) == 2
    # only the two read-only lookups ran
    assert [call.split()[:3] for call in calls(log)] == [["kubectl", "get", "deployment"]] * 2


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


# What a dry run may ask before printing: deploy-staging is given its digest; deploy-production reads staging.
DRY_RUN_ARGUMENTS = {"deploy-staging": [f"DIGEST={DIGEST}"]}
READ_ONLY = {"deploy-production": ["kubectl get", "kubectl get"]}


@pytest.mark.parametrize("target", DEPLOY_TARGETS)
def test_a_dry_run_changes_nothing(stand_ins, target):
    log, fakes = stand_ins
    env = {**fakes["env"], "FAKE_STAGING_IMAGE": f"{IMAGE}@{DIGEST}", "FAKE_STAGING_REVISION": head()}

    result = make(target, "DRY_RUN=1", *DRY_RUN_ARGUMENTS.get(target, []), *fakes["vars"], env=env)

    assert result.returncode == 0, result.stderr
    assert result.stdout.strip()
    assert [" ".join(call.split()[:2]) for call in calls(log)] == READ_ONLY.get(target, [])


def test_deploy_staging_upgrades_to_the_digest_and_builds_nothing(stand_ins):
    log, fakes = stand_ins
    commit = "0a1b2c3d" * 5

    result = make("deploy-staging", f"COMMIT={commit}", *fakes["vars"], env={**fakes["env"], "FAKE_DIGEST": DIGEST})

    assert result.returncode == 0, result.stderr
    lookup, upgrade = calls(log)
    assert lookup.startswith(f"docker buildx imagetools inspect {IMAGE}:{commit} ")
    assert upgrade.startswith("helm upgrade --install berkeleytime charts/berkeleytime --namespace staging")
    assert f"--set-string image.digest={DIGEST}" in upgrade
    assert f"--set-string image.revision={commit}" in upgrade


def test_deploy_production_installs_stagings_digest_with_the_chart_of_stagings_commit(stand_ins, tmp_path):
    log, fakes = stand_ins
    commit = head()
    seen = tmp_path / "seen-chart"
    env = {
        **fakes["env"],
        "FAKE_STAGING_IMAGE": f"registry.example:5000/bt/berkeleytime@{DIGEST}",
        "FAKE_STAGING_REVISION": commit,
        "SEEN_CHART": str(seen),
    }

    result = make("deploy-production", *fakes["vars"], env=env)

    assert result.returncode == 0, result.stderr
    *lookups, helm = calls(log)
    assert all(call.startswith("kubectl get deployment berkeleytime-web --namespace staging") for call in lookups)
    assert helm.startswith("helm upgrade --install berkeleytime /")
    assert f"{BASE_DIR}/charts" not in helm, "the working tree's chart"
    assert "--namespace production" in helm
    assert f"--set-string image.digest={DIGEST} " in helm
    assert "--set-string image.repository=registry.example:5000/bt/berkeleytime " in helm
    assert "--atomic --wait" in helm
    # the chart installed is the commit's, file for file
    for name in ("Chart.yaml", "values.yaml", "values-production.yaml", "templates/web-deployment.yaml"):
        committed = run(["git", "show", f"{commit}:charts/berkeleytime/{name}"]).stdout
        assert (seen / name).read_text() == committed, name
    values = helm.split("--values ")[1].split()[0]
    assert values.endswith("/charts/berkeleytime/values-production.yaml")
    assert not values.startswith("charts/")


@pytest.mark.parametrize(
    ("image", "revision", "message"),
    [
        ("", "HEAD", "not pinned by digest"),
        (f"{IMAGE}:9f8e7d6", "HEAD", "not pinned by digest"),
        (f"{IMAGE}@{DIGEST}", "", "no commit in its berkeleytime.com/revision annotation"),
        (f"{IMAGE}@{DIGEST}", "f" * 40, "is not in this clone"),
    ],
)
def test_deploy_production_refuses_what_it_cannot_pin(stand_ins, image, revision, message):
    log, fakes = stand_ins
    revision = head() if revision == "HEAD" else revision
    env = {**fakes["env"], "FAKE_STAGING_IMAGE": image, "FAKE_STAGING_REVISION": revision}

    result = make("deploy-production", *fakes["vars"], env=env)

    assert result.returncode != 0
    assert message in result.stderr
    assert [call.split()[0] for call in calls(log)] == ["kubectl", "kubectl"]


def test_build_and_push_stay_for_laptops_and_label_the_commit():
    commit = head()

    assert printed(make("push", "DRY_RUN=1")) == [
        f"docker build --platform linux/amd64 --label org.opencontainers.image.revision={commit}"
        f" --tag {IMAGE}:{commit} .",
        f"docker push {IMAGE}:{commit}",
    ]


def test_make_help_lists_every_deploy_target():
    listed = {line.split()[0] for line in printed(make("help")) if line.strip()}

    assert {*DEPLOY_TARGETS, "kube", "deploy-tools"} <= listed
