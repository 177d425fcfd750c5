"""Slow clients against the app as the image serves it (gunicorn.conf.py's threaded workers):
connections that send half a request, or nothing, must not keep anyone else waiting."""

import contextlib
import socket
import sys
import threading
import time

import pytest

from tests.server import served

pytestmark = pytest.mark.django_db

SLOW_CLIENTS = 200
HEADER_TIMEOUT = 3
PAGES = ["/livez", "/courses/COMPSCI/61A/", "/api/v1/courses/?subject=MATH"]
GUNICORN = [
    sys.executable, "-m", "gunicorn", "berkeleytime.wsgi:application",
    "--config", "berkeleytime/gunicorn.conf.py", "--bind", "127.0.0.1:{port}", "--workers", "2",
]  # fmt: skip


def timed_get(server, path: str) -> tuple[int, float]:
    started = time.monotonic()
    status = server.get(path)[0]
    return status, time.monotonic() - started


@contextlib.contextmanager
def slow_clients(port: int, count: int):
    """``count`` open connections: half sent a partial request and add a header line each
    half second, half sent nothing. Yields (partial, idle) sockets; closes them all after."""
    partial, idle = [], []
    stop = threading.Event()
    try:
        for n in range(count):
            sock = socket.create_connection(("127.0.0.1", port), timeout=10)
            if n % 2:
                idle.append(sock)
            else:
                sock.sendall(b"GET /livez HTTP/1.1\r\nHost: 127.0.0.1\r\n")
                partial.append(sock)

        def trickle():
            while not stop.wait(0.5):
                for sock in partial:
                    with contextlib.suppress(OSError):
                        sock.sendall(b"X-Slow: 1\r\n")

        threading.Thread(target=trickle, daemon=True).start()
        yield partial, idle
    finally:
        stop.set()
        for sock in partial + idle:
            sock.close()


def closed_by_server(sock: socket.socket, within: float) -> bool:
    """True when the server closes ``sock`` (EOF or reset) within ``within`` seconds, unanswered."""
    sock.settimeout(within)
    try:
        return sock.recv(1024) == b""
    except ConnectionResetError:
        return True
    except TimeoutError:
        return False


def test_slow_clients_do_not_stop_the_site_answering(django_db_setup):
    env = {"DEBUG": "false", "GUNICORN_HEADER_TIMEOUT": str(HEADER_TIMEOUT)}
    with served(env=env, command=GUNICORN) as server:
        for path in PAGES:  # first requests warm each worker's templates and caches
            for _ in range(4):
                assert server.get(path)[0] == 200

        with slow_clients(server.port, SLOW_CLIENTS) as (partial, idle):
            time.sleep(0.5)
            answers = {path: [timed_get(server, path) for _ in range(3)] for path in PAGES}

            for path, results in answers.items():
                assert all(status == 200 for status, _ in results), (path, results)
                assert max(seconds for _, seconds in results) < 1.0, (path, results)
            # The server, not the clients, ends what never becomes a request: the
            # trickling ones after the header deadline, the silent ones after keep-alive.
            assert closed_by_server(partial[0], within=HEADER_TIMEOUT + 5)
            assert closed_by_server(idle[0], within=10)
            assert server.process.poll() is None

        assert timed_get(server, "/livez")[0] == 200
