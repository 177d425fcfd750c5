"""Search benchmark: relevance of each backend against benchmarks/search_relevance.yaml, and API latency.

Relevance, per backend and for a naive baseline (plain pg_trgm similarity of
the query to the code and the title):
  - top-1 accuracy on code queries (the first result is the course meant);
  - recall@5 on every other kind (the share of the expected courses in the top 5);
  - MRR over all queries (1 / rank of the first expected course in the top 10);
  - each kind's figure, and the three figures without the kinds added later
    (LATER_KINDS), comparable with figures published before them.
The elasticsearch backend runs against a local noida-db server started here.
That stand-in answers in seconds where Elasticsearch answers in milliseconds,
so relevance is measured without the time budget.

Latency: GET /api/v1/search/ under gunicorn (2 workers, DEBUG off), loaded by
wrk with a Lua script that rotates through every query of the relevance set,
in rounds alternating with the trivial /livez view. For postgres with the
response cache on (as deployed) and off (every request searches); for
elasticsearch with its real 300 ms budget, with the share of answers that came
from it rather than from the postgres fallback.
Targets: top-1 >= 95% on codes, recall@5 >= 95% on the rest, postgres p99 <= 15 ms.
"""

from __future__ import annotations

import statistics
import sys
import tempfile
import time
import urllib.parse
import urllib.request
from pathlib import Path

import yaml

from benchmarks import harness

RELEVANCE = Path(__file__).resolve().parent / "search_relevance.yaml"
TARGETS = {"code_top1_min": 0.95, "recall_at_5_min": 0.95, "postgres_p99_ms_max": 15}


def load_relevance() -> dict[str, list[dict]]:
    return yaml.safe_load(RELEVANCE.read_text())


# Kinds added after the first figures were published: the figures are also given without them, comparable
# with the earlier ones.
LATER_KINDS = ("shorthand",)


def score(search, relevance: dict[str, list[dict]]) -> dict:
    """Top-1 on codes, recall@5 on the rest, MRR on all; ``search(q)`` returns codes, best first."""
    judged, misses = [], []  # (kind, hit, reciprocal rank) per query
    for kind, items in relevance.items():
        for item in items:
            found = search(item["q"])[:10]
            expected = item["expect"]
            rank = next((i for i, code in enumerate(found, 1) if code in expected), None)
            if kind == "code":
                hit = float(found[:1] == expected[:1])
            else:
                hit = len(set(expected) & set(found[:5])) / len(expected)
            judged.append((kind, hit, 1 / rank if rank else 0.0))
            if hit < 1:
                misses.append({"kind": kind, "q": item["q"], "expected": expected, "got": found[:5]})
    result = _figures(judged)
    result["by_kind"] = {
        kind: round(statistics.mean(hit for k, hit, _ in judged if k == kind), 4) for kind in relevance
    }
    earlier = [row for row in judged if row[0] not in LATER_KINDS]
    if len(earlier) < len(judged):
        result["without_" + "_".join(LATER_KINDS)] = _figures(earlier)
    result["misses"] = misses
    return result


def _figures(judged: list[tuple[str, float, float]]) -> dict:
    top1 = [hit for kind, hit, _ in judged if kind == "code"]
    recalls = [hit for kind, hit, _ in judged if kind != "code"]
    return {
        "code_top1": round(statistics.mean(top1), 4),
        "recall_at_5": round(statistics.mean(recalls), 4),
        "mrr": round(statistics.mean(reciprocal for _, _, reciprocal in judged), 4),
        "queries": len(judged),
    }


def _backend_search(backend):
    from search.query import InvalidQuery, parse

    def run(text: str) -> list[str]:
        try:
            return [hit.code for hit in backend.search(parse(text), 10)]
        except InvalidQuery:
            return []

    return run


def _baseline_search(text: str) -> list[str]:
    from django.db import connection

    with connection.cursor() as cursor:
        cursor.execute(
            """
            SELECT code FROM catalog_course
            ORDER BY greatest(similarity(code, %(q)s), similarity(title, %(q)s)) DESC, code
            LIMIT 10
            """,
            {"q": text},
        )
        return [row[0] for row in cursor.fetchall()]


def _ensure_documents() -> None:
    from search import documents

    if documents.courses_without_documents():
        documents.refresh_documents(None)


def _load(base: str, queries: list[str], options) -> dict:
    paths = ["/api/v1/search/?q=" + urllib.parse.quote_plus(q) + "&limit=10" for q in queries]
    return harness.compare(
        base, paths, rounds=options.rounds, seconds=options.seconds,
        label="/api/v1/search/?q=<each of the relevance queries in turn>&limit=10",
    )  # fmt: skip


def _answered_by(base: str, queries: list[str]) -> dict[str, int]:
    import json

    backends: dict[str, int] = {}
    for text in queries:
        url = f"{base}/api/v1/search/?q={urllib.parse.quote_plus(text)}&limit=10"
        body = json.loads(urllib.request.urlopen(url, timeout=30).read())
        backends[body["backend"]] = backends.get(body["backend"], 0) + 1
    return backends


def bench_search(options) -> dict:
    import django

    django.setup()
    from django.conf import settings

    from search import index, selectors
    from search.backends.elastic import ElasticsearchBackend
    from search.backends.postgres import PostgresBackend
    from search.local_server import local_elasticsearch

    _ensure_documents()
    relevance = load_relevance()
    queries = [item["q"] for items in relevance.values() for item in items]
    result: dict = {"relevance_set": str(RELEVANCE.name), "queries": len(queries), "targets": TARGETS}
    result["relevance"] = {
        "baseline_trigram": score(_baseline_search, relevance),
        "postgres": score(_backend_search(PostgresBackend()), relevance),
    }
    with tempfile.TemporaryDirectory() as scratch, local_elasticsearch(Path(scratch) / "es") as server:
        settings.ELASTICSEARCH_URL = server.url
        settings.SEARCH_TIMEOUT_MS = 120_000
        started = time.perf_counter()
        built = index.rebuild(index.admin_client())
        result["elasticsearch_index"] = {"courses": built.indexed, "seconds": round(time.perf_counter() - started, 1)}
        result["relevance"]["elasticsearch"] = score(_backend_search(ElasticsearchBackend()), relevance)
        settings.ELASTICSEARCH_URL = ""
        selectors.breaker.reset()

        result["latency"] = {}
        with harness.gunicorn() as base:
            result["latency"]["postgres"] = _load(base, queries, options)
        with harness.gunicorn(env={"API_RESPONSE_CACHE": "false"}) as base:
            result["latency"]["postgres_uncached"] = _load(base, queries, options)
        env = {"API_RESPONSE_CACHE": "false", "ELASTICSEARCH_URL": server.url}
        with harness.gunicorn(env=env) as base:
            sample = _answered_by(base, queries)
            result["latency"]["elasticsearch_uncached"] = _load(base, queries, options)
            result["latency"]["elasticsearch_uncached"]["answered_by"] = sample

    pg = result["relevance"]["postgres"]
    result["meets_targets"] = {
        backend: (
            figures["code_top1"] >= TARGETS["code_top1_min"] and figures["recall_at_5"] >= TARGETS["recall_at_5_min"]
        )
        for backend, figures in result["relevance"].items()
    }
    # As deployed (response cache on), and with every request searching.
    for run in ("postgres", "postgres_uncached"):
        result["meets_targets"][f"{run}_p99"] = (
            result["latency"][run]["target_p99_ms"] <= TARGETS["postgres_p99_ms_max"]
        )
    print(
        f"search: postgres top-1 {pg['code_top1']:.1%}, recall@5 {pg['recall_at_5']:.1%}, MRR {pg['mrr']:.3f}; "
        f"p99 {result['latency']['postgres']['target_p99_ms']} ms, "
        f"{result['latency']['postgres_uncached']['target_p99_ms']} ms with the response cache off",
        file=sys.stderr,
    )
    return result
