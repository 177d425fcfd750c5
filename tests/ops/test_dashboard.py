"""The dashboard host: who gets in, the deploy buttons with their confirm step, the deploy
worker (DRY_RUN, so nothing deploys), one run per environment, the GitHub Actions path and
the health panel."""

import json
import threading

import pytest
from django.contrib.auth import get_user_model
from django.core.management import call_command
from django.test import Client

from dashboard.models import DeployRun
from tests.standins import REGISTRY_DIGEST, path_with_registry

from .conftest import PASSWORD, in_own_connection, stub_server

pytestmark = pytest.mark.django_db


@pytest.fixture(autouse=True)
def _dry_run(settings):
    settings.DEPLOY_DRY_RUN = True
    settings.DEPLOY_VIA = "command"


def confirm(client: Client, environment: str, **extra):
    return client.post("/deploys/", {"environment": environment, "confirm": "yes", **extra})


# -- who gets in ------------------------------------------------------------


def test_anonymous_visitors_are_sent_to_the_login_page(dashboard_host):
    client = Client(HTTP_HOST=dashboard_host)

    response = client.get("/")

    assert response.status_code == 302
    assert response["Location"] == "/login/?next=/"
    assert client.get("/login/").status_code == 200


def test_a_staff_member_logs_in_on_the_dashboard_host_and_sees_the_buttons(staff_user, dashboard_host):
    client = Client(HTTP_HOST=dashboard_host)

    response = client.post("/login/", {"username": "ops-staff", "password": PASSWORD, "next": "/"}, follow=True)

    assert response.redirect_chain == [("/", 302)]
    page = response.content.decode()
    assert "Deploy main to staging" in page
    assert "Promote staging to production" in page


def test_a_logged_in_user_without_the_staff_flag_gets_403_and_cannot_create_a_run(plain_user, dashboard_host):
    client = Client(HTTP_HOST=dashboard_host)
    client.force_login(plain_user)

    assert client.get("/").status_code == 403
    response = confirm(client, "staging")

    assert response.status_code == 403
    assert "Staff only" in response.content.decode()
    assert not DeployRun.objects.exists()


def test_an_anonymous_post_creates_no_run(dashboard_host):
    response = confirm(Client(HTTP_HOST=dashboard_host), "production", typed="production")

    assert response.status_code == 302
    assert response["Location"].startswith("/login/")
    assert not DeployRun.objects.exists()


def test_a_deploy_post_without_the_csrf_token_is_refused(staff_user, dashboard_host):
    client = Client(HTTP_HOST=dashboard_host, enforce_csrf_checks=True)
    client.force_login(staff_user)

    assert confirm(client, "staging").status_code == 403
    assert not DeployRun.objects.exists()


def test_the_dashboard_is_only_on_its_host(staff_user):
    client = Client(HTTP_HOST="localhost")
    client.force_login(staff_user)

    assert client.post("/deploys/", {"environment": "staging", "confirm": "yes"}).status_code in (403, 404, 405)
    assert not DeployRun.objects.exists()


# -- the buttons ------------------------------------------------------------


def test_a_click_asks_for_confirmation_before_anything_is_queued(staff_client):
    response = staff_client.post("/deploys/", {"environment": "staging"})

    assert response.status_code == 200
    page = response.content.decode()
    assert "Deploy main to staging?" in page
    assert "make deploy-staging DRY_RUN=1" in page
    assert not DeployRun.objects.exists()


def test_production_needs_its_name_typed(staff_client):
    assert confirm(staff_client, "production").status_code == 400
    assert confirm(staff_client, "production", typed="staging").status_code == 400
    assert not DeployRun.objects.exists()

    response = confirm(staff_client, "production", typed="production")

    run = DeployRun.objects.get()
    assert response["Location"] == f"/deploys/{run.pk}/"
    assert (run.environment, run.status) == ("production", "queued")


def test_staff_clicks_confirms_and_the_worker_runs_the_dry_run(staff_client, staff_user, monkeypatch, tmp_path):
    # the dry run asks the registry for the digest of the commit's image
    monkeypatch.setenv("PATH", path_with_registry(tmp_path))
    # given a confirmed click
    response = confirm(staff_client, "staging")
    run = DeployRun.objects.get()
    assert response["Location"] == f"/deploys/{run.pk}/"
    assert (run.status, run.requested_by, run.git_ref, run.via) == ("queued", staff_user, "main", "command")

    # when the worker picks it up
    call_command("deploy_worker", "--once")

    # then the log and status land on the run
    run.refresh_from_db()
    assert run.status == "succeeded"
    assert run.exit_code == 0
    assert run.command == "make deploy-staging DRY_RUN=1"
    assert "helm upgrade --install berkeleytime charts/berkeleytime --namespace staging" in run.log
    assert f"image.digest={REGISTRY_DIGEST}" in run.log
    assert run.image_tag
    assert f"image.tag={run.image_tag}" in run.log
    assert run.started_at >= run.created_at
    assert run.duration.total_seconds() > 0
    page = staff_client.get(f"/deploys/{run.pk}/").content.decode()
    assert "Succeeded" in page
    assert "helm upgrade --install" in page
    log = staff_client.get(f"/deploys/{run.pk}/log?offset=0").json()
    assert (log["status"], log["active"], log["exit_code"]) == ("succeeded", False, 0)
    assert log["log"] == run.log
    history = staff_client.get("/").content.decode()
    assert "ops-staff" in history
    assert f'href="/deploys/{run.pk}/"' in history


def test_a_failing_command_fails_the_run_with_its_exit_code(staff_client, settings):
    settings.DEPLOY_COMMANDS = {**settings.DEPLOY_COMMANDS, "staging": "sh -c 'echo building; echo broken >&2; exit 3'"}
    confirm(staff_client, "staging")

    call_command("deploy_worker", "--once")

    run = DeployRun.objects.get()
    assert (run.status, run.exit_code) == ("failed", 3)
    assert "building\nbroken\n" in run.log
    assert "[exit code 3]" in run.log


def test_a_command_that_does_not_exist_fails_the_run(staff_client, settings):
    settings.DEPLOY_COMMANDS = {**settings.DEPLOY_COMMANDS, "staging": "no-such-deploy-tool"}
    confirm(staff_client, "staging")

    call_command("deploy_worker", "--once")

    run = DeployRun.objects.get()
    assert (run.status, run.exit_code) == ("failed", 127)
    assert "cannot start the command" in run.log


def test_the_worker_with_nothing_queued_does_nothing():
    call_command("deploy_worker", "--once")

    assert not DeployRun.objects.exists()


# -- one run per environment -------------------------------------------------


def test_a_second_click_while_a_deploy_is_queued_is_refused(staff_client):
    confirm(staff_client, "staging")
    first = DeployRun.objects.get()

    response = confirm(staff_client, "staging")

    assert response["Location"] == f"/deploys/{first.pk}/"
    assert DeployRun.objects.count() == 1
    assert "already queued or running" in staff_client.get(response["Location"]).content.decode()
    # the other environment is independent
    confirm(staff_client, "production", typed="production")
    assert DeployRun.objects.filter(environment="production").count() == 1


def test_two_simultaneous_runs_for_one_environment_are_refused():
    """Two requests racing in two database connections: the database lets one through."""
    from dashboard import services

    user_model = get_user_model()
    user = in_own_connection(lambda: user_model.objects.create_user("racer", is_staff=True))
    barrier = threading.Barrier(2)
    outcomes = []

    def click():
        barrier.wait()
        try:
            outcomes.append(services.request_deploy(user, "staging").pk)
        except services.DeployInProgress as exc:
            outcomes.append(exc)

    try:
        threads = [threading.Thread(target=in_own_connection, args=(click,)) for _ in range(2)]
        for thread in threads:
            thread.start()
        for thread in threads:
            thread.join()
        created = [outcome for outcome in outcomes if isinstance(outcome, int)]
        refused = [outcome for outcome in outcomes if isinstance(outcome, services.DeployInProgress)]
        assert len(created) == 1
        assert len(refused) == 1
        assert refused[0].active.pk == created[0]
        assert in_own_connection(lambda: DeployRun.objects.filter(environment="staging").count()) == 1
    finally:
        in_own_connection(lambda: DeployRun.objects.filter(requested_by_name="racer").delete())
        in_own_connection(lambda: user_model.objects.filter(username="racer").delete())


def test_a_run_whose_worker_vanished_is_failed_and_frees_its_environment(staff_client, settings):
    from datetime import timedelta

    from django.utils import timezone

    confirm(staff_client, "staging")
    DeployRun.objects.update(
        status="running", started_at=timezone.now(), heartbeat_at=timezone.now() - timedelta(hours=1)
    )

    call_command("deploy_worker", "--once")

    run = DeployRun.objects.get()
    assert run.status == "failed"
    assert "stopped reporting" in run.log
    confirm(staff_client, "staging")
    assert DeployRun.objects.filter(status="queued").count() == 1


# -- through GitHub Actions ---------------------------------------------------


def test_with_deploy_via_github_the_worker_dispatches_the_workflow(staff_client, settings, monkeypatch):
    monkeypatch.setenv("GITHUB_TOKEN", "ghs_from_the_environment")
    with stub_server(status=204) as github:
        settings.DEPLOY_VIA = "github"
        settings.GITHUB_API_URL = github.url + "/api/v3"
        settings.GITHUB_REPOSITORY = "asuc-octo/berkeleytime"
        # the token setting is read from the environment, as settings.py does
        import environ

        settings.GITHUB_TOKEN = environ.Env().str("GITHUB_TOKEN")
        confirm(staff_client, "production", typed="production")

        call_command("deploy_worker", "--once")

    (request,) = github.requests
    assert request["path"] == "/api/v3/repos/asuc-octo/berkeleytime/actions/workflows/deploy-production.yml/dispatches"
    assert request["headers"]["Authorization"] == "Bearer ghs_from_the_environment"
    assert request["headers"]["Accept"] == "application/vnd.github+json"
    run = DeployRun.objects.get()
    assert github.json() == {"ref": "main", "inputs": {"dashboard_run": str(run.pk), "dry_run": "true"}}
    assert run.status == "dispatched"
    assert "deploy-production.yml" in run.log
    assert "github.com/asuc-octo/berkeleytime/actions/workflows/deploy-production.yml" in run.log


def test_a_refused_workflow_dispatch_fails_the_run(staff_client, settings):
    body = json.dumps({"message": "Unexpected inputs provided"}).encode()
    with stub_server(status=422, body=body) as github:
        settings.DEPLOY_VIA, settings.GITHUB_API_URL, settings.GITHUB_TOKEN = "github", github.url, "t"
        confirm(staff_client, "staging")

        call_command("deploy_worker", "--once")

    assert github.requests[0]["path"].endswith("/actions/workflows/ci.yml/dispatches")
    run = DeployRun.objects.get()
    assert run.status == "failed"
    assert "GitHub answered 422: " in run.log
    assert "Unexpected inputs provided" in run.log


# -- health and links ---------------------------------------------------------


def test_the_health_panel_shows_the_dependencies_and_the_last_import(staff_client, settings):
    settings.DASHBOARD_LINKS = [{"name": "Grafana (metrics)", "url": "https://grafana.example/", "hint": ""}]

    page = staff_client.get("/").content.decode()

    assert "Database" in page
    assert "PostgreSQL" in page
    assert "Redis" in page
    assert "Search backend" in page
    # the session's import of the real catalog and grades
    assert "catalog:" in page
    assert "grades:" in page
    assert "Last reindex" in page
    # what exists of the last reindex: the search documents the importers refreshed
    from django.apps import apps

    try:
        apps.get_model("search", "CourseDocument")
    except LookupError:
        assert "no reindex recorded" in page
    else:
        assert "search documents (postgres):" in page
    assert 'href="https://grafana.example/"' in page


def test_the_health_panel_shows_each_syncs_age_and_last_error(staff_client):
    from datetime import timedelta

    from django.utils import timezone

    from catalog.models import Term
    from sis.models import SyncRun

    now = timezone.now()
    summer = Term.objects.get(slug="summer-2026")

    def run(kind, status, hours_ago, **fields):
        finished = now - timedelta(hours=hours_ago)
        started = finished - timedelta(seconds=4)
        return SyncRun.objects.create(kind=kind, status=status, started_at=started, as_of=started,
                                      finished_at=finished, term=fields.pop("term", None), **fields)  # fmt: skip

    run("classes", "ok", 5, term=summer, records_changed=12)
    failed = run("classes", "failed", 2, term=summer, message="SIS Class API, page 3: malformed JSON")
    run("enrollment", "refused", 3, term=summer, message="refused: the SIS's answer would remove 900 of 1,757")
    run("enrollment", "ok", 1, term=summer, records_changed=4)

    page = staff_client.get("/").content.decode()

    assert "SIS syncs" in page
    classes = page.split('data-sync="classes"')[1].split("data-sync=")[0]
    assert "succeeded 5\xa0hours ago" in classes
    assert "Summer 2026, 12 changed" in classes
    assert f"run {failed.pk}, failed): SIS Class API, page 3: malformed JSON" in classes
    assert 'class="dot bad"' in classes  # the latest classes run failed
    enrollment = page.split('data-sync="enrollment"')[1].split("data-sync=")[0]
    assert 'class="dot ok"' in enrollment  # it failed before, succeeded since
    assert "refused by a guard): refused: the SIS" in enrollment
    assert "never succeeded" in page.split('data-sync="terms"')[1].split("data-sync=")[0]


def test_a_dependency_that_is_down_shows_as_down(staff_client, settings):
    from tests.server import free_port

    settings.ELASTICSEARCH_URL = f"http://elastic:secret@127.0.0.1:{free_port()}"

    page = staff_client.get("/").content.decode()

    assert "Search backend" in page
    assert "down" in page
    assert "secret" not in page
