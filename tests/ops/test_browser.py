"""The dashboard in real Chromium: log in, deploy, confirm, watch the log (DRY_RUN: nothing deploys).

gunicorn serves the app on 127.0.0.1; Chromium resolves dashboard.localhost to loopback,
so the browser reaches the dashboard host by its name. The deploy worker runs as its own
process, as in the cluster."""

import os
import subprocess
import sys

import pytest
from django.conf import settings

from tests import server as test_server
from tests.browser import SCREENSHOTS, chromium
from tests.server import BASE_DIR, served
from tests.standins import REGISTRY_DIGEST, path_with_registry

from .conftest import PASSWORD

pytestmark = [pytest.mark.browser, pytest.mark.django_db]


@pytest.fixture
def worker_env(tmp_path) -> dict:
    return {
        **os.environ,
        # the dry run asks the registry for the digest of the commit's image
        "PATH": path_with_registry(tmp_path),
        "DATABASE_URL": test_server.test_database_url(),
        "DEPLOY_DRY_RUN": "true",
        "PYTHONUNBUFFERED": "1",
    }


def test_a_staff_member_logs_in_deploys_confirms_and_watches_the_log(committed_staff_user, worker_env, tmp_path):
    with served(env={"DEBUG": "false", "DEPLOY_DRY_RUN": "true"}) as server, chromium() as browser:
        dashboard = f"http://{settings.BT_DASHBOARD_HOST}:{server.port}"
        page = browser.new_page(viewport={"width": 1280, "height": 900})

        # anonymous: sent to the login page of the dashboard host
        page.goto(dashboard + "/")
        assert page.url == dashboard + "/login/?next=/"
        page.screenshot(path=SCREENSHOTS / "dashboard-login.png")
        page.fill("#id_username", committed_staff_user)
        page.fill("#id_password", PASSWORD)
        page.get_by_role("button", name="Log in").click()
        page.wait_for_url(dashboard + "/")
        page.screenshot(path=SCREENSHOTS / "dashboard-home.png", full_page=True)

        # the button asks first
        page.get_by_role("button", name="Deploy main to staging").click()
        page.wait_for_url(dashboard + "/deploys/")
        assert page.get_by_role("heading", name="Deploy main to staging?").is_visible()
        page.screenshot(path=SCREENSHOTS / "dashboard-confirm.png")
        page.get_by_role("button", name="Yes, deploy main to staging").click()
        page.wait_for_url(f"{dashboard}/deploys/*/")
        status = page.locator("h1 [data-status]")
        assert status.inner_text() == "Queued"

        # the worker picks it up; the page follows the log without a reload
        log_file = (tmp_path / "worker.log").open("wb")
        worker = subprocess.Popen(
            [sys.executable, "manage.py", "deploy_worker", "--poll-interval", "0.2"],
            cwd=BASE_DIR, env=worker_env, stdout=log_file, stderr=subprocess.STDOUT,
        )  # fmt: skip
        try:
            page.wait_for_function(
                "() => document.querySelector('h1 [data-status]').textContent === 'Succeeded'", timeout=30_000
            )
        finally:
            worker.terminate()
            worker.wait(timeout=15)
            log_file.close()
        log = page.locator("#log").inner_text()
        assert "make deploy-staging DRY_RUN=1" in log
        assert "helm upgrade --install berkeleytime charts/berkeleytime --namespace staging" in log
        assert f"image.digest={REGISTRY_DIGEST}" in log
        assert "[exit code 0]" in log
        assert page.locator("[data-exit-code]").inner_text() == "0"
        page.screenshot(path=SCREENSHOTS / "dashboard-run.png", full_page=True)

        # the history names who clicked
        page.get_by_role("link", name="Operations", exact=True).click()
        row = page.locator("table.history tbody tr").first
        assert "Succeeded" in row.inner_text()
        assert committed_staff_user in row.inner_text()
        page.screenshot(path=SCREENSHOTS / "dashboard-history.png", full_page=True)
