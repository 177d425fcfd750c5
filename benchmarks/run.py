"""Run the benchmarks and write benchmarks/results/<name>.json.

    python benchmarks/run.py [--only catalog] [--rounds 3] [--seconds 5]

Run it through `make bench`: that installs wrk and points DATABASE_URL and
REDIS_URL at the local PostgreSQL and Redis. The database is migrated and the
real data set imported first (idempotent), the database is vacuumed before each
benchmark (as autovacuum keeps a production server), then each benchmark serves
the app with gunicorn (2 workers, DEBUG off) and loads it with wrk from a second process.
"""

import argparse
import json
import os
import subprocess
import sys
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

from benchmarks import alerts, fairness, forecast, grades, harness, mixed, schedules, search, sis, waitlist  # noqa: E402

RESULTS = Path(__file__).resolve().parent / "results"


def prepare() -> None:
    manage = [sys.executable, str(harness.BASE_DIR / "manage.py")]
    subprocess.run([*manage, "migrate", "--no-input", "-v", "0"], check=True)
    subprocess.run([*manage, "import_all"], check=True, stdout=subprocess.DEVNULL)


def bench_catalog(options) -> dict:
    """GET /api/v1/courses/?subject=COMPSCI against the trivial /livez JSON view.
    Target: p99 <= 25 ms and >= 70% of the trivial view's throughput."""
    with harness.gunicorn() as base:
        result = harness.compare(base, "/api/v1/courses/?subject=COMPSCI", rounds=options.rounds,
                                 seconds=options.seconds)  # fmt: skip
    result["targets"] = {"p99_ms_max": 25, "throughput_ratio_min": 0.70}
    result["meets_targets"] = result["target_p99_ms"] <= 25 and result["throughput_ratio"] >= 0.70
    # For context: the same request with response caching off (every request queries PostgreSQL).
    with harness.gunicorn(env={"API_RESPONSE_CACHE": "false"}) as base:
        uncached = harness.compare(base, "/api/v1/courses/?subject=COMPSCI", rounds=options.rounds,
                                   seconds=options.seconds)  # fmt: skip
    result["uncached"] = {k: uncached[k] for k in ("target_rps", "target_p50_ms", "target_p99_ms", "baseline_rps",
                                                    "throughput_ratio")}  # fmt: skip
    return result


CATALOG_PAGES = [
    "/",
    "/catalog/",
    "/catalog/?subject=COMPSCI",
    "/catalog/?term=fall-2025",
    "/catalog/?level=upper&ordering=-gpa",
    "/catalog/?requirement=ls-historical-studies&page=2",
    "/catalog/?requirement=ls-breadth&requirement=american-cultures&ordering=-gpa",
    "/catalog/?term=summer-2026&open_seats=true&days=M&days=W&starts_after=10:00",
    "/catalog/?q=data",
    "/catalog/?q=cs6",
]


def bench_pages(options) -> dict:
    """The home page and catalog pages in turn (HTML, as a student waits for them) against
    the trivial /livez view, served as deployed (whole pages cached until the data
    changes) and with the page cache off (every request queries and renders).
    Targets: cached, >= 95% of the trivial view's throughput; uncached, p99 <= 100 ms."""
    with harness.gunicorn() as base:
        result = harness.compare(base, CATALOG_PAGES, rounds=options.rounds, seconds=options.seconds,
                                 label="home and catalog pages")  # fmt: skip
    with harness.gunicorn(env={"PAGE_CACHE": "false"}) as base:
        uncached = harness.compare(base, CATALOG_PAGES, rounds=options.rounds, seconds=options.seconds,
                                   label="home and catalog pages, page cache off")  # fmt: skip
    result["uncached"] = {k: uncached[k] for k in ("target_rps", "target_p50_ms", "target_p99_ms", "baseline_rps",
                                                    "baseline_p99_ms", "throughput_ratio")}  # fmt: skip
    result["paths"] = CATALOG_PAGES
    result["targets"] = {"throughput_ratio_min": 0.95, "uncached_p99_ms_max": 100}
    result["meets_targets"] = result["throughput_ratio"] >= 0.95 and uncached["target_p99_ms"] <= 100
    return result


BENCHMARKS = {
    "alerts": alerts.bench_alerts,
    "catalog": bench_catalog,
    "grades": grades.bench_distribution,
    "grades-import": grades.bench_import,
    "mixed": mixed.bench_mixed,
    "pages": bench_pages,
    "schedules": schedules.bench_schedules,
    "search": search.bench_search,
    "sis": sis.bench_sync,
    "waitlist": waitlist.bench_waitlist,
    "forecast": forecast.bench_backtest,
    "fairness": fairness.bench_fairness,
}


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--only", choices=sorted(BENCHMARKS), action="append")
    parser.add_argument("--rounds", type=int, default=3)
    parser.add_argument("--seconds", type=int, default=5)
    parser.add_argument("--skip-import", action="store_true")
    options = parser.parse_args()
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "berkeleytime.settings")
    if not options.skip_import:
        prepare()
    RESULTS.mkdir(exist_ok=True)
    for name in options.only or sorted(BENCHMARKS):
        if name != "sis":  # the SIS benchmark works in a database of its own
            harness.vacuum()
        result = BENCHMARKS[name](options)
        (RESULTS / f"{name}.json").write_text(json.dumps(result, indent=2) + "\n")
        print(f"{name}: {json.dumps(result)}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
