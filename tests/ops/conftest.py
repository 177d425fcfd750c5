"""Fixtures of the operations tests: users and clients of the dashboard host, committed rows
for tests whose server or threads run outside the test's transaction, and stub HTTP servers."""

import contextlib
import http.server
import json
import threading
from collections.abc import Callable

import pytest
from django.conf import settings
from django.contrib.auth import get_user_model
from django.db import connection
from django.test import Client

PASSWORD = "correct horse battery staple"


@pytest.fixture
def dashboard_host() -> str:
    return settings.BT_DASHBOARD_HOST


@pytest.fixture
def staff_user(db):
    return get_user_model().objects.create_user("ops-staff", password=PASSWORD, is_staff=True)


@pytest.fixture
def plain_user(db):
    return get_user_model().objects.create_user("student", password=PASSWORD)


@pytest.fixture
def staff_client(staff_user, dashboard_host) -> Client:
    client = Client(HTTP_HOST=dashboard_host)
    client.force_login(staff_user)
    return client


def in_own_connection(function: Callable, *args, **kwargs):
    """Run ``function`` in a thread with its own database connection, so that what it
    writes is committed at once, outside the test's transaction (servers and other
    threads see it). The caller cleans up after itself."""
    result = {}

    def target():
        try:
            result["value"] = function(*args, **kwargs)
        except BaseException as exc:  # re-raised in the caller's thread
            result["error"] = exc
        finally:
            connection.close()

    thread = threading.Thread(target=target)
    thread.start()
    thread.join()
    if "error" in result:
        raise result["error"]
    return result.get("value")


@pytest.fixture
def committed_staff_user(db):
    """A staff user committed to the test database (for servers in other processes); removed afterwards."""
    from dashboard.models import DeployRun

    user_model = get_user_model()
    username = "ops-browser-staff"
    in_own_connection(lambda: user_model.objects.create_user(username, password=PASSWORD, is_staff=True))
    yield username
    in_own_connection(lambda: DeployRun.objects.filter(requested_by_name=username).delete())
    in_own_connection(lambda: user_model.objects.filter(username=username).delete())


class StubServer:
    """A local HTTP server that records each request and answers with a fixed status."""

    def __init__(self, status: int = 204, body: bytes = b""):
        self.requests: list[dict] = []
        self.status, self.body = status, body
        self.received = threading.Event()
        stub = self

        class Handler(http.server.BaseHTTPRequestHandler):
            def do_POST(self):
                length = int(self.headers.get("Content-Length") or 0)
                stub.requests.append(
                    {
                        "method": "POST",
                        "path": self.path,
                        "headers": dict(self.headers),
                        "body": self.rfile.read(length),
                    }
                )
                self.send_response(stub.status)
                self.send_header("Content-Length", str(len(stub.body)))
                self.end_headers()
                self.wfile.write(stub.body)
                stub.received.set()

            def log_message(self, *args):
                pass

        self.httpd = http.server.ThreadingHTTPServer(("127.0.0.1", 0), Handler)
        self.url = f"http://127.0.0.1:{self.httpd.server_address[1]}"

    def json(self, index: int = 0) -> dict:
        return json.loads(self.requests[index]["body"])


@contextlib.contextmanager
def stub_server(status: int = 204, body: bytes = b""):
    stub = StubServer(status, body)
    thread = threading.Thread(target=stub.httpd.serve_forever, daemon=True)
    thread.start()
    try:
        yield stub
    finally:
        stub.httpd.shutdown()
        stub.httpd.server_close()
