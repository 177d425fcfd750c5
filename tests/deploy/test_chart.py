"""The Helm chart in charts/berkeleytime: it lints, renders valid manifests and says what production needs."""

import re

import pytest
import yaml
from django.urls import Resolver404, resolve

from tests.deploy.conftest import (
    CHART,
    CRD_KINDS,
    ENVIRONMENTS,
    KUBE_VERSION,
    find,
    helm_template,
    kinds_without_schema,
    one,
    pod_templates,
    render,
    run,
    tool,
)

# Settings that are credentials: only ever read from the existing Secret.
SIS_CREDENTIALS = {f"SIS_{api}_APP_{part}" for api in ("TERM", "CLASS", "COURSE") for part in ("ID", "KEY")}
SECRET_SETTINGS = {
    "SECRET_KEY", "DATABASE_URL", "REDIS_PASSWORD", "ELASTICSEARCH_URL", "SENTRY_DSN", "GOOGLE_CLIENT_ID",
    "GOOGLE_CLIENT_SECRET", *SIS_CREDENTIALS,
}  # fmt: skip
CREDENTIALS_IN_URL = re.compile(r"[a-z][a-z0-9+.-]*://[^/\s:@$]+:[^/\s@$]+@", re.IGNORECASE)


def env_of(container: dict) -> dict[str, dict]:
    return {item["name"]: item for item in container.get("env", [])}


@pytest.mark.parametrize("environment", ENVIRONMENTS)
def test_the_chart_lints_for_each_environment(environment):
    result = run(
        [
            tool("bin/helm"), "lint", CHART, "--strict",
            "--namespace", environment,
            "--values", CHART / f"values-{environment}.yaml",
            "--kube-version", KUBE_VERSION,
        ]
    )  # fmt: skip
    assert result.returncode == 0, result.stdout + result.stderr
    assert "0 chart(s) failed" in result.stdout


@pytest.mark.parametrize("environment", ENVIRONMENTS)
def test_rendered_manifests_validate_strictly(environment, tmp_path):
    manifest = tmp_path / f"{environment}.yaml"
    manifest.write_text(helm_template(environment).stdout)

    result = run([tool("venv/bin/kubernetes-validate"), "--strict", "-k", KUBE_VERSION, manifest])

    assert result.returncode == 0, result.stdout + result.stderr
    assert "passed for resource deployment/berkeleytime-web" in result.stdout + result.stderr
    assert kinds_without_schema(result.stdout + result.stderr) <= CRD_KINDS


def test_the_validator_rejects_a_field_kubernetes_does_not_know(rendered, tmp_path):
    # given the production web Deployment with a misspelt field
    deployment = one(rendered["production"], "Deployment", "berkeleytime-web")
    deployment["spec"]["template"]["spec"]["containers"][0]["readinessProbes"] = {}
    manifest = tmp_path / "broken.yaml"
    manifest.write_text(yaml.safe_dump(deployment))

    result = run([tool("venv/bin/kubernetes-validate"), "--strict", "-k", KUBE_VERSION, manifest])

    assert result.returncode != 0


def ingress_kind(ingress: dict) -> str:
    return ingress["metadata"]["annotations"]["nginx.org/mergeable-ingress-type"]


def ingress_routes(docs: list[dict], path: str = "/") -> dict[str, str]:
    """host -> Service for the minion Ingresses routing `path`, each on one host."""
    routes = {}
    for ingress in find(docs, "Ingress"):
        if ingress_kind(ingress) != "minion":
            continue
        (rule,) = ingress["spec"]["rules"]
        (route,) = rule["http"]["paths"]
        if route["path"] == path:
            assert route["pathType"] == "Prefix"
            assert rule["host"] not in routes, f"two minions route {path} on {rule['host']}"
            routes[rule["host"]] = route["backend"]["service"]["name"]
    return routes


def masters(docs: list[dict]) -> dict[str, dict]:
    """host -> its master Ingress; the controller accepts one master per host and no paths on it."""
    found = {}
    for ingress in find(docs, "Ingress"):
        if ingress_kind(ingress) == "master":
            (rule,) = ingress["spec"]["rules"]
            assert "http" not in rule, "a master Ingress holds no paths"
            assert rule["host"] not in found
            found[rule["host"]] = ingress
    return found


def test_production_hosts_route_to_their_services(rendered):
    docs = rendered["production"]

    assert ingress_routes(docs) == {
        "berkeleytime.com": "berkeleytime-web",
        "www.berkeleytime.com": "berkeleytime-web",
        "dashboard.berkeleytime.com": "berkeleytime-web",
        "search.berkeleytime.com": "berkeleytime-search",
    }
    # each backend Service exists, has the port the Ingress names, and selects its Deployment's pods
    for component in ("web", "search"):
        service = one(docs, "Service", f"berkeleytime-{component}")
        deployment = one(docs, "Deployment", f"berkeleytime-{component}")
        assert service["spec"]["type"] == "ClusterIP"
        assert [port["name"] for port in service["spec"]["ports"]] == ["http"]
        pod_labels = deployment["spec"]["template"]["metadata"]["labels"]
        assert service["spec"]["selector"].items() <= pod_labels.items()
        assert service["spec"]["selector"]["app.kubernetes.io/component"] == component


def test_staging_serves_only_its_own_host(rendered):
    assert ingress_routes(rendered["staging"]) == {"staging.berkeleytime.com": "berkeleytime-web"}
    assert not find(rendered["staging"], "Service", "berkeleytime-search")


@pytest.mark.parametrize("environment", ENVIRONMENTS)
def test_tls_is_issued_by_cert_manager_for_every_host(rendered, environment):
    docs = rendered[environment]
    (certificate,) = find(docs, "Certificate")
    hosts = masters(docs)

    assert certificate["apiVersion"] == "cert-manager.io/v1"
    assert certificate["spec"]["issuerRef"] == {
        "group": "cert-manager.io",
        "kind": "ClusterIssuer",
        "name": "letsencrypt",
    }
    assert sorted(certificate["spec"]["dnsNames"]) == sorted(hosts) == sorted(ingress_routes(docs))
    for host, master in hosts.items():
        assert master["spec"]["ingressClassName"] == "nginx"
        assert master["spec"]["tls"] == [{"secretName": certificate["spec"]["secretName"], "hosts": [host]}]
    for ingress in find(docs, "Ingress"):
        assert ingress["spec"]["ingressClassName"] == "nginx"
        assert ingress_kind(ingress) in ("master", "minion")
        # only masters carry TLS and host-wide settings; a minion's host must have a master
        if ingress_kind(ingress) == "minion":
            assert "tls" not in ingress["spec"]
            assert ingress["spec"]["rules"][0]["host"] in hosts
    # cert-manager's HTTP-01 challenge Ingress joins the host's master as a minion
    issuer = yaml.safe_load((CHART.parent / "addons" / "cluster-issuer.yaml").read_text())
    (solver,) = issuer["spec"]["acme"]["solvers"]
    assert solver["http01"]["ingress"]["ingressClassName"] == "nginx"
    template_annotations = solver["http01"]["ingress"]["ingressTemplate"]["metadata"]["annotations"]
    assert template_annotations["nginx.org/mergeable-ingress-type"] == "minion"


def test_production_runs_four_to_eight_web_pods_and_never_drops_below(rendered):
    docs = rendered["production"]
    deployment = one(docs, "Deployment", "berkeleytime-web")
    hpa = one(docs, "HorizontalPodAutoscaler", "berkeleytime-web")
    pdb = one(docs, "PodDisruptionBudget", "berkeleytime-web")

    assert (hpa["spec"]["minReplicas"], hpa["spec"]["maxReplicas"]) == (4, 8)
    assert hpa["spec"]["scaleTargetRef"] == {"apiVersion": "apps/v1", "kind": "Deployment", "name": "berkeleytime-web"}
    # the autoscaler owns the replica count: a deploy must not reset it
    assert "replicas" not in deployment["spec"]
    assert deployment["spec"]["strategy"]["rollingUpdate"]["maxUnavailable"] == 0
    assert pdb["spec"]["maxUnavailable"] == 1
    assert (
        pdb["spec"]["selector"]["matchLabels"].items() <= deployment["spec"]["template"]["metadata"]["labels"].items()
    )


def test_the_probe_paths_exist_in_the_django_urlconf(rendered):
    for environment, docs in rendered.items():
        for deployment in find(docs, "Deployment"):
            (container,) = deployment["spec"]["template"]["spec"]["containers"]
            paths = {
                kind: container[kind]["httpGet"]["path"] for kind in ("startupProbe", "livenessProbe", "readinessProbe")
            }
            for kind, path in paths.items():
                try:
                    resolve(path)
                except Resolver404:
                    pytest.fail(f"{environment} {deployment['metadata']['name']} {kind} {path} is not in the URLconf")
            assert resolve(paths["livenessProbe"]).url_name == "livez"
            # readiness checks the database and Redis; liveness only that the process answers
            assert resolve(paths["readinessProbe"]).url_name == "readyz"
            assert container["startupProbe"]["failureThreshold"] * container["startupProbe"]["periodSeconds"] >= 30


def test_every_pod_runs_locked_down(rendered):
    for environment, docs in rendered.items():
        for name, template in pod_templates(docs):
            where = f"{environment} {name}"
            pod = template["spec"]
            assert pod["securityContext"]["runAsNonRoot"] is True, where
            assert pod["securityContext"]["runAsUser"] > 0, where
            assert pod["securityContext"]["seccompProfile"] == {"type": "RuntimeDefault"}, where
            assert pod["automountServiceAccountToken"] is False, where
            volumes = {volume["name"]: volume for volume in pod["volumes"]}
            for container in pod.get("initContainers", []) + pod["containers"]:
                context = container["securityContext"]
                assert context["runAsNonRoot"] is True, where
                assert context["readOnlyRootFilesystem"] is True, where
                assert context["allowPrivilegeEscalation"] is False, where
                assert context["capabilities"]["drop"] == ["ALL"], where
                assert "add" not in context["capabilities"], where
                tmp = next(mount for mount in container["volumeMounts"] if mount["mountPath"] == "/tmp")
                assert "emptyDir" in volumes[tmp["name"]], where
                assert {"cpu", "memory"} <= container["resources"]["requests"].keys(), where
                assert {"cpu", "memory"} <= container["resources"]["limits"].keys(), where


def test_only_the_web_pods_read_the_google_sign_in_client(rendered):
    for environment, docs in rendered.items():
        for name, template in pod_templates(docs):
            for container in template["spec"]["containers"]:
                env = env_of(container)
                if name.endswith("-web"):
                    for setting in ("GOOGLE_CLIENT_ID", "GOOGLE_CLIENT_SECRET"):
                        reference = env[setting]["valueFrom"]["secretKeyRef"]
                        assert reference == {"name": "berkeleytime", "key": setting, "optional": True}, environment
                else:
                    assert "GOOGLE_CLIENT_SECRET" not in env, f"{environment} {name}"


def test_no_secret_value_is_rendered_or_kept_in_values(rendered):
    for environment, docs in rendered.items():
        assert not find(docs, "Secret"), "the chart must never create a Secret"
        configmap = one(docs, "ConfigMap", "berkeleytime")
        assert not SECRET_SETTINGS & configmap["data"].keys()
        for value in configmap["data"].values():
            assert not CREDENTIALS_IN_URL.search(value), value
        for name, template in pod_templates(docs):
            for container in template["spec"].get("initContainers", []) + template["spec"]["containers"]:
                env = env_of(container)
                for setting in SECRET_SETTINGS & env.keys():
                    reference = env[setting]["valueFrom"]["secretKeyRef"]
                    assert reference["name"] == "berkeleytime", f"{environment} {name} {setting}"
                    assert "value" not in env[setting]
                if not container["image"].startswith(APP_IMAGE):
                    continue  # the backup tools (postgres, gcloud) read only what they need
                assert {"SECRET_KEY", "DATABASE_URL"} <= env.keys(), f"{environment} {name}"
                # the Redis URL is assembled around the password from the Secret, never written out
                assert env["REDIS_URL"]["value"].startswith("redis://:$(REDIS_PASSWORD)@")

    for values_file in sorted(CHART.glob("values*.yaml")) + sorted((CHART.parent / "addons").glob("*.yaml")):
        text = values_file.read_text()
        assert not CREDENTIALS_IN_URL.search(text), values_file
        for path, value in flatten(yaml.safe_load_all(text)):
            key = path[-1]
            if re.search(r"password|secret|token|dsn|apikey", key, re.IGNORECASE):
                # a key naming a credential may only point at one: a Secret's name or a key inside it
                assert re.search(r"[eE]xistingSecret|Key$|Ref$|Name$|Secrets$", key) or path[:1] == (
                    "existingSecret",
                ), f"{values_file.name}: {'.'.join(path)} = {value!r}"


def flatten(documents, prefix=()) -> list[tuple[tuple[str, ...], object]]:
    """(key path, value) for every key of every YAML document."""
    items = []
    for document in documents if not isinstance(documents, dict) else [documents]:
        if isinstance(document, dict):
            for key, value in document.items():
                path = (*prefix, str(key))
                items.append((path, value))
                if isinstance(value, dict):
                    items.extend(flatten(value, path))
                elif isinstance(value, list):
                    items.extend(flatten([item for item in value if isinstance(item, dict)], path))
    return items


def test_staging_and_production_differ_where_they_must(rendered):
    config = {env: one(docs, "ConfigMap", "berkeleytime")["data"] for env, docs in rendered.items()}
    web = {env: one(docs, "Deployment", "berkeleytime-web") for env, docs in rendered.items()}
    redis_url = {
        env: env_of(web[env]["spec"]["template"]["spec"]["containers"][0])["REDIS_URL"]["value"] for env in web
    }

    assert config["staging"]["BT_ENVIRONMENT"] == "staging"
    assert config["production"]["BT_ENVIRONMENT"] == "production"
    assert {doc["metadata"]["namespace"] for doc in rendered["staging"]} == {"staging"}
    assert {doc["metadata"]["namespace"] for doc in rendered["production"]} == {"production"}
    # the two share a Redis but never a cache: own key prefix and own database number
    assert config["staging"]["CACHE_KEY_PREFIX"] != config["production"]["CACHE_KEY_PREFIX"]
    assert redis_url["staging"].rsplit("/", 1)[1] != redis_url["production"].rsplit("/", 1)[1]
    # hosts never overlap, so one ingress controller can serve both
    staging_hosts = set(config["staging"]["ALLOWED_HOSTS"].split(","))
    production_hosts = set(config["production"]["ALLOWED_HOSTS"].split(","))
    assert not staging_hosts & production_hosts
    # staging is one pod; production autoscales
    assert web["staging"]["spec"]["replicas"] == 1
    assert not find(rendered["staging"], "HorizontalPodAutoscaler")
    # only production imports, syncs and reindexes, and backs its database up; staging restores that backup
    assert {doc["metadata"]["name"] for doc in find(rendered["staging"], "CronJob")} == {"berkeleytime-staging-refresh"}
    assert {doc["metadata"]["name"] for doc in find(rendered["production"], "CronJob")} == {
        "berkeleytime-database-backup",
        "berkeleytime-import",
        "berkeleytime-reindex",
        "berkeleytime-sis-terms",
        "berkeleytime-sis-courses",
        "berkeleytime-sis-classes",
        "berkeleytime-sis-enrollment",
    }


def test_the_nightly_jobs_never_overlap_and_give_up_in_time(rendered):
    docs = rendered["production"]
    commands = {
        "berkeleytime-import": ["python", "manage.py", "import_all"],
        "berkeleytime-reindex": ["python", "manage.py", "search_index", "--rebuild"],
        "berkeleytime-sis-terms": ["python", "manage.py", "sis_sync", "terms", "--no-progress"],
        "berkeleytime-sis-courses": ["python", "manage.py", "sis_sync", "courses", "--no-progress"],
        "berkeleytime-sis-classes": ["python", "manage.py", "sis_sync", "classes", "--current-terms", "--no-progress"],
        "berkeleytime-sis-enrollment": ["python", "manage.py", "sis_sync", "enrollment", "--open-terms", "--no-progress"],
    }  # fmt: skip
    for name, command in commands.items():
        cronjob = one(docs, "CronJob", name)
        (container,) = cronjob["spec"]["jobTemplate"]["spec"]["template"]["spec"]["containers"]
        assert container["args"] == command
        assert cronjob["spec"]["concurrencyPolicy"] == "Forbid"
        assert cronjob["spec"]["startingDeadlineSeconds"] > 0
        assert cronjob["spec"]["jobTemplate"]["spec"]["activeDeadlineSeconds"] > 0

    # the import reads the data set from a read-only volume mounted where BT_DATA_DIR points
    data_dir = one(docs, "ConfigMap", "berkeleytime")["data"]["BT_DATA_DIR"]
    pod = one(docs, "CronJob", "berkeleytime-import")["spec"]["jobTemplate"]["spec"]["template"]["spec"]
    mount = next(mount for mount in pod["containers"][0]["volumeMounts"] if mount["mountPath"] == data_dir)
    volume = next(volume for volume in pod["volumes"] if volume["name"] == mount["name"])
    assert mount["readOnly"] is True
    assert volume["persistentVolumeClaim"]["readOnly"] is True


def minutes_of_day(schedule: str) -> set[int]:
    """The minutes of the day a daily cron schedule ("M H * * *", lists and */N allowed) starts at."""
    minute, hour, *rest = schedule.split()
    assert rest == ["*", "*", "*"], schedule

    def expand(field: str, span: int) -> list[int]:
        if field.startswith("*/"):
            return list(range(0, span, int(field[2:])))
        return list(range(span)) if field == "*" else [int(part) for part in field.split(",")]

    return {h * 60 + m for h in expand(hour, 24) for m in expand(minute, 60)}


def test_the_sis_syncs_run_at_the_live_sites_cadence_clear_of_the_import(rendered):
    docs = rendered["production"]
    schedule = {name: one(docs, "CronJob", f"berkeleytime-sis-{name}")["spec"]["schedule"]
                for name in ("terms", "courses", "classes", "enrollment")}  # fmt: skip
    assert len(minutes_of_day(schedule["terms"])) == 2
    assert len(minutes_of_day(schedule["classes"])) == 2
    assert len(minutes_of_day(schedule["courses"])) == 1
    assert sorted(minutes_of_day(schedule["enrollment"]))[:3] == [0, 15, 30]  # every 15 minutes, all day
    # classes follow the terms they are for
    assert all(c > t for t, c in zip(sorted(minutes_of_day(schedule["terms"])),
                                     sorted(minutes_of_day(schedule["classes"])), strict=True))  # fmt: skip

    # the terms, courses and classes syncs start and end outside the import's window
    imports = one(docs, "CronJob", "berkeleytime-import")
    start = min(minutes_of_day(imports["spec"]["schedule"]))
    window = range(start, start + imports["spec"]["jobTemplate"]["spec"]["activeDeadlineSeconds"] // 60 + 1)
    for name in ("terms", "courses", "classes"):
        cronjob = one(docs, "CronJob", f"berkeleytime-sis-{name}")
        longest = cronjob["spec"]["jobTemplate"]["spec"]["activeDeadlineSeconds"] // 60
        for begins in minutes_of_day(schedule[name]):
            assert not set(range(begins, begins + longest + 1)) & set(window), name
    # the 15-minute enrollment sync ends before the next begins; meeting the import, the two
    # wait for each other (tests/sis: no two runs write at once)
    enrollment = one(docs, "CronJob", "berkeleytime-sis-enrollment")
    assert enrollment["spec"]["jobTemplate"]["spec"]["activeDeadlineSeconds"] < 15 * 60

    # only the sync pods hold the SIS credentials, each from the Secret, optional there
    for name, template in pod_templates(docs):
        env = env_of(template["spec"]["containers"][0])
        if "sis-" in name:
            assert env.keys() >= SIS_CREDENTIALS, name
            assert all(env[key]["valueFrom"]["secretKeyRef"]["optional"] is True for key in SIS_CREDENTIALS)
            assert env["SIS_API_URL"]["value"] == "https://gateway.api.berkeley.edu/sis"
        else:
            assert not SIS_CREDENTIALS & env.keys(), name


@pytest.mark.parametrize("environment", ENVIRONMENTS)
def test_migrations_run_as_a_hook_before_install_and_upgrade(rendered, environment):
    docs = rendered[environment]
    (job,) = find(docs, "Job")
    web = one(docs, "Deployment", "berkeleytime-web")
    (container,) = job["spec"]["template"]["spec"]["containers"]

    assert job["metadata"]["annotations"]["helm.sh/hook"] == "pre-install,pre-upgrade"
    assert container["args"] == ["python", "manage.py", "migrate", "--noinput"]
    assert container["image"] == web["spec"]["template"]["spec"]["containers"][0]["image"]
    # a pre-install hook runs before the ConfigMap exists: its settings are written into the pod
    assert "envFrom" not in container
    configmap = one(docs, "ConfigMap", "berkeleytime")["data"]
    env = env_of(container)
    for name, value in configmap.items():
        if name != "ALLOWED_HOSTS":
            assert env[name]["value"] == value
    assert env["ALLOWED_HOSTS"]["value"] == configmap["ALLOWED_HOSTS"] + ",$(POD_IP)"


DIGEST = "sha256:" + "0123456789abcdef" * 4
APP_IMAGE = "ghcr.io/asuc-octo/berkeleytime"
TOOL_IMAGES = {
    yaml.safe_load((CHART / "values.yaml").read_text())["databaseBackup"][image]
    for image in ("postgresImage", "gcloudImage")
}
REVISION = "0123456789abcdef0123456789abcdef01234567"


def containers_of(template: dict) -> list[dict]:
    return template["spec"].get("initContainers", []) + template["spec"]["containers"]


@pytest.mark.parametrize("environment", ENVIRONMENTS)
def test_a_digest_pins_every_container_and_the_revision_annotates_every_workload(environment):
    docs = render(
        environment, "--set-string", f"image.digest={DIGEST}", "--set-string", f"image.revision={REVISION}",
        "--set-string", "image.tag=0a1b2c3",
    )  # fmt: skip

    pods = pod_templates(docs)
    assert len(pods) >= (3 if environment == "staging" else 11)
    app_containers = 0
    for name, template in pods:
        for container in containers_of(template):
            if container["image"] in TOOL_IMAGES:
                continue  # the backup tools, pinned by their own digests
            assert container["image"] == f"{APP_IMAGE}@{DIGEST}", name
            assert container["imagePullPolicy"] == "IfNotPresent", name
            app_containers += 1
    assert app_containers == (4 if environment == "staging" else 12)
    for doc in docs:
        if doc["kind"] in ("Deployment", "Job", "CronJob"):
            assert doc["metadata"]["annotations"]["berkeleytime.com/revision"] == REVISION, doc["metadata"]["name"]
    # the tag still names the build
    web = one(docs, "Deployment", "berkeleytime-web")
    assert web["metadata"]["labels"]["app.kubernetes.io/version"] == "0a1b2c3"
    assert one(docs, "ConfigMap", "berkeleytime")["data"]["BT_RELEASE"] == "0a1b2c3"


def test_without_a_digest_containers_pull_the_tag_and_workloads_carry_no_revision(rendered):
    for name, template in pod_templates(rendered["production"]):
        for container in containers_of(template):
            if container["image"] in TOOL_IMAGES:
                continue
            assert container["image"].startswith(f"{APP_IMAGE}:"), name
            assert container["imagePullPolicy"] == "Always", name
    for doc in rendered["production"]:
        assert "berkeleytime.com/revision" not in doc["metadata"].get("annotations", {})


@pytest.mark.parametrize(
    ("setting", "message"),
    [
        ("image.digest=0123abc", "image.digest must be sha256:<64 lowercase hex>"),
        (f"image.digest=sha256:{'A' * 64}", "image.digest must be sha256:<64 lowercase hex>"),
        ("image.revision=0a1b2c3", "image.revision must be a full git commit"),
    ],
)
def test_a_malformed_digest_or_revision_fails_the_render(setting, message):
    result = helm_template("production", "--set-string", setting)

    assert result.returncode != 0
    assert message in result.stderr


@pytest.mark.parametrize("environment", ENVIRONMENTS)
def test_web_and_search_pods_wait_for_migrations_in_an_init_container(rendered, environment):
    for component in ("web", "search"):
        deployments = find(rendered[environment], "Deployment", f"berkeleytime-{component}")
        if not deployments:
            continue
        spec = deployments[0]["spec"]["template"]["spec"]
        (init,) = spec["initContainers"]
        (server,) = spec["containers"]
        assert init["args"] == ["wait-for-migrations"]
        assert init["image"] == server["image"]
        assert init["envFrom"] == server["envFrom"]
        assert env_of(init)["DATABASE_URL"] == env_of(server)["DATABASE_URL"]
        assert int(env_of(init)["MIGRATIONS_WAIT_TIMEOUT"]["value"]) > 0
        assert init["securityContext"] == server["securityContext"]


def test_a_plain_migrate_job_is_named_after_the_digest_and_its_template_ignores_config():
    def job(*extra):
        docs = render("production", "--set", "migrations.hook=false", *extra)
        (found,) = find(docs, "Job")
        return found

    pinned = job("--set-string", f"image.digest={DIGEST}")
    assert pinned["metadata"]["name"] == "berkeleytime-migrate-0123456789ab"
    assert "helm.sh/hook" not in pinned["metadata"].get("annotations", {})
    (container,) = pinned["spec"]["template"]["spec"]["containers"]
    assert container["envFrom"] == [{"configMapRef": {"name": "berkeleytime"}}]

    reconfigured = job("--set-string", f"image.digest={DIGEST}", "--set", "config.logLevel=WARNING")
    assert reconfigured["metadata"]["name"] == pinned["metadata"]["name"]
    assert reconfigured["spec"]["template"] == pinned["spec"]["template"]

    rebuilt = job("--set-string", f"image.digest=sha256:{'f' * 64}")
    assert rebuilt["metadata"]["name"] == "berkeleytime-migrate-ffffffffffff"

    assert job()["metadata"]["name"] == "berkeleytime-migrate-1-0-0"


def test_pods_carry_standard_labels_and_prometheus_annotations(rendered):
    docs = rendered["production"]
    for doc in docs:
        labels = doc["metadata"]["labels"]
        for label in ("name", "instance", "version", "managed-by", "part-of"):
            assert f"app.kubernetes.io/{label}" in labels, f"{doc['kind']} {doc['metadata']['name']}"
    for component in ("web", "search"):
        template = one(docs, "Deployment", f"berkeleytime-{component}")["spec"]["template"]
        annotations = template["metadata"]["annotations"]
        (container,) = template["spec"]["containers"]
        assert template["metadata"]["labels"]["app.kubernetes.io/component"] == component
        assert annotations["prometheus.io/scrape"] == "true"
        assert annotations["prometheus.io/path"] == "/metrics"
        assert annotations["prometheus.io/port"] == str(container["ports"][0]["containerPort"])


def test_a_configuration_change_restarts_the_pods(rendered):
    def checksum(docs):
        return one(docs, "Deployment", "berkeleytime-web")["spec"]["template"]["metadata"]["annotations"][
            "checksum/config"
        ]

    changed = render("production", "--set", "config.logLevel=WARNING")

    assert checksum(changed) != checksum(rendered["production"])
    assert checksum(render("production")) == checksum(rendered["production"])


def test_the_image_tag_defaults_to_the_app_version_and_is_never_latest(rendered):
    app_version = yaml.safe_load((CHART / "Chart.yaml").read_text())["appVersion"]
    web = one(rendered["production"], "Deployment", "berkeleytime-web")
    assert web["spec"]["template"]["spec"]["containers"][0]["image"].endswith(f":{app_version}")

    deployed = render("staging", "--set-string", "image.tag=0a1b2c3")
    assert one(deployed, "Deployment", "berkeleytime-web")["spec"]["template"]["spec"]["containers"][0][
        "image"
    ].endswith(":0a1b2c3")

    latest = helm_template("staging", "--set-string", "image.tag=latest")
    assert latest.returncode != 0
    assert "never latest" in latest.stderr


def key_lines(text: str) -> list[tuple[int, str, bool, bool]]:
    """(indent, key, documented by a `# --` comment right above, is a leaf) for each mapping key."""
    lines = text.splitlines()
    keys = []
    for number, line in enumerate(lines):
        match = re.match(r"^( *)([A-Za-z0-9_.\-/]+):(.*)$", line)
        if not match:
            continue
        above = number - 1
        documented = False
        while above >= 0 and lines[above].strip().startswith("#"):
            documented = documented or lines[above].strip().startswith("# --")
            above -= 1
        following = next(
            (other for other in lines[number + 1 :] if other.strip() and not other.strip().startswith("#")), ""
        )
        nested_key = re.match(r"^( *)[A-Za-z0-9_.\-/]+:", following)
        is_leaf = bool(match.group(3).strip()) or not (nested_key and len(nested_key.group(1)) > len(match.group(1)))
        keys.append((len(match.group(1)), match.group(2), documented, is_leaf))
    return keys


def test_values_yaml_documents_every_key():
    undocumented = []
    stack: list[tuple[int, bool]] = []  # (indent, documented) of the enclosing keys
    for indent, key, documented, is_leaf in key_lines((CHART / "values.yaml").read_text()):
        while stack and stack[-1][0] >= indent:
            stack.pop()
        covered = documented or any(parent_documented for _, parent_documented in stack)
        if is_leaf and not covered:
            undocumented.append(key)
        stack.append((indent, documented))
        if len(stack) <= 2 and not covered:
            assert re.fullmatch(r"[a-z][a-zA-Z0-9]*", key), f"values key {key!r} is not camelCase"

    assert not undocumented, f"values.yaml keys without a `# --` comment: {undocumented}"


@pytest.mark.parametrize("environment", ENVIRONMENTS)
def test_environment_values_only_set_keys_values_yaml_defines(environment):
    defaults = yaml.safe_load((CHART / "values.yaml").read_text())
    overrides = yaml.safe_load((CHART / f"values-{environment}.yaml").read_text())

    def unknown(override: dict, default: dict, prefix: str = "") -> list[str]:
        missing = []
        for key, value in override.items():
            if key not in default:
                missing.append(prefix + key)
            elif isinstance(value, dict) and isinstance(default[key], dict) and default[key]:
                missing.extend(unknown(value, default[key], f"{prefix}{key}."))
        return missing

    # a misspelt key would be ignored by helm without a word
    assert not unknown(overrides, defaults)


@pytest.mark.parametrize("environment", ENVIRONMENTS)
def test_the_api_ingress_limits_each_client_and_shares_the_certificate(rendered, environment):
    docs = rendered[environment]
    values = yaml.safe_load((CHART / "values.yaml").read_text())["ingress"]["apiRateLimit"]

    api_minions = [ingress for ingress in find(docs, "Ingress") if ingress["metadata"]["name"].endswith("-api")]
    assert api_minions
    for api in api_minions:
        annotations = api["metadata"]["annotations"]
        assert annotations["nginx.org/mergeable-ingress-type"] == "minion"
        # the F5 controller's names for ingress-nginx's limit-rps and limit-burst-multiplier
        assert annotations["nginx.org/limit-req-rate"] == f"{values['rps']}r/s"
        assert annotations["nginx.org/limit-req-burst"] == str(values["rps"] * values["burstMultiplier"])
        assert annotations["nginx.org/limit-req-no-delay"] == "true"
        assert annotations["nginx.org/limit-req-key"] == "${binary_remote_addr}"
        assert annotations["nginx.org/limit-req-zone-size"] == values["zoneSize"]
        assert annotations["nginx.org/limit-req-reject-code"] == "429"
        # TLS comes from the host's master, which serves the one Certificate's Secret
        assert "tls" not in api["spec"]
        assert not any(key.startswith("nginx.ingress.kubernetes.io/") for key in annotations)
    # /api/ on every public host, to the same Service as the host's pages; never the dashboard's
    routes = ingress_routes(docs)
    api_routes = ingress_routes(docs, "/api/")
    assert api_routes == {host: service for host, service in routes.items() if not host.startswith("dashboard.")}
    config = one(docs, "ConfigMap", "berkeleytime")["data"]
    assert config["TRUSTED_PROXY_COUNT"] == "1"
    assert re.fullmatch(r"\d+/(s|sec|m|min|h|hour|d|day)", config["API_RATE_BURST"])


def containers_by_name(cronjob: dict) -> dict[str, dict]:
    pod = cronjob["spec"]["jobTemplate"]["spec"]["template"]["spec"]
    return {container["name"]: container for container in pod.get("initContainers", []) + pod["containers"]}


def test_production_backs_its_database_up_nightly_to_the_bucket_staging_restores_from(rendered):
    production, staging = rendered["production"], rendered["staging"]
    backup = one(production, "CronJob", "berkeleytime-database-backup")
    refresh = one(staging, "CronJob", "berkeleytime-staging-refresh")
    pod = backup["spec"]["jobTemplate"]["spec"]["template"]["spec"]

    # dump (postgres) first, then upload (gcloud), both running the chart's script
    assert [c["name"] for c in pod["initContainers"]] == ["dump"]
    assert [c["name"] for c in pod["containers"]] == ["upload"]
    steps = containers_by_name(backup)
    assert steps["dump"]["image"].startswith("postgres:15.")
    assert steps["upload"]["image"].startswith("gcr.io/google.com/cloudsdktool/google-cloud-cli:")
    for container in steps.values():
        assert re.search(r"@sha256:[0-9a-f]{64}$", container["image"]), container["name"]
        assert container["command"] == ["bash", "/scripts/database-backup.sh"]
    assert steps["dump"]["args"] == ["dump", "$(DATABASE_URL)", "/backup"]
    assert env_of(steps["dump"])["DATABASE_URL"]["valueFrom"]["secretKeyRef"]["name"] == "berkeleytime"
    assert "DATABASE_URL" not in env_of(steps["upload"])  # the bucket side never sees the database
    assert steps["upload"]["args"] == ["upload", "/backup", "$(BACKUP_BUCKET)"]

    # the same bucket, read by staging's refresh: download, restore, then this image's migrations
    bucket = env_of(steps["upload"])["BACKUP_BUCKET"]["value"]
    assert bucket.startswith("gs://")
    refresh_steps = containers_by_name(refresh)
    assert list(refresh_steps) == ["download", "restore", "migrate"]
    assert env_of(refresh_steps["download"])["BACKUP_BUCKET"]["value"] == bucket
    assert refresh_steps["restore"]["args"] == ["restore", "/backup", "$(DATABASE_URL)"]
    assert refresh_steps["migrate"]["args"] == ["python", "manage.py", "migrate", "--noinput"]
    web = one(staging, "Deployment", "berkeleytime-web")["spec"]["template"]["spec"]["containers"][0]
    assert refresh_steps["migrate"]["image"] == web["image"]
    # the refresh starts after the backup has had its time
    backup_minute = minutes_of_day(backup["spec"]["schedule"]).pop()
    refresh_minute = minutes_of_day(refresh["spec"]["schedule"]).pop()
    assert refresh_minute * 60 >= backup_minute * 60 + backup["spec"]["jobTemplate"]["spec"]["activeDeadlineSeconds"]
    assert backup["spec"]["timeZone"] == refresh["spec"]["timeZone"]

    # the script they run is the chart's file, and each environment has its own Google identity
    for docs in (production, staging):
        scripts = one(docs, "ConfigMap", "berkeleytime-database-scripts")["data"]["database-backup.sh"]
        assert scripts == (CHART / "files" / "database-backup.sh").read_text()
        pod = (backup if docs is production else refresh)["spec"]["jobTemplate"]["spec"]["template"]["spec"]
        assert pod["serviceAccountName"] == "berkeleytime-database-backup"
    identities = {
        env: one(docs, "ServiceAccount", "berkeleytime-database-backup")["metadata"]["annotations"][
            "iam.gke.io/gcp-service-account"
        ]
        for env, docs in rendered.items()
    }
    assert identities["staging"] != identities["production"]
    assert all(identity.endswith(".iam.gserviceaccount.com") for identity in identities.values())


def test_staging_no_longer_shares_productions_database():
    for environment in ENVIRONMENTS:
        text = (CHART / f"values-{environment}.yaml").read_text()
        assert "shares this Cloud SQL database" not in text
        assert "reads and writes production's" not in text


def test_the_chart_refuses_a_staging_refresh_in_production():
    result = helm_template("production", "--set", "stagingRefresh.enabled=true")

    assert result.returncode != 0
    assert "never enable it in production" in result.stderr
