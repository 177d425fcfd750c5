"""Benchmark plumbing: serve the app with gunicorn, load it with wrk, read wrk's numbers.

These machines are shared and noisy, so every figure is read next to a
baseline measured in the same run (the trivial /livez JSON view under the same
server), and rounds alternate between the target and the baseline.
"""

from __future__ import annotations

import contextlib
import os
import re
import shutil
import socket
import statistics
import subprocess
import sys
import tempfile
import time
import urllib.request
from dataclasses import dataclass
from pathlib import Path

import psycopg

BASE_DIR = Path(__file__).resolve().parent.parent


def free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


def connect():
    """A plain psycopg connection (autocommit) to DATABASE_URL, for work outside Django."""
    import environ

    config = environ.Env.db_url_config(os.environ["DATABASE_URL"])
    kwargs = {"dbname": config["NAME"], "user": config["USER"] or None, "password": config["PASSWORD"] or None}
    if config.get("HOST"):
        kwargs.update(host=config["HOST"], port=config.get("PORT") or 5432)
    elif config.get("OPTIONS", {}).get("host"):
        kwargs.update(host=config["OPTIONS"]["host"])
    return psycopg.connect(**kwargs, autocommit=True)


def vacuum() -> None:
    """VACUUM ANALYZE the database, as autovacuum keeps a production server.

    Imports rewrite rows, and a server without autovacuum (as this machine's
    PostgreSQL runs) keeps their dead versions; measured on that, a benchmark
    would report the bloat rather than the code.
    """
    with connect() as db:
        db.execute("VACUUM ANALYZE")


@contextlib.contextmanager
def gunicorn(workers: int = 2, env: dict | None = None):
    port = free_port()
    environment = {**os.environ, "DEBUG": "false", "LOG_LEVEL": "WARNING", **(env or {})}
    process = subprocess.Popen(
        [sys.executable, "-m", "gunicorn", "-c", "berkeleytime/gunicorn.conf.py", "berkeleytime.wsgi:application",
         "--bind", f"127.0.0.1:{port}", "--workers", str(workers)],
        cwd=BASE_DIR, env=environment, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL,
    )  # fmt: skip
    url = f"http://127.0.0.1:{port}"
    try:
        for _ in range(300):
            try:
                urllib.request.urlopen(url + "/livez", timeout=2).read()
                break
            except OSError:
                time.sleep(0.1)
        else:
            raise RuntimeError("gunicorn did not start")
        yield url
    finally:
        process.terminate()
        process.wait(timeout=15)


@dataclass
class WrkResult:
    requests_per_second: float
    p50_ms: float
    p99_ms: float
    errors: int


_UNITS = {"us": 0.001, "ms": 1.0, "s": 1000.0}


def _ms(text: str) -> float:
    match = re.match(r"([\d.]+)(us|ms|s)", text)
    return float(match.group(1)) * _UNITS[match.group(2)]


def _lua(text: str) -> str:
    return '"' + text.replace("\\", "\\\\").replace('"', '\\"') + '"'


def _rotating_script(paths: list[str | tuple[str, dict]]) -> str:
    """A wrk Lua script whose requests take ``paths`` in turn, from a random one on; an
    entry is a path, or a path and its request headers (a Host, for the search site)."""
    entries = []
    for entry in paths:
        path, headers = (entry, {}) if isinstance(entry, str) else entry
        fields = ", ".join(f"[{_lua(k)}] = {_lua(v)}" for k, v in headers.items())
        entries.append(f"{{{_lua(path)}, {{{fields}}}}}")
    listed = ",\n".join(entries)
    return f"""
local requests = {{
{listed}
}}
local i = math.random(#requests)
request = function()
  i = i % #requests + 1
  return wrk.format("GET", requests[i][1], requests[i][2])
end
"""


def _post_script(body: str) -> str:
    return f"""
wrk.method = "POST"
wrk.body = {_lua(body)}
wrk.headers["Content-Type"] = "application/json"
"""


def wrk(base: str, paths: str | list, seconds: int = 5, connections: int = 4, threads: int = 2,
        post: str | None = None) -> WrkResult:  # fmt: skip
    """Load ``base`` + a path, or several paths requested in turn; ``post``: one path
    requested with POST and this JSON body."""
    if shutil.which("wrk") is None:
        raise SystemExit("wrk is not installed: run `make bench`, which installs it")
    command = ["wrk", f"-t{threads}", f"-c{connections}", f"-d{seconds}s", "--latency"]
    with tempfile.TemporaryDirectory() as scratch:
        if post is not None:
            script = Path(scratch) / "post.lua"
            script.write_text(_post_script(post))
            command += ["-s", str(script), base + paths]
        elif isinstance(paths, str):
            command.append(base + paths)
        else:
            script = Path(scratch) / "rotate.lua"
            script.write_text(_rotating_script(paths))
            command += ["-s", str(script), base]
        out = subprocess.run(command, capture_output=True, text=True, check=True).stdout
    rps = float(re.search(r"Requests/sec:\s+([\d.]+)", out).group(1))
    p50 = _ms(re.search(r"^\s+50%\s+(\S+)", out, re.M).group(1))
    p99 = _ms(re.search(r"^\s+99%\s+(\S+)", out, re.M).group(1))
    errors = sum(int(n) for n in re.findall(r"Non-2xx or 3xx responses:\s+(\d+)", out))
    socket_errors = re.search(r"Socket errors: connect (\d+), read (\d+), write (\d+), timeout (\d+)", out)
    if socket_errors:
        errors += sum(int(n) for n in socket_errors.groups())
    return WrkResult(rps, p50, p99, errors)


def compare(base: str, target: str | list[str], baseline_path: str = "/livez", rounds: int = 3, seconds: int = 5,
            connections: int = 4, label: str | None = None) -> dict:  # fmt: skip
    """Alternate target and baseline rounds; report medians and the throughput ratio.

    ``target`` is a path, or several paths requested in turn (``label`` names them in the result).
    Several paths are requested through wrk's Lua script, which costs the client some time on
    every request; the baseline is then requested through the same script, so both sides pay it.
    """
    for path in [target] if isinstance(target, str) else target:  # warm caches, connections and the planner
        urllib.request.urlopen(base + path, timeout=30).read()
    target_runs, baseline_runs = [], []
    baseline = baseline_path if isinstance(target, str) else [baseline_path]
    for _ in range(rounds):
        target_runs.append(wrk(base, target, seconds, connections))
        baseline_runs.append(wrk(base, baseline, seconds, connections))
    return {
        "target": label or target,
        "baseline": baseline_path,
        "rounds": rounds,
        "seconds_per_round": seconds,
        "connections": connections,
        **summarize(target_runs, baseline_runs),
    }


def summarize(target_runs: list[WrkResult], baseline_runs: list[WrkResult]) -> dict:
    """Medians of the target's and the baseline's rounds, their errors and the throughput ratio."""
    med = statistics.median
    result = {
        "target_rps": round(med(r.requests_per_second for r in target_runs), 1),
        "target_p50_ms": round(med(r.p50_ms for r in target_runs), 2),
        "target_p99_ms": round(med(r.p99_ms for r in target_runs), 2),
        "baseline_rps": round(med(r.requests_per_second for r in baseline_runs), 1),
        "baseline_p50_ms": round(med(r.p50_ms for r in baseline_runs), 2),
        "baseline_p99_ms": round(med(r.p99_ms for r in baseline_runs), 2),
        "errors": sum(r.errors for r in target_runs + baseline_runs),
    }
    result["throughput_ratio"] = round(result["target_rps"] / result["baseline_rps"], 3)
    return result
