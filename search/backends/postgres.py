"""The postgres backend: weighted full-text search over the stored documents, pg_trgm for typos.

A query runs as at most four short statements: typo correction of its words
against the word list (pg_trgm), the code reading ("cs 61a"), the words as a
weighted full-text query (every word; then any word if that finds too few),
and one read of the fields the results show.
"""

from __future__ import annotations

import bisect
import threading

from django.db import connection

from berkeleytime.caching import data_generation
from catalog.models import CourseAlias
from catalog.typed import LETTER_PREFIXES, CodeQuery
from search import highlight
from search.models import Word
from search.query import Query, edit_distance, max_edits

from . import DESCRIBING_WEIGHT, INTRODUCTORY_WEIGHT, PLACE_WEIGHT, Hit

# Typo correction: a word no course uses (nor, for the unfinished last word,
# starts) gets the closest-looking known words by trigram similarity; the
# backend keeps the one fewest edits away (search.query.edit_distance).
_CORRECTIONS = """
WITH unknown AS MATERIALIZED (
    SELECT q.word FROM unnest(%(words)s::text[], %(prefixes)s::boolean[]) AS q(word, is_prefix)
    WHERE NOT EXISTS (SELECT 1 FROM search_word w WHERE w.word = q.word)
      AND NOT (q.is_prefix AND EXISTS (SELECT 1 FROM search_word w WHERE w.word > q.word AND w.word < q.word || '{'))
)
SELECT unknown.word, candidate.word, candidate.frequency
FROM unknown
CROSS JOIN LATERAL (
    SELECT w.word, w.frequency FROM search_word w
    WHERE w.word %% unknown.word
    ORDER BY similarity(w.word, unknown.word) DESC, w.frequency DESC, w.word
    LIMIT 8
) candidate
"""

# Courses whose number reads as the typed one: exactly, or by a former code or
# other spelling ("math 1a" is MATH 51: 3), with a letter in front ("data 100"
# is DATA C100: 2), or starting with it while typing (1).
_CODES = """
SELECT c.id,
       CASE WHEN c.number = %(number)s OR c.id = ANY(%(aliased)s) THEN 3
            WHEN c.number = ANY(%(lettered)s) THEN 2 ELSE 1 END AS tier,
       COALESCE(array_position(%(subjects)s::text[], c.subject_id::text), 1) AS subject_rank,
       d.popularity, {fields}
FROM catalog_course c
JOIN search_coursedocument d ON d.course_id = c.id
WHERE {where}
ORDER BY tier DESC, subject_rank, d.popularity DESC, c.id
LIMIT %(limit)s
"""

# Where the words matched decides first: all in the code or title (3), with
# the transcript title or subject names (2.6), with instructors (2), only with
# the description (1). Then how popular the course is (0 to 1), how much it
# reads as a first course when the query asks for one ("intro psych": up to
# INTRODUCTORY_WEIGHT), its place in a sequence when the query asks for one
# ("second semester calc": PLACE_WEIGHT), whether its titles say the words that
# only describe a course ("intermediate": DESCRIBING_WEIGHT), ts_rank over
# code and titles (small) and how much the title looks like the query (up to
# 0.5). similarity() is the costly part, and a word typed as far as "co"
# matches thousands of courses: it is computed only for the courses whose
# score without it is within 0.5 of the limit-th best, since no other course
# can reach the top. Only the courses kept are joined to the catalog.
_TEXT = """
WITH matched AS MATERIALIZED (
    SELECT d.course_id, d.title, d.nicknames, d.instructors,
           CASE WHEN ts_filter(d.title_vector, '{{a}}') @@ t.q THEN 3
                WHEN d.title_vector @@ t.q THEN 2.6
                WHEN d.title_vector || d.names_vector @@ t.q THEN 2
                ELSE 1 END
           + d.popularity + 0.2 * ts_rank(d.title_vector, t.q)
           + %(introductory)s * d.introductory
           + CASE WHEN d.place = %(place)s THEN %(place_weight)s ELSE 0 END {describing} AS rough
    FROM search_coursedocument d, (SELECT {tsquery}) AS t(q)
    WHERE d.vector @@ t.q {exclude}
), best AS (
    SELECT course_id, title, instructors,
           rough + 0.5 * greatest(similarity(title, %(text)s), similarity(nicknames, %(text)s)) AS score
    FROM matched
    WHERE rough >= (SELECT min(rough) FROM (SELECT rough FROM matched ORDER BY rough DESC LIMIT %(limit)s) top) - 0.5
    ORDER BY score DESC, course_id
    LIMIT %(limit)s
)
SELECT d.course_id, d.score, {fields}
FROM best d JOIN catalog_course c ON c.id = d.course_id
ORDER BY d.score DESC, d.course_id
"""

# Last resort for words nothing matched: titles that look like the query.
_SIMILAR_TITLES = """
SELECT d.course_id, similarity(d.title, %(text)s) * (0.5 + d.popularity) AS score, {fields}
FROM search_coursedocument d JOIN catalog_course c ON c.id = d.course_id
WHERE d.title %% %(text)s
ORDER BY score DESC, d.course_id
LIMIT %(limit)s
"""

_DESCRIBING = """
           + CASE WHEN ts_filter(d.title_vector, '{a,b}') @@ plainto_tsquery('english', %(describing)s)
                  THEN %(describing_weight)s ELSE 0 END"""

# What every statement returns after the id and score: what a hit shows and highlights.
_FIELDS = "c.code, c.subject_id, c.number, d.title, d.instructors, c.description"

CODE_SCORES = {3: 100.0, 2: 90.0, 1: 80.0}  # number-only readings ("61a") score 40 less
MIN_CORRECTABLE = 4
FEW = 3  # fewer courses than this with every word: look further


class PerGeneration:
    """Data read once into memory and read again when an import bumps the data
    generation (berkeleytime.caching)."""

    def __init__(self) -> None:
        self._lock = threading.Lock()
        self._generation: int | None = None

    def _load(self) -> None:
        generation = data_generation()
        if generation == self._generation:
            return
        with self._lock:
            if generation != self._generation:
                self.fetch()
                self._generation = generation

    def fetch(self) -> None:
        raise NotImplementedError


class KnownWords(PerGeneration):
    """The word list, so that a query whose words all exist costs no typo lookup."""

    _words: list[str] = []
    _set: frozenset[str] = frozenset()

    def fetch(self) -> None:
        words = sorted(Word.objects.values_list("word", flat=True))
        self._words, self._set = words, frozenset(words)

    def has(self, word: str, as_prefix: bool = False) -> bool:
        self._load()
        if word in self._set:
            return True
        if as_prefix:
            i = bisect.bisect_right(self._words, word)
            return i < len(self._words) and self._words[i].startswith(word)
        return False


class KnownAliases(PerGeneration):
    """Former codes and other spellings ('ELENG126' -> EECS 126's id), so that a code
    typed as a course once was answers without a lookup for the codes that never were."""

    _courses: dict[str, int] = {}

    def fetch(self) -> None:
        self._courses = dict(CourseAlias.objects.values_list("code_compact", "course_id"))

    def courses(self, compact_codes) -> list[int]:
        self._load()
        return sorted({self._courses[code] for code in compact_codes if code in self._courses})


known_words = KnownWords()
known_aliases = KnownAliases()


class PostgresBackend:
    name = "postgres"

    def search(self, query: Query, limit: int) -> list[Hit]:
        scores: dict[int, float] = {}
        rows: dict[int, tuple] = {}  # course id -> the fields a hit shows
        code_ids: set[int] = set()

        def keep(found: list[tuple[int, float, tuple]]) -> None:
            for course_id, score, fields in found:
                rows[course_id] = fields
                scores[course_id] = max(scores.get(course_id, 0.0), score)

        with connection.cursor() as cursor:
            for reading in query.codes:
                found = self._code_matches(cursor, reading, limit)
                code_ids.update(course_id for course_id, _, _ in found)
                keep(found)
            # A query that found its course by code needs no typo correction nor a looser second pass.
            alternatives = {} if code_ids else self._corrections(cursor, query)
            if query.terms and len(code_ids) < limit:
                found = self._text_matches(cursor, query, alternatives, limit, every_word=True, names=not code_ids)
                if len(found) < FEW and len(query.terms) > 1 and not code_ids:
                    # Too few courses have every word: add those missing one (either, of two words), below them.
                    looser = self._text_matches(
                        cursor,
                        query,
                        alternatives,
                        limit - len(found),
                        every_word=False,
                        exclude=[i for i, _, _ in found],
                    )
                    found += [(course_id, score * 0.5, fields) for course_id, score, fields in looser]
                if not found and not scores:
                    found = self._similar_titles(cursor, query.text, limit)
                keep(found)
        best = sorted(scores.items(), key=lambda item: (-item[1], item[0]))[:limit]
        words = query.words + query.long_words + tuple(w for options in alternatives.values() for w in options)
        terms = highlight.Terms(words=words, prefix=query.words[-1] if query.prefix and query.words else "")
        hits = []
        for course_id, score in best:
            code, subject, number, title, instructors, description = rows[course_id]
            matched, html = highlight.best(code, title, instructors, description, terms, course_id in code_ids)
            hits.append(Hit(course_id, code, subject, number, title, round(score, 4), html, matched))
        return hits

    def _corrections(self, cursor, query: Query) -> dict[str, tuple[str, ...]]:
        """{typed word: (nearest known word,)} for the words that look misspelt."""
        candidates = [
            (term.word, term.prefix)
            for term in query.terms
            if len(term.typed) == 1 and not term.long_forms
            and len(term.word) >= MIN_CORRECTABLE and term.word.isalpha() and term.word not in query.subject_words
        ]  # fmt: skip
        candidates = [(word, is_prefix) for word, is_prefix in candidates if not known_words.has(word, is_prefix)]
        if not candidates:
            return {}
        cursor.execute(_CORRECTIONS, {"words": [w for w, _ in candidates], "prefixes": [p for _, p in candidates]})
        nearest: dict[str, tuple[int, int, str]] = {}
        for word, known, frequency in cursor.fetchall():
            distance = edit_distance(word, known)
            if distance <= max_edits(word):
                nearest[word] = min(nearest.get(word, (99, 0, "")), (distance, -frequency, known))
        return {word: (known,) for word, (_, _, known) in nearest.items()}

    def _code_matches(self, cursor, reading: CodeQuery, limit: int) -> list[tuple[int, float]]:
        number = reading.number
        params = {
            "number": number,
            "lettered": [prefix + number for prefix in LETTER_PREFIXES],
            "prefix": number + "%",
            "subjects": list(reading.subjects),
            # A former code or other spelling answers too: "el eng 126" is EECS 126 (once ELENG 126).
            "aliased": known_aliases.courses(subject + number for subject in reading.subjects),
            "limit": limit,
        }
        if reading.subjects:
            where = "c.subject_id = ANY(%(subjects)s) AND (c.number LIKE %(prefix)s OR c.number = ANY(%(lettered)s))"
            if params["aliased"]:  # rare, so the common statement keeps its plain index scan
                where = f"({where}) OR c.id = ANY(%(aliased)s)"
        else:  # a number alone must be whole: "61" alone is not every 61-something
            where = "(c.number = %(number)s OR c.number = ANY(%(lettered)s))"
        cursor.execute(_CODES.format(where=where, fields=_FIELDS), params)
        matches = []
        for course_id, tier, subject_rank, popularity, *fields in cursor.fetchall():
            score = CODE_SCORES[tier] + popularity - 5 * (subject_rank - 1)
            if not reading.subjects:
                score = CODE_SCORES[tier] - 40 + 5 * popularity
            matches.append((course_id, score, tuple(fields)))
        return matches

    def _text_matches(self, cursor, query: Query, alternatives, limit: int, every_word: bool, names=True, exclude=()):
        params = {
            "text": query.text,
            "limit": limit,
            "introductory": INTRODUCTORY_WEIGHT if query.introductory else 0.0,
            "place": query.place,
            "place_weight": PLACE_WEIGHT,
            "describing": " ".join(query.describing),
            "describing_weight": DESCRIBING_WEIGHT,
        }
        parts = []
        for i, term in enumerate(query.terms):
            word = term.word
            suffix = ":*" if term.prefix else ""
            options = [f"to_tsquery('english', %(w{i}_0)s)"]
            params[f"w{i}_0"] = " & ".join(term.typed) + suffix
            if word in query.subject_words:  # everyday subject names are stored unstemmed ("me" is a stop word)
                options.append(f"to_tsquery('simple', %(w{i}_0)s)")
            if (
                names and not suffix and len(term.typed) == 1 and 3 <= len(word) <= 5 and word.isalpha()
                and 2 <= len(query.words) <= 3
            ):  # fmt: skip
                # Names are typed short: "ani adhikari" is Anindita Adhikari. Prefixes of instructors (C) only.
                options.append(f"to_tsquery('simple', %(w{i}_name)s)")
                params[f"w{i}_name"] = word + ":*C"
            for k, long_form in enumerate(term.long_forms):  # "lin alg" is also "linear algebra"
                options.append(f"plainto_tsquery('english', %(w{i}_long{k})s)")
                params[f"w{i}_long{k}"] = " ".join(long_form)
            for k, alternative in enumerate(alternatives.get(word, ()), 1):
                options.append(f"to_tsquery('english', %(w{i}_{k})s)")
                params[f"w{i}_{k}"] = alternative
            parts.append("(" + " || ".join(options) + ")")
        if every_word or len(parts) == 1:
            tsquery = " && ".join(parts)
        elif len(parts) == 2:
            tsquery = " || ".join(parts)
        else:  # every word but one: "intro to machine learning stuff" still finds machine learning
            tsquery = " || ".join(
                "(" + " && ".join(p for k, p in enumerate(parts) if k != skip) + ")" for skip in range(len(parts))
            )
        exclude_sql = "AND NOT d.course_id = ANY(%(exclude)s)" if exclude else ""
        params["exclude"] = list(exclude)
        describing = _DESCRIBING if query.describing else ""
        cursor.execute(
            _TEXT.format(tsquery=tsquery, exclude=exclude_sql, fields=_FIELDS, describing=describing), params
        )
        return [(course_id, float(score), tuple(fields)) for course_id, score, *fields in cursor.fetchall()]

    def _similar_titles(self, cursor, text: str, limit: int) -> list[tuple[int, float]]:
        cursor.execute(_SIMILAR_TITLES.format(fields=_FIELDS), {"text": text, "limit": limit})
        return [(course_id, float(score), tuple(fields)) for course_id, score, *fields in cursor.fetchall()]
