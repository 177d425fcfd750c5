"""Signing in, in tests, through a real OpenID Connect provider running locally.

``oidc_provider`` (session) starts oidc_provider.mjs (the npm package oauth2-mock-server,
pinned in package.json) on a free port; the app's Google sign-in (allauth's OpenID Connect
provider "google") discovers its endpoints from it, exchanges the code over HTTP and reads
the ID token, as it does with Google. ``oidc_settings`` points the test process's settings
at it; ``oidc_site`` serves the app under gunicorn pointed at it, for Chromium.

``sign_in(client_or_page, email)`` signs a Django test client or a Playwright page in as
``email`` (the provider's login_hint picks the account), the way a browser does.
"""

import contextlib
import subprocess
import urllib.error
import urllib.request
from dataclasses import dataclass
from pathlib import Path
from urllib.parse import urlencode, urlsplit

import pytest

from tests.server import served

BASE_DIR = Path(__file__).resolve().parents[2]
SCRIPT = Path(__file__).with_name("oidc_provider.mjs")
CLIENT_ID = "berkeleytime-tests"
CLIENT_SECRET = "tests-only-secret"  # noqa: S105 - the local provider accepts any
LOGIN_PATH = "/accounts/oidc/google/login/"


@dataclass
class Provider:
    url: str
    process: subprocess.Popen

    def env(self) -> dict[str, str]:
        """What the app's environment needs to sign in through this provider."""
        return {"GOOGLE_OIDC_URL": self.url, "GOOGLE_CLIENT_ID": CLIENT_ID, "GOOGLE_CLIENT_SECRET": CLIENT_SECRET}


@contextlib.contextmanager
def running_provider():
    process = subprocess.Popen(
        ["node", str(SCRIPT), "0"], cwd=BASE_DIR, stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True
    )
    try:
        url = process.stdout.readline().strip()
        if not url.startswith("http"):
            process.kill()
            raise RuntimeError(f"the OpenID Connect provider did not start: {process.stderr.read()}")
        yield Provider(url, process)
    finally:
        process.terminate()
        try:
            process.wait(timeout=10)
        except subprocess.TimeoutExpired:
            process.kill()


@pytest.fixture(scope="session")
def oidc_provider():
    with running_provider() as provider:
        yield provider


@pytest.fixture
def oidc_settings(settings, oidc_provider):
    """The test process's Google sign-in pointed at the local provider."""
    app = {
        "provider_id": "google",
        "name": "Google",
        "client_id": CLIENT_ID,
        "secret": CLIENT_SECRET,
        "settings": {
            "server_url": oidc_provider.url,
            "fetch_userinfo": False,
            "auth_params": {"hd": settings.ACCOUNT_ALLOWED_DOMAIN, "prompt": "select_account"},
        },
    }
    settings.SOCIALACCOUNT_PROVIDERS = {"openid_connect": {"OAUTH_PKCE_ENABLED": True, "APPS": [app]}}
    return settings


@pytest.fixture(scope="session")
def oidc_site(django_db_setup, django_db_blocker, oidc_provider):
    """The app under gunicorn over the test database (DEBUG off), signing in through the local provider."""
    with served(env={"DEBUG": "false", **oidc_provider.env()}) as server:
        yield server


def login_url(email: str, next_path: str = "/") -> str:
    return f"{LOGIN_PATH}?{urlencode({'auth_params': urlencode({'login_hint': email}), 'next': next_path})}"


def _follow_provider(location: str) -> str:
    """The provider's authorize endpoint answers with a redirect back to the app's callback."""

    class NoRedirect(urllib.request.HTTPRedirectHandler):
        def redirect_request(self, *args, **kwargs):
            return None

    opener = urllib.request.build_opener(NoRedirect)
    try:
        opener.open(location, timeout=10)
    except urllib.error.HTTPError as error:
        if error.code in (301, 302, 303, 307):
            return error.headers["Location"]
        raise
    raise AssertionError(f"the provider did not redirect: {location}")


def sign_in(client_or_page, email: str, next_path: str = "/", base_url: str | None = None):
    """Sign in as ``email`` through the local provider.

    A Django test client (needs ``oidc_settings``): returns the app's last response (a
    redirect to ``next_path``, or the refusal page's 403). A Playwright page (``base_url``:
    the ``oidc_site``'s URL): clicks through the sign-in as a student does and returns the
    page's response."""
    if hasattr(client_or_page, "goto"):
        page = client_or_page
        page.goto((base_url or "") + login_url(email, next_path))
        with page.expect_navigation():
            page.get_by_role("button", name="Continue to Google").click()
        page.wait_for_load_state()
        return page
    client = client_or_page
    client.get(login_url(email, next_path))  # the page with the form: its CSRF cookie
    token = client.cookies["csrftoken"].value if "csrftoken" in client.cookies else ""
    response = client.post(login_url(email, next_path), {"csrfmiddlewaretoken": token})
    assert response.status_code == 302, response.content[:500]
    callback = urlsplit(_follow_provider(response["Location"]))
    return client.get(f"{callback.path}?{callback.query}")


def signed_in_client(email: str, **client_options):
    """A new Django test client signed in as ``email`` (the ``oidc_settings`` fixture must be active)."""
    from django.test import Client

    client = Client(**client_options)
    response = sign_in(client, email)
    assert response.status_code == 302, response.content[:500]
    return client
