"""The elasticsearch backend against a real server speaking its REST API: mappings, the alias swap, bulk
loading, updates after imports, and the fallback to postgres when the server goes away."""

import time

import pytest
from prometheus_client import REGISTRY

from berkeleytime.signals import data_imported
from catalog.models import Course
from search import index, selectors
from sources.importing import ImportReport

from .conftest import start_server

pytestmark = pytest.mark.django_db


@pytest.fixture
def built(elasticsearch):
    """An index built from the test database's catalog, behind the alias."""
    return index.rebuild()


def test_the_index_has_explicit_mappings(built):
    es = index.admin_client()
    mapping = es.indices.get_mapping(index=built.index)[built.index]["mappings"]
    assert mapping["dynamic"] == "strict"
    fields = mapping["properties"]
    assert fields["code"]["type"] == "keyword"
    assert fields["codes"]["normalizer"] == "code"
    assert fields["title"]["fields"]["prefix"]["analyzer"] == "as_you_type"
    assert fields["headline"]["search_analyzer"] == "headline_search"
    analysis = es.indices.get_settings(index=built.index)[built.index]["settings"]["index"]["analysis"]
    assert analysis["filter"]["as_you_type"]["type"] == "edge_ngram"
    assert "cs => compsci" in analysis["filter"]["subject_synonyms"]["synonyms"]
    # the synonym analyzer reads everyday subject names as subject codes
    tokens = es.indices.analyze(index=built.index, analyzer="headline_search", text="ee 120")["tokens"]
    assert {"eleng", "120"} <= {t["token"] for t in tokens}


def test_bulk_indexing_loads_every_course(built):
    assert built.indexed == Course.objects.count()
    assert index.admin_client().count(index=index.alias_name())["count"] == Course.objects.count()


def test_a_rebuild_swaps_the_alias_to_a_new_index_and_drops_the_old(built):
    es = index.admin_client()
    # when
    second = index.rebuild()
    # then
    assert second.index != built.index
    assert index.current_indices(es) == [second.index]
    assert built.index in second.removed
    assert not es.indices.exists(index=built.index)
    assert es.count(index=index.alias_name())["count"] == Course.objects.count()


def test_the_elasticsearch_backend_answers_the_same_api(built, client):
    body = client.get("/api/v1/search/", {"q": "cs61a", "limit": 3}, HTTP_HOST="search.localhost").json()
    assert body["backend"] == "elasticsearch"
    assert body["results"][0]["code"] == "COMPSCI 61A"
    assert body["results"][0]["highlight"] == "<mark>COMPSCI 61A</mark>"
    former = selectors.search("math 1a", 3)  # MATH 1A became MATH 51
    assert (former.backend, former.hits[0].code) == ("elasticsearch", "MATH 51")
    words = selectors.search("data structures", 5)
    assert words.backend == "elasticsearch"
    assert words.hits[0].code == "COMPSCI 61B"
    assert words.hits[0].highlight == "<mark>Data</mark> <mark>Structures</mark>"


def test_shorthand_reads_as_in_postgres(built):
    def found(typed: str) -> list[str]:
        results = selectors.search(typed, 5)
        assert results.backend == "elasticsearch"
        return [hit.code for hit in results.hits]

    # shortened words and a first course asked for
    assert found("intro psych")[0] == "PSYCH 1"
    assert {"MATH 54", "MATH 110"} <= set(found("lin alg"))
    # an everyday name of a course its title does not say
    assert "CHEM 3A" in found("orgo")
    # a place in a sequence
    assert found("second semester calc")[0] == "MATH 52"
    assert found("first semester calculus")[0] == "MATH 51"


def test_an_import_updates_the_courses_it_changed_in_the_index(built):
    # given a course renamed in the catalog
    course = Course.objects.get(code="COMPSCI 61A")
    course.title = "Zyxwvutsrq Programming"
    course.save()
    assert selectors.search("zyxwvutsrq", 5).hits == []
    # when the importer announces it
    data_imported.send(sender=None, importer="catalog", report=ImportReport(), course_ids={course.id})
    # then the live index has it, without a rebuild
    results = selectors.search("zyxwvutsrq", 5)
    assert results.backend == "elasticsearch"
    assert [hit.code for hit in results.hits] == ["COMPSCI 61A"]
    assert index.current_indices() == [built.index]


def test_management_command_rebuilds_and_reports(built):
    from io import StringIO

    from django.core.management import call_command

    out = StringIO()
    call_command("search_index", "--rebuild", stdout=out)
    text = out.getvalue()
    assert f"indexed {Course.objects.count()} courses" in text
    assert f"deleted {built.index}" in text


def fallbacks(reason: str) -> float:
    return REGISTRY.get_sample_value("bt_search_fallbacks_total", {"reason": reason}) or 0.0


def test_postgres_answers_when_the_search_server_stops(tmp_path_factory, settings, client):
    # given a second server of our own, indexed and answering
    server = start_server(tmp_path_factory, "doomed")
    try:
        settings.ELASTICSEARCH_URL = server.url
        settings.SEARCH_TIMEOUT_MS = 60_000
        selectors.breaker.reset()
        index.rebuild(index.admin_client())
        assert selectors.search("ugba 10", 3).backend == "elasticsearch"
        before = fallbacks("error")
        settings.SEARCH_TIMEOUT_MS = 300
        # when it stops mid-run
        server.stop()
        response = client.get("/api/v1/search/", {"q": "ieor 172"}, HTTP_HOST="search.localhost")
        # then the student still gets answers, from postgres, and the fallback is counted
        assert response.status_code == 200
        body = response.json()
        assert body["backend"] == "postgres"
        assert body["results"][0]["code"] == "INDENG 172"
        assert fallbacks("error") == before + 1
        # and the next queries do not wait for the dead server
        assert selectors.search("mcb 32", 3).backend == "postgres"
        assert fallbacks("circuit_open") >= 1
    finally:
        server.stop()
        selectors.breaker.reset()


def test_a_hung_search_server_costs_one_budget_per_pause(tmp_path_factory, settings):
    # given a second server of our own, indexed and answering
    server = start_server(tmp_path_factory, "hung")
    try:
        settings.ELASTICSEARCH_URL = server.url
        settings.SEARCH_TIMEOUT_MS = 60_000
        settings.ELASTICSEARCH_BREAKER_SECONDS = 2
        selectors.breaker.reset()
        index.rebuild(index.admin_client())
        assert selectors.search("ugba 10", 3).backend == "elasticsearch"
        settings.SEARCH_TIMEOUT_MS = 300
        timeouts, skipped = fallbacks("timeout"), fallbacks("circuit_open")
        # when it hangs (accepts connections, never answers)
        server.hang()
        started = time.monotonic()
        first = selectors.search("linear algebra", 5)
        waited = time.monotonic() - started
        started = time.monotonic()
        later = [selectors.search(typed, 5) for typed in ("cs 170", "data 8", "mcb 32", "ieor 172") * 3]
        rest = time.monotonic() - started
        # then the first search waits out the budget, and the next twelve do not ask the server at all
        assert first.backend == "postgres"
        assert "MATH 54" in [hit.code for hit in first.hits]
        assert waited >= 0.25
        assert {r.backend for r in later} == {"postgres"}
        assert fallbacks("timeout") == timeouts + 1
        assert fallbacks("circuit_open") == skipped + 12
        assert rest < 12 * 0.3  # 3.6 s had each waited the budget; postgres answers in milliseconds
        # and once it answers again, the first search after the pause closes the breaker
        server.resume()
        settings.SEARCH_TIMEOUT_MS = 60_000
        time.sleep(2.1)
        assert selectors.search("ugba 10", 3).backend == "elasticsearch"
        assert selectors.breaker.current_state == "closed"
        assert selectors.search("cs 170", 3).backend == "elasticsearch"
    finally:
        server.stop()
        selectors.breaker.reset()


def test_a_server_slower_than_the_budget_is_not_waited_for(elasticsearch, settings):
    index.rebuild()
    settings.SEARCH_TIMEOUT_MS = 1  # no server answers a search in a millisecond
    before = fallbacks("timeout")
    results = selectors.search("linear algebra", 5)
    assert results.backend == "postgres"
    assert "MATH 54" in [hit.code for hit in results.hits]
    assert fallbacks("timeout") == before + 1


def test_no_index_yet_means_postgres_answers(elasticsearch):
    es = index.admin_client()
    for name in index.current_indices(es):
        es.indices.delete(index=name)
    before = fallbacks("no_index")
    assert selectors.search("cs 170", 3).backend == "postgres"
    assert fallbacks("no_index") == before + 1
