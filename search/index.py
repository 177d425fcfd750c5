"""The Elasticsearch index: explicit mappings, bulk loading from PostgreSQL, a versioned index behind an alias.

Searches always go through the alias (``<CACHE_KEY_PREFIX>-courses``, or
ELASTICSEARCH_INDEX). ``rebuild()`` fills a new index named
``<alias>-<timestamp>`` while the old one keeps answering, then moves the
alias in one atomic ``update_aliases`` call and deletes the old index: zero
downtime. ``index_courses()`` updates single documents in place after an import.
"""

from __future__ import annotations

import functools
import logging
import re
from collections.abc import Iterable
from dataclasses import dataclass
from datetime import UTC, datetime

from django.conf import settings
from elasticsearch import Elasticsearch, NotFoundError, helpers

from catalog.models import Course
from catalog.subject_names import everyday_names

from .documents import iter_documents

logger = logging.getLogger(__name__)

SEARCH_TIMEOUT_MS = 300  # past this a query is answered by postgres instead
ADMIN_TIMEOUT = 60.0


def search_timeout() -> float:
    """The time budget of one search, in seconds: settings.SEARCH_TIMEOUT_MS, else 300 ms. Only development
    (tests, benchmarks of relevance against the slow local stand-in server) may allow more than 300 ms."""
    budget = getattr(settings, "SEARCH_TIMEOUT_MS", SEARCH_TIMEOUT_MS)
    if not settings.IS_DEVELOPMENT:
        budget = min(budget, SEARCH_TIMEOUT_MS)
    return budget / 1000


def alias_name() -> str:
    configured = getattr(settings, "ELASTICSEARCH_INDEX", "")
    name = configured or f"{settings.CACHE_KEY_PREFIX}-courses"
    return re.sub(r"[^a-z0-9_-]+", "-", name.lower()).strip("-_") or "courses"


@functools.cache
def _client(url: str, timeout: float) -> Elasticsearch:
    # No retries: a failed search is answered by postgres at once, not tried again.
    return Elasticsearch(url, request_timeout=timeout, max_retries=0, retry_on_timeout=False)


def client(timeout: float | None = None) -> Elasticsearch:
    if not settings.ELASTICSEARCH_URL:
        raise RuntimeError("ELASTICSEARCH_URL is not set")
    return _client(settings.ELASTICSEARCH_URL, timeout or search_timeout())


def admin_client() -> Elasticsearch:
    return client(ADMIN_TIMEOUT)


def synonym_rules() -> list[str]:
    """aliases.yaml as Elasticsearch synonym rules: "cs => compsci", "ee => eleng, eecs"."""
    rules = []
    for name, subjects in sorted(everyday_names().items()):
        targets = [s.lower() for s in subjects if s.isalnum()]
        if name.isalnum() and targets:
            rules.append(f"{name.lower()} => {', '.join(targets)}")
    return rules


def index_body() -> dict:
    """Settings and mappings of a new index. Mappings are strict: a field nobody declared is an error."""
    return {
        "settings": {
            "number_of_shards": 1,
            "analysis": {
                "filter": {
                    "as_you_type": {"type": "edge_ngram", "min_gram": 1, "max_gram": 20},
                    "subject_synonyms": {"type": "synonym", "synonyms": synonym_rules()},
                    "english_stop": {"type": "stop", "stopwords": "_english_"},
                    "english_stem": {"type": "stemmer", "language": "english"},
                },
                "analyzer": {
                    "as_you_type": {"type": "custom", "tokenizer": "standard",
                                    "filter": ["lowercase", "asciifolding", "as_you_type"]},
                    "as_you_type_search": {"type": "custom", "tokenizer": "standard",
                                           "filter": ["lowercase", "asciifolding"]},
                    "subject_search": {"type": "custom", "tokenizer": "standard",
                                       "filter": ["lowercase", "asciifolding", "subject_synonyms"]},
                    # The headline: English stemming; everyday subject names become subject codes when searching.
                    "headline": {"type": "custom", "tokenizer": "standard",
                                 "filter": ["lowercase", "asciifolding", "english_stop", "english_stem"]},
                    "headline_search": {"type": "custom", "tokenizer": "standard",
                                        "filter": ["lowercase", "asciifolding", "subject_synonyms", "english_stop",
                                                   "english_stem"]},
                    "folded": {"type": "custom", "tokenizer": "standard", "filter": ["lowercase", "asciifolding"]},
                },
                "char_filter": {"squeeze": {"type": "pattern_replace", "pattern": "[\\s,]+", "replacement": ""}},
                "normalizer": {"code": {"type": "custom", "char_filter": ["squeeze"], "filter": ["lowercase"]}},
            },
        },
        "mappings": {
            "dynamic": "strict",
            "properties": {
                "id": {"type": "long"},
                "code": {"type": "keyword"},
                "subject": {"type": "keyword"},
                "number": {"type": "keyword"},
                # Every spelling of the code, compared without spaces or case: "el eng 120" = "ELENG120".
                "codes": {"type": "keyword", "normalizer": "code", "fields": {"words": {"type": "text"}}},
                "subject_words": {"type": "text", "analyzer": "folded", "search_analyzer": "subject_search"},
                # Code, every spelling of it, both titles and the subject's names in one field: what the
                # first ranking tier searches, in one pass rather than one per field.
                "headline": {
                    "type": "text", "analyzer": "headline", "search_analyzer": "headline_search",
                    "fields": {"prefix": {"type": "text", "analyzer": "as_you_type",
                                          "search_analyzer": "as_you_type_search"}},
                },
                "title": {
                    "type": "text", "analyzer": "english",
                    "fields": {"prefix": {"type": "text", "analyzer": "as_you_type",
                                          "search_analyzer": "as_you_type_search"}},
                },
                "abbreviated_title": {"type": "text", "analyzer": "english"},
                "description": {"type": "text", "analyzer": "english"},
                "instructors": {
                    "type": "text", "analyzer": "folded",
                    "fields": {"prefix": {"type": "text", "analyzer": "as_you_type",
                                          "search_analyzer": "as_you_type_search"}},
                },
                "level": {"type": "keyword"},
                "popularity": {"type": "float"},
                "introductory": {"type": "float"},
                "place": {"type": "short"},
            },
        },
    }  # fmt: skip


def _actions(index: str, course_ids: Iterable[int] | None = None):
    for document in iter_documents(course_ids):
        yield {"_index": index, "_id": document["id"], "_source": document}


@dataclass
class RebuildReport:
    index: str
    indexed: int
    removed: list[str]


def rebuild(es: Elasticsearch | None = None) -> RebuildReport:
    """Fill a new versioned index from PostgreSQL, then swap the alias to it atomically."""
    es = es or admin_client()
    alias = alias_name()
    index = f"{alias}-{datetime.now(UTC):%Y%m%d%H%M%S%f}"
    es.indices.create(index=index, **index_body())
    try:
        indexed, errors = helpers.bulk(es, _actions(index), chunk_size=1000, raise_on_error=True)
        es.indices.refresh(index=index)
        stored = es.count(index=index)["count"]
        if stored != indexed:
            raise RuntimeError(f"index {index} holds {stored} documents, {indexed} were sent")
    except Exception:
        es.options(ignore_status=404).indices.delete(index=index)
        raise
    old = current_indices(es)
    actions = [{"remove": {"index": name, "alias": alias}} for name in old]
    actions.append({"add": {"index": index, "alias": alias}})
    es.indices.update_aliases(actions=actions)
    # Versions the alias no longer points at: the one just replaced and any left by a failed run.
    stale = [name for name in _versions(es, alias) if name != index]
    for name in stale:
        es.options(ignore_status=404).indices.delete(index=name)
    logger.info("search: index %s holds %d courses; alias %s moved from %s", index, indexed, alias, old or "nothing")
    return RebuildReport(index=index, indexed=indexed, removed=stale)


def current_indices(es: Elasticsearch | None = None) -> list[str]:
    """The index (normally one) the alias points at; empty before the first rebuild."""
    es = es or admin_client()
    try:
        return sorted(es.indices.get_alias(name=alias_name()).body)
    except NotFoundError:
        return []


def _versions(es: Elasticsearch, alias: str) -> list[str]:
    try:
        names = es.indices.get(index=f"{alias}-*").body
    except NotFoundError:
        return []
    pattern = re.compile(re.escape(alias) + r"-\d{20}$")
    return sorted(name for name in names if pattern.match(name))


def index_courses(course_ids: Iterable[int], es: Elasticsearch | None = None) -> int:
    """Bring these courses' documents up to date in the live index; delete those of courses gone since."""
    es = es or admin_client()
    if not current_indices(es):
        logger.warning("search: no index behind alias %s yet; run manage.py search_index --rebuild", alias_name())
        return 0
    ids = set(course_ids)
    alias = alias_name()
    indexed, _ = helpers.bulk(es, _actions(alias, ids), chunk_size=1000, raise_on_error=True)
    gone = ids - set(Course.objects.filter(id__in=ids).values_list("id", flat=True))
    if gone:
        helpers.bulk(es, ({"_op_type": "delete", "_index": alias, "_id": i} for i in gone), raise_on_error=False)
    es.indices.refresh(index=alias)
    return indexed
