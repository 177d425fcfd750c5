"""A real server speaking the Elasticsearch REST API (noida-db) for the search tests, on a free loopback port."""

import pytest
from django.core.cache import cache

from berkeleytime.caching import reset_local_cache
from search import selectors
from search.local_server import LocalElasticsearch, ServerMissing, find_binary

# The local stand-in answers in seconds where Elasticsearch answers in milliseconds: the tests
# give it time, except where the 300 ms budget is what they check.
GENEROUS_MS = 60_000


def start_server(tmp_path_factory, name: str) -> LocalElasticsearch:
    try:
        find_binary()
    except ServerMissing as exc:
        pytest.fail(str(exc), pytrace=False)
    data_dir = tmp_path_factory.mktemp(name)
    server = LocalElasticsearch(data_dir / "data", data_dir / "server.log")
    server.start()
    return server


@pytest.fixture(scope="session")
def search_server(tmp_path_factory):
    server = start_server(tmp_path_factory, "elasticsearch")
    yield server
    server.stop()


@pytest.fixture
def elasticsearch(search_server, settings):
    """The elasticsearch backend switched on, against the session's server."""
    settings.ELASTICSEARCH_URL = search_server.url
    settings.SEARCH_TIMEOUT_MS = GENEROUS_MS
    selectors.breaker.reset()
    yield search_server
    selectors.breaker.reset()


@pytest.fixture
def fresh_cache():
    cache.clear()
    reset_local_cache()
