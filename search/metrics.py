"""Search counters on prometheus_client's default registry (what /metrics exposes)."""

from prometheus_client import Counter, Histogram

REQUESTS = Counter(
    "bt_search_requests_total",
    "Search queries answered, by the backend that answered them.",
    ["backend"],
)
FALLBACKS = Counter(
    "bt_search_fallbacks_total",
    "Queries the Elasticsearch backend could not answer in time, answered by postgres instead, by reason.",
    ["reason"],
)
DURATION = Histogram(
    "bt_search_duration_seconds",
    "Time to answer a search query, by the backend that answered it.",
    ["backend"],
    buckets=(0.002, 0.005, 0.01, 0.025, 0.05, 0.1, 0.3, 1.0),
)
