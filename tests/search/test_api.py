"""GET /api/v1/search/ on both hosts, the search page on the search host, and bad input."""

import pytest
from django.test import Client

pytestmark = pytest.mark.django_db

SEARCH = Client(HTTP_HOST="search.localhost")
MAIN = Client(HTTP_HOST="localhost")


def test_the_api_answers_best_first_with_highlights():
    response = SEARCH.get("/api/v1/search/", {"q": "cs61a", "limit": 3})
    assert response.status_code == 200
    body = response.json()
    assert body["query"] == "cs61a"
    assert body["backend"] == "postgres"
    assert len(body["results"]) == 3
    first = body["results"][0]
    assert first["code"] == "COMPSCI 61A"
    assert first["title"] == "The Structure and Interpretation of Computer Programs"
    assert first["highlight"] == "<mark>COMPSCI 61A</mark>"
    assert first["url"] == "/courses/COMPSCI/61A/"
    assert set(first) >= {"code", "title", "score", "highlight"}


def test_the_answer_has_exactly_the_fields_the_schema_declares():
    schema = MAIN.get("/api/v1/schema/", HTTP_ACCEPT="application/json").json()["components"]["schemas"]
    body = MAIN.get("/api/v1/search/", {"q": "data structures"}).json()
    assert set(body) == set(schema["Results"]["properties"])
    for hit in body["results"]:
        assert set(hit) == set(schema["Hit"]["properties"])


def test_the_main_host_answers_the_same_search_for_as_you_type():
    body = MAIN.get("/api/v1/search/", {"q": "mcb 32"}).json()
    assert body["results"][0]["code"] == "MCELLBI 32"


@pytest.mark.parametrize(
    "query",
    [
        {"q": ""},
        {"q": "   "},
        {},
        {"q": "x" * 201},
        {"q": "nul\x00byte"},
        {"q": "bell\x07"},
    ],
)
def test_empty_long_and_binary_queries_get_a_400_naming_q(query):
    response = SEARCH.get("/api/v1/search/", query)
    assert response.status_code == 400
    assert response.json()["detail"] == "Invalid parameter: q."
    assert "q" in response.json()["errors"]


def test_undecodable_bytes_get_a_400_naming_q():
    response = SEARCH.get("/api/v1/search/?q=%FF%FE%00")
    assert response.status_code == 400
    assert "q" in response.json()["errors"]


@pytest.mark.parametrize("limit", ["0", "51", "ten", "-1", "1.5"])
def test_a_bad_limit_gets_a_400_naming_limit(limit):
    response = SEARCH.get("/api/v1/search/", {"q": "data", "limit": limit})
    assert response.status_code == 400
    assert response.json()["errors"].keys() == {"limit"}


def test_punctuation_alone_finds_nothing_without_an_error():
    response = SEARCH.get("/api/v1/search/", {"q": "?!"})
    assert response.status_code == 200
    assert response.json()["results"] == []


def test_the_search_host_serves_the_search_page_and_the_main_host_the_catalog():
    search_page = SEARCH.get("/")
    assert search_page.status_code == 200
    assert b'<form class="search-form"' in search_page.content
    catalog = MAIN.get("/catalog/")
    assert catalog.status_code == 200
    assert b"Course catalog" in catalog.content
    assert b'<form class="search-form"' not in catalog.content


def test_the_search_page_lists_results_linking_to_the_main_site():
    response = SEARCH.get("/", {"q": "operating sytems"})
    assert response.status_code == 200
    html = response.content.decode()
    assert 'href="http://localhost/courses/COMPSCI/162/"' in html
    assert "<mark>Operating</mark>" in html


def test_the_search_page_explains_a_bad_query():
    response = SEARCH.get("/", {"q": "x" * 300})
    assert response.status_code == 400
    assert "at most 200 characters" in response.content.decode()


def test_the_main_host_has_no_search_page_at_the_search_path():
    assert MAIN.get("/api/v1/search/", {"q": "cs"}).status_code == 200
    assert SEARCH.get("/courses/COMPSCI/61A/").status_code == 404
