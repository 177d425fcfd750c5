"""Mixed-load benchmark: the site under many clients at once, over real URLs of every kind.

About 1,600 URLs built from the imported data (a fixed sample of courses, instructors,
subjects, requirements and search queries): HTML pages (home, catalog filters, course,
grades and enrollment compare pages, instructor pages, the search host's page) and the
API (course lists and details, grade distributions and trends, enrollment, instructors,
search). Every URL is requested once first, with the cache emptied, as a check that it
answers (< 400) and as the cold pass a freshly deployed site serves; then wrk loads them in turn, from 64
connections, in rounds alternating with the trivial /livez view at the same
concurrency, both through the same Lua script.
Target: no errors, and at least a quarter of /livez's throughput.
"""

from __future__ import annotations

import random
import time
import urllib.error
import urllib.parse
import urllib.request

from benchmarks import harness
from benchmarks.search import load_relevance

CONNECTIONS = 64
TARGETS = {"throughput_ratio_min": 0.25, "errors_max": 0}


def _quote(text: str) -> str:
    """A value in a query string."""
    return urllib.parse.quote_plus(text, safe="/")


def _p(text: str) -> str:
    """A segment of a path."""
    return urllib.parse.quote(text, safe="")


def real_urls(seed: int = 20261204) -> list[tuple[str, str]]:
    """(host kind, path) pairs: host kind is "main" or "search"."""
    import django

    django.setup()
    from catalog.models import Course, Requirement, Subject, Term
    from enrollment.models import EnrollmentPoint
    from grades.models import Instructor

    rng = random.Random(seed)

    def sample(values, count):
        values = sorted(values)
        return rng.sample(values, min(count, len(values)))

    graded = sample(Course.objects.filter(grade_summary__isnull=False).values_list("subject_id", "number"), 220)
    ungraded = sample(Course.objects.filter(grade_summary__isnull=True).values_list("subject_id", "number"), 60)
    enrolled = sample(EnrollmentPoint.objects.values_list("course__subject_id", "course__number").distinct(), 120)
    instructors = sample(Instructor.objects.values_list("slug", flat=True), 120)
    subjects = sample(Subject.objects.values_list("code", flat=True), 80)
    requirements = sorted(Requirement.objects.values_list("slug", flat=True))
    terms = sorted(Term.objects.values_list("slug", flat=True))
    queries = sorted({item["q"] for items in load_relevance().values() for item in items})

    main: list[str] = ["/", "/catalog/", "/grades/", "/enrollment/", "/instructors/"]
    api: list[str] = ["/api/v1/courses/", "/api/v1/subjects/", "/api/v1/terms/", "/api/v1/instructors/"]
    for subject, number in graded + ungraded:
        main.append(f"/courses/{_p(subject)}/{_p(number)}/")
        api.append(f"/api/v1/courses/{_p(subject)}/{_p(number)}/")
    for subject, number in graded:
        main.append(f"/grades/?s={_quote(subject)}/{_quote(number)}")
        api += [f"/api/v1/grades/{_p(subject)}/{_p(number)}/", f"/api/v1/grades/{_p(subject)}/{_p(number)}/trend/"]
    for (s1, n1), (s2, n2) in zip(graded[::2], graded[1::2], strict=False):
        main.append(f"/grades/?s={_quote(s1)}/{_quote(n1)}&s={_quote(s2)}/{_quote(n2)}")
    for subject, number in enrolled:
        main.append(f"/enrollment/?s={_quote(subject)}/{_quote(number)}")
        api += [
            f"/api/v1/enrollment/{_p(subject)}/{_p(number)}/",
            f"/api/v1/enrollment/{_p(subject)}/{_p(number)}/terms/",
        ]
    for slug in instructors:
        main.append(f"/instructors/{slug}/")
        api.append(f"/api/v1/instructors/{slug}/")
    for subject in subjects:
        main += [f"/catalog/?subject={_quote(subject)}", f"/catalog/?subject={_quote(subject)}&ordering=-gpa"]
        api.append(f"/api/v1/courses/?subject={_quote(subject)}")
    for slug in requirements:
        main.append(f"/catalog/?requirement={slug}")
        api.append(f"/api/v1/courses/?requirement={slug}")
    for slug in terms[-12:]:
        main.append(f"/catalog/?term={slug}")
        api.append(f"/api/v1/courses/?term={slug}")
    search: list[str] = []
    for text in queries:
        main.append(f"/catalog/?q={_quote(text)}")
        search.append(f"/?q={_quote(text)}")
        api.append(f"/api/v1/search/?q={_quote(text)}")
    urls = [("main", path) for path in main + api] + [("search", path) for path in search]
    rng.shuffle(urls)
    return urls


def _get(base: str, host: str, path: str) -> int:
    request = urllib.request.Request(base + path, headers={"Host": host})
    try:
        with urllib.request.urlopen(request, timeout=60) as response:
            response.read()
            return response.status
    except urllib.error.HTTPError as error:
        return error.code


def bench_mixed(options) -> dict:
    from django.conf import settings
    from django.core.cache import cache

    urls = real_urls()
    hosts = {"main": settings.BT_MAIN_HOST, "search": settings.BT_SEARCH_HOST}
    requests = [(path, {"Host": hosts[kind]}) for kind, path in urls]
    baseline = [("/livez", {"Host": hosts["main"]})]
    kinds = {"pages": sum(1 for k, p in urls if not p.startswith("/api/")), "api": sum(1 for _, p in urls
             if p.startswith("/api/"))}  # fmt: skip
    cache.clear()  # the benchmark's own Redis database: the first pass is a cold one
    with harness.gunicorn() as base:
        started = time.perf_counter()
        failures = [(hosts[kind], path, status) for kind, path in urls
                    if (status := _get(base, hosts[kind], path)) >= 400]  # fmt: skip
        cold_seconds = time.perf_counter() - started
        if failures:
            raise SystemExit(f"{len(failures)} URLs did not answer: {failures[:10]}")
        target_runs, baseline_runs = [], []
        for _ in range(options.rounds):
            target_runs.append(harness.wrk(base, requests, options.seconds, CONNECTIONS))
            baseline_runs.append(harness.wrk(base, baseline, options.seconds, CONNECTIONS))
    result = harness.summarize(target_runs, baseline_runs)
    result.update(
        target=f"{len(urls)} real URLs in turn ({kinds['pages']} pages, {kinds['api']} API)",
        baseline="/livez",
        rounds=options.rounds,
        seconds_per_round=options.seconds,
        connections=CONNECTIONS,
        cold_pass={
            "urls": len(urls),
            "seconds": round(cold_seconds, 1),
            "mean_ms": round(1000 * cold_seconds / len(urls), 1),
        },  # fmt: skip
        targets=TARGETS,
    )
    result["meets_targets"] = result["errors"] == 0 and result["throughput_ratio"] >= TARGETS["throughput_ratio_min"]
    return result
