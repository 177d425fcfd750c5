"""The GitHub Actions workflows: what runs on every push, what deploys, and that the
dashboard's workflow_dispatch calls name workflows and inputs that exist."""

import re
from pathlib import Path

import pytest
import yaml
from django.conf import settings

from tests.deploy.conftest import run

WORKFLOWS = Path(__file__).resolve().parents[2] / ".github" / "workflows"


def load(name: str) -> dict:
    workflow = yaml.safe_load((WORKFLOWS / name).read_text())
    # YAML 1.1 reads the key `on` as true
    workflow["on"] = workflow.pop(True, workflow.get("on"))
    return workflow


def commands(job: dict) -> list[str]:
    return [step["run"].strip() for step in job["steps"] if "run" in step]


def test_every_push_runs_make_test_with_postgres_redis_and_elasticsearch():
    ci = load("ci.yml")
    test = ci["jobs"]["test"]

    assert "push" in ci["on"]
    assert ci["on"]["push"] is None, "every branch, no filter"
    assert "make test" in commands(test)
    images = {name: service["image"] for name, service in test["services"].items()}
    assert images["postgres"].startswith("postgres:")
    assert images["redis"].startswith("redis:")
    assert images["elasticsearch"].startswith("docker.elastic.co/elasticsearch/elasticsearch:8.")
    assert test["env"]["DATABASE_URL"].startswith("postgres://postgres@postgres:5432/")
    assert test["env"]["REDIS_URL"].startswith("redis://redis:6379/")


def all_steps():
    for name in ("ci.yml", "deploy-production.yml"):
        for job_name, job in load(name)["jobs"].items():
            for step in job["steps"]:
                yield f"{name}:{job_name}", job, step


def test_nothing_names_master_any_more():
    for name in ("ci.yml", "deploy-production.yml"):
        assert "master" not in (WORKFLOWS / name).read_text().replace("Deploy main", ""), name


def test_ci_builds_the_image_once_and_main_deploys_its_digest_to_staging():
    ci = load("ci.yml")
    jobs = ci["jobs"]

    assert ci["concurrency"]["cancel-in-progress"] == "${{ github.ref != 'refs/heads/main' }}"
    image = jobs["image"]
    assert image["needs"] == "test"
    assert "if" not in image, "every push builds and pushes"
    (build,) = [step for step in image["steps"] if step.get("uses", "").startswith("docker/build-push-action@")]
    assert build["id"] == "build"
    assert build["with"]["push"] is True
    assert build["with"]["tags"] == "${{ env.IMAGE }}:${{ github.sha }}"
    assert image["outputs"]["digest"] == "${{ steps.build.outputs.digest }}"
    assert image["permissions"] == {"contents": "read", "packages": "write"}

    staging = jobs["deploy-staging"]
    assert staging["needs"] == "image"
    assert staging["if"] == "github.ref == 'refs/heads/main'"
    assert staging["environment"] == "staging"
    assert staging["concurrency"] == {"group": "deploy-staging", "cancel-in-progress": False}
    deploy = staging["steps"][-1]
    assert deploy["env"]["DIGEST"] == "${{ needs.image.outputs.digest }}"
    assert deploy["run"].strip() == 'make deploy-staging IMAGE="$IMAGE" DIGEST="$DIGEST" COMMIT="$GITHUB_SHA"'
    # staging deploys; it neither builds nor pushes
    assert "packages" not in staging["permissions"]
    assert not any("docker/" in step.get("uses", "") for step in staging["steps"])


def test_production_is_deployed_only_from_main_through_its_protected_environment():
    production = load("deploy-production.yml")

    assert set(production["on"]) == {"workflow_dispatch"}
    (job,) = production["jobs"].values()
    assert job["environment"] == "production"
    assert job["if"] == "github.ref == 'refs/heads/main'"
    assert commands(job)[-1] == "make deploy-production"
    assert production["concurrency"]["cancel-in-progress"] is False
    # the chart comes from the commit staging runs, which a shallow clone may lack
    assert job["steps"][0]["with"]["fetch-depth"] == 0


def test_staging_and_production_authenticate_as_their_own_environments_identity():
    jobs = {
        "staging": load("ci.yml")["jobs"]["deploy-staging"],
        "production": load("deploy-production.yml")["jobs"]["deploy-production"],
    }
    header = (WORKFLOWS / "ci.yml").read_text() + (WORKFLOWS / "deploy-production.yml").read_text()

    for environment, job in jobs.items():
        assert job["environment"] == environment
        (auth,) = [step for step in job["steps"] if step.get("uses", "").startswith("google-github-actions/auth@")]
        # vars.* inside a job with an environment read that environment's variables first
        assert auth["with"]["service_account"] == "${{ vars.GCP_DEPLOY_SERVICE_ACCOUNT }}"
        assert job["permissions"] == {"contents": "read", "id-token": "write"}
    assert "environment `staging`" in header
    assert "`production` environment" in header


def test_every_action_is_pinned_by_commit_and_every_checkout_drops_its_credentials():
    for where, _, step in all_steps():
        if "uses" in step:
            action, _, ref = step["uses"].partition("@")
            assert re.fullmatch(r"[0-9a-f]{40}", ref), f"{where}: {step['uses']} is not pinned by commit"
            if action == "actions/checkout":
                assert step["with"]["persist-credentials"] is False, where


def test_every_run_is_a_block_scalar_and_never_interpolates_expressions():
    for name in ("ci.yml", "deploy-production.yml"):
        text = (WORKFLOWS / name).read_text()
        for line in text.splitlines():
            if re.match(r"\s*(- )?run:", line):
                # a plain scalar ends at ` #`: `run: echo "deploy #${N}"` runs `echo "deploy`
                assert line.rstrip().endswith("run: |"), f"{name}: {line.strip()}"
    for where, _, step in all_steps():
        # expressions reach the shell through env:, never spliced into the script
        assert "${{" not in step.get("run", ""), where


def test_every_job_declares_its_permissions():
    for name in ("ci.yml", "deploy-production.yml"):
        workflow = load(name)
        assert workflow["permissions"] == {}, name
        for job_name, job in workflow["jobs"].items():
            assert "permissions" in job, f"{name}:{job_name}"
            assert "write-all" not in str(job["permissions"])


@pytest.mark.parametrize("environment", ["staging", "production"])
def test_the_dashboard_dispatches_workflows_that_accept_what_it_sends(environment):
    from dashboard.deploys import workflow_dispatch_request
    from dashboard.models import DeployRun

    request = workflow_dispatch_request(DeployRun(pk=7, environment=environment, git_ref="main"))
    sent = yaml.safe_load(request.data)["inputs"]
    workflow = load(settings.GITHUB_WORKFLOWS[environment])

    declared = workflow["on"]["workflow_dispatch"]["inputs"]
    # GitHub refuses a dispatch with an input the workflow does not declare
    assert set(sent) <= set(declared)
    assert declared["dry_run"]["type"] == "boolean"
    # the dry-run input reaches make as DRY_RUN
    deploy_job = next(job for job in workflow["jobs"].values() if "deploy" in commands(job)[-1])
    assert deploy_job["env"]["DRY_RUN"] == "${{ inputs.dry_run && '1' || '' }}"


def test_the_make_targets_the_workflows_call_exist():
    listed = run(["make", "help"]).stdout
    for name in ("ci.yml", "deploy-production.yml"):
        for job in load(name)["jobs"].values():
            for command in commands(job):
                if command.startswith("make "):
                    assert f"\n{command.split()[1]} " in "\n" + listed, command
