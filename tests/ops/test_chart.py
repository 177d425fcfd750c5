"""What the chart adds for operations: the deploy worker, the metrics directory, the release
tag, and /metrics kept off the public ingress."""

import pytest
from django.test import Client

from tests.deploy.conftest import ENVIRONMENTS, find, one, render


@pytest.fixture(scope="module")
def rendered() -> dict[str, list[dict]]:
    return {environment: render(environment) for environment in ENVIRONMENTS}


def container(workload: dict) -> dict:
    (only,) = workload["spec"]["template"]["spec"]["containers"]
    return only


def env_of(workload: dict) -> dict[str, dict]:
    return {item["name"]: item for item in container(workload).get("env", [])}


def test_production_runs_one_deploy_worker_that_alone_reads_the_github_token(rendered):
    docs = rendered["production"]
    worker = one(docs, "Deployment", "berkeleytime-deploy-worker")
    config = one(docs, "ConfigMap", "berkeleytime")["data"]

    assert worker["spec"]["replicas"] == 1
    assert container(worker)["args"] == ["python", "manage.py", "deploy_worker", "--probe-port", "8000"]
    assert env_of(worker)["GITHUB_TOKEN"]["valueFrom"]["secretKeyRef"] == {
        "name": "berkeleytime",
        "key": "GITHUB_TOKEN",
        "optional": True,
    }
    # the image has no docker, helm or Makefile: the buttons start the GitHub workflows
    assert config["DEPLOY_VIA"] == "github"
    assert config["DEPLOY_GIT_REF"] == "main"
    assert config["DEPLOY_DRY_RUN"] == "false"
    for deployment in find(docs, "Deployment"):
        if deployment is not worker:
            assert "GITHUB_TOKEN" not in env_of(deployment), deployment["metadata"]["name"]
    # nothing routes traffic to it
    for service in find(docs, "Service"):
        assert service["spec"]["selector"]["app.kubernetes.io/component"] != "deploy-worker"
    # a stopping worker may finish the deploy in hand
    assert worker["spec"]["template"]["spec"]["terminationGracePeriodSeconds"] >= 600
    assert worker["spec"]["strategy"]["rollingUpdate"]["maxUnavailable"] == 0


def test_staging_runs_no_deploy_worker(rendered):
    assert not find(rendered["staging"], "Deployment", "berkeleytime-deploy-worker")


@pytest.mark.parametrize("environment", ENVIRONMENTS)
def test_web_pods_keep_gunicorns_metrics_in_a_writable_in_memory_directory(rendered, environment):
    for deployment in find(rendered[environment], "Deployment"):
        component = deployment["spec"]["template"]["metadata"]["labels"]["app.kubernetes.io/component"]
        if component not in ("web", "search"):
            continue
        path = env_of(deployment)["PROMETHEUS_MULTIPROC_DIR"]["value"]
        mount = next(mount for mount in container(deployment)["volumeMounts"] if mount["mountPath"] == path)
        volumes = {volume["name"]: volume for volume in deployment["spec"]["template"]["spec"]["volumes"]}
        assert volumes[mount["name"]]["emptyDir"]["medium"] == "Memory"
        assert container(deployment)["securityContext"]["readOnlyRootFilesystem"] is True


def test_sentry_hears_the_image_tag_as_release(rendered):
    docs = render("production", "--set-string", "image.tag=0a1b2c3")
    assert one(docs, "ConfigMap", "berkeleytime")["data"]["BT_RELEASE"] == "0a1b2c3"
    assert container(one(docs, "Deployment", "berkeleytime-web"))["image"].endswith(":0a1b2c3")


@pytest.mark.django_db
@pytest.mark.parametrize("environment", ENVIRONMENTS)
def test_metrics_cannot_be_reached_through_the_ingress_but_prometheus_reaches_the_pod(rendered, environment, settings):
    docs = rendered[environment]
    config = one(docs, "ConfigMap", "berkeleytime")["data"]
    pod_ip = "10.28.3.17"
    settings.ALLOWED_HOSTS = [*config["ALLOWED_HOSTS"].split(","), pod_ip]
    settings.BT_MAIN_HOST = config["BT_MAIN_HOST"]
    settings.BT_DASHBOARD_HOST = config.get("BT_DASHBOARD_HOST", settings.BT_DASHBOARD_HOST)
    settings.BT_SEARCH_HOST = config.get("BT_SEARCH_HOST", settings.BT_SEARCH_HOST)
    settings.SECURE_SSL_REDIRECT = False
    hosts = {rule["host"] for ingress in find(docs, "Ingress") for rule in ingress["spec"]["rules"]}
    assert hosts

    for host in sorted(hosts):
        # what the NGINX Ingress Controller forwards for https://<host>/metrics
        client = Client(HTTP_HOST=host, HTTP_X_FORWARDED_FOR="203.0.113.9", HTTP_X_REAL_IP="203.0.113.9")
        assert client.get("/metrics").status_code == 404, host

    web = one(docs, "Deployment", "berkeleytime-web")["spec"]["template"]["metadata"]["annotations"]
    scrape = Client(HTTP_HOST=f"{pod_ip}:{web['prometheus.io/port']}").get(web["prometheus.io/path"])
    assert scrape.status_code == 200
    assert b"berkeleytime_http_requests_total" in scrape.content
