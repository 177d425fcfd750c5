"""Schedules: generating for five real Summer 2026 courses through the API, and the planner
page (HTML) with five courses placed, each against the trivial /livez view in the same run."""

import json
import urllib.request

from benchmarks import harness

FIVE = ["DATA C100", "COMPSCI 61A", "COMPSCI 61C", "PHYSICS 8A", "MATH 53"]
GENERATE = "/api/v1/schedules/generate/"
BODY = json.dumps({"term": "summer-2026", "courses": FIVE})


def _planner_path(base: str) -> str:
    """The planner with the best generated combination of the five placed (lecture and sections)."""
    import django

    django.setup()
    from catalog.models import Course

    request = urllib.request.Request(base + GENERATE, BODY.encode(), {"Content-Type": "application/json"})
    best = json.loads(urllib.request.urlopen(request, timeout=30).read())["combinations"][0]
    ids = dict(Course.objects.filter(code__in=FIVE).values_list("code", "id"))
    parts = [f"c={ids[c['course']]}." + ".".join(str(s["id"]) for s in c["sections"]) for c in best["courses"]]
    return "/schedules/plan/summer-2026/?" + "&".join(parts)


def bench_schedules(options) -> dict:
    """POST /api/v1/schedules/generate/ for five real Summer 2026 courses (every lecture,
    discussion and lab: over two thousand bundles), then the planner page with the five
    placed. Targets: generating p99 <= 200 ms; the planner page p99 <= 200 ms."""
    with harness.gunicorn() as base:
        request = urllib.request.Request(base + GENERATE, BODY.encode(), {"Content-Type": "application/json"})
        answer = json.loads(urllib.request.urlopen(request, timeout=30).read())  # warm
        target_runs, baseline_runs = [], []
        for _ in range(options.rounds):
            target_runs.append(harness.wrk(base, GENERATE, options.seconds, post=BODY))
            baseline_runs.append(harness.wrk(base, "/livez", options.seconds))
        result = {
            "target": f"POST {GENERATE} {FIVE}",
            "baseline": "/livez",
            "rounds": options.rounds,
            "seconds_per_round": options.seconds,
            "connections": 4,
            "combinations_found": answer["found"],
            **harness.summarize(target_runs, baseline_runs),
        }
        page = harness.compare(base, _planner_path(base), rounds=options.rounds, seconds=options.seconds,
                               label="planner page, five courses placed")  # fmt: skip
    result["planner_page"] = {k: page[k] for k in ("target", "target_rps", "target_p50_ms", "target_p99_ms",
                                                    "baseline_rps", "baseline_p99_ms", "throughput_ratio",
                                                    "errors")}  # fmt: skip
    result["targets"] = {"p99_ms_max": 200, "planner_page_p99_ms_max": 200}
    result["meets_targets"] = result["target_p99_ms"] <= 200 and page["target_p99_ms"] <= 200
    return result
