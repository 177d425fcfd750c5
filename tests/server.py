"""Run the app under gunicorn against the test database, for tests that need a real server."""

import contextlib
import os
import socket
import subprocess
import sys
import time
import urllib.error
import urllib.request
from pathlib import Path

from django.db import connection

BASE_DIR = Path(__file__).resolve().parent.parent


def free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


def test_database_url() -> str:
    """The URL of the database pytest-django created for this run."""
    s = connection.settings_dict
    host = s.get("HOST") or s.get("OPTIONS", {}).get("host") or "127.0.0.1"
    user = s.get("USER") or "postgres"
    password = f":{s['PASSWORD']}" if s.get("PASSWORD") else ""
    port = s.get("PORT") or "5432"
    if host.startswith("/"):
        return f"postgres://{user}{password}@/{s['NAME']}?host={host}"
    return f"postgres://{user}{password}@{host}:{port}/{s['NAME']}"


class Server:
    def __init__(self, process: subprocess.Popen, port: int, log_path: Path):
        self.process, self.port, self.log_path = process, port, log_path
        self.url = f"http://127.0.0.1:{port}"

    def get(self, path: str, headers: dict | None = None) -> tuple[int, dict, bytes]:
        request = urllib.request.Request(self.url + path, headers=headers or {})
        try:
            with urllib.request.urlopen(request, timeout=30) as response:
                return response.status, dict(response.headers), response.read()
        except urllib.error.HTTPError as error:
            return error.code, dict(error.headers), error.read()

    def log(self) -> str:
        return self.log_path.read_text(errors="replace")


@contextlib.contextmanager
def served(env: dict | None = None, workers: int = 2, command: list[str] | None = None, ready_path: str = "/livez"):
    port = free_port()
    environment = {
        **{k: v for k, v in os.environ.items() if k != "DJANGO_ALLOW_ASYNC_UNSAFE"},  # test-process only
        "DATABASE_URL": test_database_url(),
        "PYTHONUNBUFFERED": "1",
        **(env or {}),
    }
    log_path = Path(os.environ.get("TMPDIR", "/tmp")) / f"bt-server-{port}.log"
    log = log_path.open("wb")
    if command is None:
        command = [
            sys.executable, "-m", "gunicorn", "berkeleytime.wsgi:application",
            "--bind", f"127.0.0.1:{port}", "--workers", str(workers),
        ]  # fmt: skip
    else:
        command = [part.replace("{port}", str(port)) for part in command]
    process = subprocess.Popen(command, cwd=BASE_DIR, env=environment, stdout=log, stderr=subprocess.STDOUT)
    server = Server(process, port, log_path)
    try:
        deadline = time.monotonic() + 60
        while True:
            if process.poll() is not None:
                raise RuntimeError(f"server exited with {process.returncode}:\n{server.log()}")
            try:
                server.get(ready_path)
                break
            except OSError:
                if time.monotonic() > deadline:
                    raise RuntimeError(f"server did not answer within 60 s:\n{server.log()}") from None
                time.sleep(0.2)
        yield server
    finally:
        process.terminate()
        try:
            process.wait(timeout=15)
        except subprocess.TimeoutExpired:
            process.kill()
        log.close()
