"""The Elasticsearch backend: the same reading of the query as postgres, asked of the index behind the alias.

Code readings become constant-score filters on the keyword fields, far above
any text score; words must each match some field (title, transcript title,
subject names through the synonym analyzer, code words, instructors,
description), the unfinished last word by edge n-grams; when too few courses
have every word, a second pass allows typos (fuzziness AUTO). Scores are
the tier plus popularity, as in postgres. Any error, or no answer
within the time budget for the whole search, raises BackendUnavailable.
"""

from __future__ import annotations

import time

import elastic_transport
from elasticsearch import ApiError, NotFoundError

from catalog.typed import LETTER_PREFIXES, CodeQuery
from search import highlight, index
from search.query import Query

from . import DESCRIBING_WEIGHT, INTRODUCTORY_WEIGHT, PLACE_WEIGHT, BackendUnavailable, Hit

SOURCE = ["id", "code", "codes", "subject", "number", "title", "instructors", "description"]
FEW = 3


def _code_clause(reading: CodeQuery) -> dict:
    number = reading.number
    lettered = [prefix + number for prefix in LETTER_PREFIXES]
    queries = []
    if reading.subjects:
        # A former code or other spelling answers too ("math 1a" is MATH 51): every code a course answers to.
        queries.append(_constant([{"terms": {"codes": [subject + number for subject in reading.subjects]}}], 1000))
        for rank, subject in enumerate(reading.subjects):
            same = {"term": {"subject": subject}}
            queries += [
                _constant([same, {"term": {"number": number}}], 1000 - 50 * rank),
                _constant([same, {"terms": {"number": lettered}}], 900 - 50 * rank),
                _constant([same, {"prefix": {"number": number}}], 800 - 50 * rank),
            ]
    else:
        queries += [_constant([{"term": {"number": number}}], 600), _constant([{"terms": {"number": lettered}}], 500)]
    return {"dis_max": {"queries": queries}}


def _constant(filters: list[dict], boost: float) -> dict:
    return {"constant_score": {"filter": {"bool": {"filter": filters}}, "boost": boost}}


# Where the words matched decides first, as in the postgres backend: all in the
# code, titles or subject names (3), with instructors (2), with the description
# (1). Each word must match one of the tier's fields; the unfinished last word
# may match the start of a title word or name (edge n-grams).
TIERS = [
    (3.0, ["headline"], ["headline.prefix"]),
    (2.0, ["headline", "instructors"], ["headline.prefix", "instructors.prefix"]),
    (1.0, ["headline", "instructors", "description"], ["headline.prefix", "instructors.prefix"]),
]
TYPO_FIELDS = ["headline", "instructors"]
TITLE_WEIGHT = 0.02  # the title's text score only orders courses of one tier and popularity


def _each_word(query: Query, fields: list[str], prefix_fields: list[str], **options) -> dict:
    """Every term must match one of ``fields``: as typed (all its words), or as one of its long forms."""
    clauses = []
    for term in query.terms:
        searched = fields + (prefix_fields if term.prefix else [])
        forms = [{"multi_match": {"query": term.word, "fields": searched, "operator": "and", **options}}]
        forms += [
            {"multi_match": {"query": " ".join(form), "fields": fields, "operator": "and", **options}}
            for form in term.long_forms
        ]
        clauses.append(forms[0] if len(forms) == 1 else {"bool": {"should": forms, "minimum_should_match": 1}})
    return {"bool": {"must": clauses}}


def _words_clause(query: Query) -> dict:
    tiers = [
        {"constant_score": {"filter": _each_word(query, fields, prefixes), "boost": boost}}
        for boost, fields, prefixes in TIERS
    ]
    title = {"match": {"title": {"query": " ".join(query.words + query.long_words), "boost": TITLE_WEIGHT}}}
    return {"bool": {"must": [{"dis_max": {"queries": tiers}}], "should": [title]}}


def _typo_clause(query: Query) -> dict:
    """The second pass, for words no course has as typed: each word may be a typo or two off."""
    fuzzy = _each_word(query, TYPO_FIELDS, ["headline.prefix"], fuzziness="AUTO", prefix_length=1)
    return {"constant_score": {"filter": fuzzy, "boost": 2.0}}


def _popular(query: dict, asked: Query) -> dict:
    """Add the course's popularity (0 to 1) to its score, and what the query asks for as postgres does:
    a first course ("intro psych"), a place in a sequence ("second semester calc"), a describing word
    its titles say ("intermediate micro")."""
    functions = [{"field_value_factor": {"field": "popularity", "missing": 0}}]
    if asked.introductory:
        functions.append({"field_value_factor": {"field": "introductory", "factor": INTRODUCTORY_WEIGHT, "missing": 0}})
    if asked.place:
        functions.append({"filter": {"term": {"place": asked.place}}, "weight": PLACE_WEIGHT})
    if asked.describing:
        describes = {"match": {"headline": {"query": " ".join(asked.describing), "operator": "and"}}}
        functions.append({"filter": describes, "weight": DESCRIBING_WEIGHT})
    return {
        "function_score": {
            "query": query,
            "functions": functions,
            "score_mode": "sum",
            "boost_mode": "sum",
        }
    }


class ElasticsearchBackend:
    name = "elasticsearch"

    def search(self, query: Query, limit: int) -> list[Hit]:
        self._deadline = time.perf_counter() + index.search_timeout()
        should = [_code_clause(reading) for reading in query.codes]
        if query.terms:
            should.append(_words_clause(query))
        hits = self._ask(_popular({"bool": {"should": should, "minimum_should_match": 1}}, query), limit)
        if len(hits) < FEW and query.terms and not query.codes:
            # Too few courses have every word as typed: allow typos, and rank those courses below.
            seen = [h["_id"] for h in hits]
            typos = {"bool": {"must": [_typo_clause(query)], "must_not": [{"ids": {"values": seen}}]}}
            more = self._ask(_popular(typos, query), limit - len(hits))
            hits += more
        terms = highlight.Terms(
            words=query.words + query.long_words, prefix=query.words[-1] if query.prefix and query.words else ""
        )
        code_ids = self._code_ids(query, hits)
        results = []
        for hit in hits:
            doc = hit["_source"]
            matched, html = highlight.best(
                doc["code"], doc["title"], doc["instructors"], doc["description"], terms, doc["id"] in code_ids
            )
            results.append(
                Hit(doc["id"], doc["code"], doc["subject"], doc["number"], doc["title"], round(hit["_score"], 4),
                    html, matched)
            )  # fmt: skip
        return results

    def _ask(self, query: dict, limit: int) -> list[dict]:
        remaining = self._deadline - time.perf_counter()
        if remaining <= 0:
            raise BackendUnavailable("timeout", f"over the {index.search_timeout() * 1000:.0f} ms budget")
        es = index.client().options(request_timeout=remaining)
        try:
            reply = es.search(index=index.alias_name(), query=query, size=limit, source=SOURCE)
        except NotFoundError as exc:
            raise BackendUnavailable("no_index", str(exc)) from exc
        except elastic_transport.ConnectionTimeout as exc:
            raise BackendUnavailable("timeout", str(exc)) from exc
        except (elastic_transport.TransportError, ApiError) as exc:
            raise BackendUnavailable("error", str(exc)) from exc
        return list(reply["hits"]["hits"])

    @staticmethod
    def _code_ids(query: Query, hits: list[dict]) -> set[int]:
        """Courses in the results that the code reading picked (their highlight is the code)."""
        matched = set()
        for reading in query.codes:
            for hit in hits:
                doc = hit["_source"]
                number_ok = doc["number"] == reading.number or doc["number"] in {
                    p + reading.number for p in LETTER_PREFIXES
                }
                if reading.subjects:
                    number_ok = number_ok or doc["number"].startswith(reading.number)
                typed = {subject + reading.number for subject in reading.subjects}
                answers_to = {code.replace(" ", "").upper() for code in doc.get("codes", [])}
                if (number_ok and (not reading.subjects or doc["subject"] in reading.subjects)) or typed & answers_to:
                    matched.add(doc["id"])
        return matched
