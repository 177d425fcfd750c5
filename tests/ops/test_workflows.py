"""The GitHub Actions workflows: what runs on every push, what deploys, and that the
dashboard's workflow_dispatch calls name workflows and inputs that exist."""

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


def test_the_image_is_built_and_pushed_and_master_deploys_to_staging():
    jobs = load("ci.yml")["jobs"]

    assert jobs["image"]["needs"] == "test"
    assert "make push" in commands(jobs["image"])
    assert jobs["image"]["if"] == "github.ref != 'refs/heads/master'"
    staging = jobs["deploy-staging"]
    assert staging["needs"] == "test"
    assert staging["if"] == "github.ref == 'refs/heads/master'"
    assert staging["environment"] == "staging"
    assert staging["concurrency"] == {"group": "deploy-staging", "cancel-in-progress": False}
    assert commands(staging)[-1] == "make deploy-staging"
    # both push to ghcr.io, which needs the job's token to be allowed to write packages
    assert jobs["image"]["permissions"]["packages"] == "write"
    assert staging["permissions"]["packages"] == "write"


def test_production_is_deployed_only_by_hand_or_from_the_dashboard():
    production = load("deploy-production.yml")

    assert set(production["on"]) == {"workflow_dispatch"}
    (job,) = production["jobs"].values()
    assert job["environment"] == "production"
    assert commands(job)[-1] == "make deploy-production"
    assert production["concurrency"]["cancel-in-progress"] is False


@pytest.mark.parametrize("environment", ["staging", "production"])
def test_the_dashboard_dispatches_workflows_that_accept_what_it_sends(environment):
    from dashboard.deploys import workflow_dispatch_request
    from dashboard.models import DeployRun

    request = workflow_dispatch_request(DeployRun(pk=7, environment=environment, git_ref="master"))
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
