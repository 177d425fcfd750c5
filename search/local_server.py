"""A local server speaking the Elasticsearch REST API, for tests, benchmarks and development.

No Elasticsearch server is packaged for the registries this project installs
from; the `noida-db` package (requirements-dev.txt) ships one binary that
speaks the Elasticsearch 8 REST API and works with the official client.

    with local_elasticsearch(data_dir) as server:
        server.url        # http://127.0.0.1:<free port>
        server.stop()     # what the fallback test does mid-run
"""

from __future__ import annotations

import contextlib
import os
import shutil
import signal
import socket
import subprocess
import sys
import time
import urllib.request
from pathlib import Path

BINARY = "noida-db"


class ServerMissing(RuntimeError):
    pass


def find_binary() -> str:
    """The server binary the noida-db package ships (its `noida-db` command is a wrapper that starts it)."""
    try:
        import noida_db

        packaged = Path(noida_db.__file__).resolve().parent / BINARY
        if packaged.exists():
            return str(packaged)
    except ImportError:
        pass
    beside = Path(sys.executable).parent / BINARY
    found = str(beside) if beside.exists() else shutil.which(BINARY)
    if not found:
        raise ServerMissing(
            f"{BINARY} is not installed: it is the Elasticsearch-compatible server the search tests and "
            f"benchmarks run. Install the development requirements: pip install -r requirements-dev.txt"
        )
    return found


def _free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


class LocalElasticsearch:
    def __init__(self, data_dir: Path, log_path: Path):
        self.port = _free_port()
        self.url = f"http://127.0.0.1:{self.port}"
        self.data_dir, self.log_path = data_dir, log_path
        self.process: subprocess.Popen | None = None

    def start(self, timeout: float = 30) -> None:
        command = [
            find_binary(), "start", "--only", "elasticsearch",
            "--elasticsearch-port", str(self.port), "--data-dir", str(self.data_dir),
        ]  # fmt: skip
        with self.log_path.open("ab") as log:
            # A session of its own: stop() ends the server and anything it started, and nothing else.
            self.process = subprocess.Popen(
                command, stdout=log, stderr=subprocess.STDOUT, env={**os.environ}, start_new_session=True
            )
        deadline = time.monotonic() + timeout
        while True:
            if self.process.poll() is not None:
                raise RuntimeError(f"{BINARY} exited with {self.process.returncode}:\n{self.log()}")
            try:
                urllib.request.urlopen(self.url + "/", timeout=1).read()  # noqa: S310 - our own loopback server
                return
            except OSError:
                if time.monotonic() > deadline:
                    self.stop()
                    raise RuntimeError(
                        f"{BINARY} did not answer on {self.url} within {timeout:.0f} s:\n{self.log()}"
                    ) from None
                time.sleep(0.1)

    def stop(self) -> None:
        if self.process is None or self.process.poll() is not None:
            return
        self.resume()
        self._signal(signal.SIGTERM)
        try:
            self.process.wait(timeout=10)
        except subprocess.TimeoutExpired:
            self._signal(signal.SIGKILL)
            self.process.wait(timeout=10)

    def hang(self) -> None:
        """Stop the server without closing its port (SIGSTOP): connections open, nothing answers."""
        self._signal(signal.SIGSTOP)

    def resume(self) -> None:
        self._signal(signal.SIGCONT)

    def _signal(self, number: int) -> None:
        with contextlib.suppress(ProcessLookupError):
            os.killpg(self.process.pid, number)

    @property
    def running(self) -> bool:
        return self.process is not None and self.process.poll() is None

    def log(self) -> str:
        return self.log_path.read_text(errors="replace") if self.log_path.exists() else ""


@contextlib.contextmanager
def local_elasticsearch(data_dir: Path):
    data_dir.mkdir(parents=True, exist_ok=True)
    server = LocalElasticsearch(data_dir, data_dir.parent / f"{data_dir.name}.log")
    server.start()
    try:
        yield server
    finally:
        server.stop()
