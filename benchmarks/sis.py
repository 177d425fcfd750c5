"""The SIS syncs against the stand-in SIS, over HTTP, in a database of their own.

Targets (issue 12): a classes sync of a 10,000-section term within 60 s with
memory that does not grow with the term, and an enrollment sync with nothing
changed within 5 s. The stand-in lists the Summer 2026 file once (1,757
sections) and six times under other course numbers (10,542); each sync runs as
its own `manage.py` process, whose peak RSS is read from the kernel
(getrusage of the child). The baseline of the same run is the bare transfer:
the same pages fetched by the same client, with nothing parsed or written.
"""

from __future__ import annotations

import json
import os
import subprocess
import sys
import time
import urllib.request
from contextlib import contextmanager

import psycopg

from benchmarks import harness

DATABASE = "berkeleytime_sis_bench"
CREDENTIALS = ("bench-id", "bench-key")
TERM = "2265"


def _env(database_url: str, standin_url: str) -> dict:
    env = {k: v for k, v in os.environ.items() if k != "REDIS_URL"}
    env.update(DATABASE_URL=database_url, SIS_API_URL=standin_url, DEBUG="false")  # as in the CronJobs
    for api in ("TERM", "COURSE", "CLASS"):
        env[f"SIS_{api}_APP_ID"], env[f"SIS_{api}_APP_KEY"] = CREDENTIALS
    return env


@contextmanager
def _database():
    """A database of the benchmark's own, migrated, with the data set's catalog; dropped afterwards."""
    server = os.environ["DATABASE_URL"].rsplit("/", 1)[0]
    url = f"{server}/{DATABASE}"
    with psycopg.connect(f"{server}/postgres", autocommit=True) as admin:
        admin.execute(f'DROP DATABASE IF EXISTS "{DATABASE}" WITH (FORCE)')
        admin.execute(f'CREATE DATABASE "{DATABASE}"')
    env = {**os.environ, "DATABASE_URL": url}
    manage = [sys.executable, str(harness.BASE_DIR / "manage.py")]
    try:
        subprocess.run([*manage, "migrate", "--no-input", "-v", "0"], check=True, env=env)
        subprocess.run([*manage, "import_catalog", "--no-progress"], check=True, env=env, stdout=subprocess.DEVNULL)
        yield url
    finally:
        with psycopg.connect(f"{server}/postgres", autocommit=True) as admin:
            admin.execute(f'DROP DATABASE IF EXISTS "{DATABASE}" WITH (FORCE)')


@contextmanager
def _standin():
    port = harness.free_port()
    process = subprocess.Popen(
        [sys.executable, "-m", "sources.sis.standin", "--port", str(port), "--app-id", CREDENTIALS[0],
         "--app-key", CREDENTIALS[1]],
        cwd=harness.BASE_DIR, stdout=subprocess.DEVNULL, stderr=subprocess.STDOUT,
    )  # fmt: skip
    url = f"http://127.0.0.1:{port}"
    deadline = time.monotonic() + 60
    while True:
        try:
            _control(url, "reset")
            break
        except OSError:
            if time.monotonic() > deadline:
                process.kill()
                raise RuntimeError("the stand-in SIS did not start") from None
            time.sleep(0.2)
    try:
        yield url
    finally:
        process.terminate()
        process.wait(timeout=10)


def _control(url: str, what: str, **body) -> dict:
    request = urllib.request.Request(f"{url}/_standin/{what}", data=json.dumps(body).encode(), method="POST")
    with urllib.request.urlopen(request, timeout=30) as answer:  # noqa: S310 (the benchmark's own server)
        return json.loads(answer.read())


def _sync(env: dict, *args: str) -> dict:
    """One `manage.py sis_sync` process: wall time and peak RSS (from the kernel, for this child alone)."""
    runner = (
        "import os, resource, sys, django; os.environ.setdefault('DJANGO_SETTINGS_MODULE', 'berkeleytime.settings');"
        "django.setup(); from django.core.management import call_command;"
        "call_command('sis_sync', *sys.argv[1:], '--no-progress', stdout=open(os.devnull, 'w'));"
        "print(resource.getrusage(resource.RUSAGE_SELF).ru_maxrss)"
    )
    started = time.perf_counter()
    done = subprocess.run([sys.executable, "-c", runner, *args], cwd=harness.BASE_DIR, env=env, capture_output=True,
                          text=True, check=False)  # fmt: skip
    seconds = time.perf_counter() - started
    if done.returncode != 0:
        raise RuntimeError(f"sis_sync {' '.join(args)} failed: {done.stderr[-2000:]}")
    with psycopg.connect(env["DATABASE_URL"]) as db:
        (run_seconds,) = db.execute(
            "SELECT EXTRACT(EPOCH FROM finished_at - started_at) FROM sis_syncrun ORDER BY started_at DESC LIMIT 1"
        ).fetchone()
    return {
        "seconds": round(seconds, 2),  # the process, start to exit, as a CronJob's pod runs it
        "run_seconds": round(float(run_seconds), 2),  # the sync itself, as SyncRun logs it (no interpreter start)
        "peak_rss_mb": round(int(done.stdout.split()[-1]) / 1024, 1),
    }


def _transfer(env: dict, path: str) -> dict:
    """The baseline: every page of ``path`` fetched by the sync's client, nothing parsed or written."""
    runner = (
        "import sys, time; from sources.sis.client import SisClient;"
        "client = SisClient(sys.argv[1], {'class': (sys.argv[2], sys.argv[3])});"
        "started = time.perf_counter();"
        "n = sum(len(items) for _, items in client.pages('class', sys.argv[4], 'classSections', dict(a.split('=') for a in sys.argv[5:])));"
        "print(n, time.perf_counter() - started)"
    )
    done = subprocess.run(
        [sys.executable, "-c", runner, env["SIS_API_URL"], *CREDENTIALS, path, f"term-id={TERM}"],
        cwd=harness.BASE_DIR, capture_output=True, text=True, check=True,
    )  # fmt: skip
    records, seconds = done.stdout.split()
    return {"records": int(records), "seconds": round(float(seconds), 2)}


def bench_sync(options) -> dict:
    result: dict = {"classes": {}, "enrollment": {}}
    with _database() as database_url, _standin() as standin_url:
        env = _env(database_url, standin_url)
        _sync(env, "terms")
        for times in (1, 6):
            _control(standin_url, "reset")
            sections = _control(standin_url, "repeat", times=times)["sections"]
            transfer = _transfer(env, "/v1/classes/sections")
            first = _sync(env, "classes", "--term", "summer-2026")
            again = _sync(env, "classes", "--term", "summer-2026")  # nothing changed: read, compare, write nothing
            result["classes"][f"{sections}_sections"] = {
                "sections": sections,
                "transfer_seconds": transfer["seconds"],
                "first_sync": first,
                "unchanged_sync": again,
                "first_to_transfer_ratio": round(first["seconds"] / transfer["seconds"], 1),
            }
        # The enrollment sync over the 10,542 sections the last classes sync wrote, nothing changed:
        # as every 15-minute run asks (what changed since the last run: nothing), and as a first
        # run asks (every section's counts, all equal to the database's).
        forget_runs = "DELETE FROM sis_syncrun WHERE kind IN ('classes', 'enrollment')"  # so the next asks for all
        with psycopg.connect(database_url, autocommit=True) as db:
            db.execute(forget_runs)
        _sync(env, "enrollment", "--term", "summer-2026")  # the first: every course's first snapshot
        with psycopg.connect(database_url, autocommit=True) as db:
            db.execute(forget_runs)
        full = _sync(env, "enrollment", "--term", "summer-2026")
        since = _sync(env, "enrollment", "--term", "summer-2026")
        transfer = _transfer(env, f"/v1/classes/sections/terms/{TERM}/updated/enrollments")
        result["enrollment"] = {
            "sections": sections,
            "every_section_listed": full,
            "only_changes_listed": since,
            "transfer_every_section_seconds": transfer["seconds"],
        }
    small, large = result["classes"].values()
    result["memory_growth_mb_per_1000_sections"] = round(
        (large["first_sync"]["peak_rss_mb"] - small["first_sync"]["peak_rss_mb"])
        / ((large["sections"] - small["sections"]) / 1000),
        2,
    )
    result["targets"] = {"classes_10k_seconds_max": 60, "enrollment_unchanged_seconds_max": 5}
    result["meets_targets"] = (
        large["first_sync"]["seconds"] <= 60
        and result["enrollment"]["every_section_listed"]["seconds"] <= 5
        and result["enrollment"]["only_changes_listed"]["seconds"] <= 5
    )
    return result
