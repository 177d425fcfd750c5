"""Writes: the stored search documents and the word list, refreshed from the catalog and grades.

Both are derived data, rebuilt in SQL from the catalog (code, titles,
description, subject), the grades (who taught it, how many took it),
aliases.yaml and shorthand.yaml. The importers' data_imported signal refreshes the courses an
import touched (search.receivers); ``manage.py search_index --rebuild``
refreshes them all.
"""

from __future__ import annotations

import json
import logging
import re
from collections.abc import Iterable, Iterator

from django.contrib.postgres.indexes import GinIndex
from django.db import connection, transaction

from catalog.models import Course, CourseAlias
from catalog.subject_names import everyday_names

from .models import CourseDocument, Word
from .shorthand import shorthand

logger = logging.getLogger(__name__)

# One statement builds every field of the documents of the chosen courses.
# %(ids)s is NULL for every course. The vector's weights: A code, title
# (the transcript title when there is no other) and the course's everyday names (shorthand.yaml), B transcript title,
# subject code, spellings, name and everyday names, C instructors, D description. Beside the vectors: how many
# students took it (popularity), how much it reads as a first course (introductory) and its place in a sequence.
_REFRESH = """
WITH chosen AS (
    SELECT c.id, c.code, c.subject_id, c.number, c.level, c.title, c.abbreviated_title, c.description,
           s.name AS subject_name, array_to_string(s.spellings, ' ') AS spellings
    FROM catalog_course c JOIN catalog_subject s ON s.code = c.subject_id
    WHERE %(ids)s::bigint[] IS NULL OR c.id = ANY(%(ids)s::bigint[])
), names AS (
    SELECT course_id, string_agg(name, '; ' ORDER BY name) AS instructors
    FROM (
        SELECT DISTINCT g.course_id, i.name
        FROM grades_grade g
        JOIN grades_grade_instructors gi ON gi.grade_id = g.id
        JOIN grades_instructor i ON i.id = gi.instructor_id
        WHERE g.course_id IN (SELECT id FROM chosen)
        UNION
        SELECT course_id, instructor FROM catalog_section
        WHERE instructor <> '' AND course_id IN (SELECT id FROM chosen)
    ) taught
    GROUP BY course_id
), taken AS (
    -- Students under this code itself: a cross-listed class's summary counts every
    -- listing, and the code students took it under should rank first.
    SELECT g.course_id, SUM(g.a_plus + g.a + g.a_minus + g.b_plus + g.b + g.b_minus + g.c_plus + g.c + g.c_minus
                            + g.d_plus + g.d + g.d_minus + g.f + g.p + g.np) AS total
    FROM grades_grade g WHERE g.course_id IN (SELECT id FROM chosen)
    GROUP BY g.course_id
), parts AS (
    SELECT chosen.id AS course_id,
           COALESCE(NULLIF(chosen.title, ''), chosen.abbreviated_title) AS title,
           COALESCE(names.instructors, '') AS instructors,
           COALESCE(%(nicknames)s::jsonb ->> chosen.code, '') AS nicknames,
           COALESCE(log(1 + taken.total) / 5.0, 0) AS popularity,
           CASE WHEN chosen.level = 'lower' THEN 0.5 ELSE 0 END
           + CASE WHEN lower(unaccent(chosen.title || ' ' || chosen.abbreviated_title)) ~ %(introductory_titles)s
                       OR lower(unaccent(chosen.description)) ~ %(introductory_openings)s
                  THEN 0.5 ELSE 0 END AS introductory,
           CASE substring(COALESCE(NULLIF(chosen.title, ''), chosen.abbreviated_title) FROM '[[:space:]](I|II|III|IV)$')
                WHEN 'I' THEN 1 WHEN 'II' THEN 2 WHEN 'III' THEN 3 WHEN 'IV' THEN 4
                ELSE CASE WHEN chosen.number ~ '[0-9][A-D]$' THEN ascii(right(chosen.number, 1)) - 64 END
           END AS place,
           setweight(to_tsvector('english', chosen.code || ' '
                                 || unaccent(COALESCE(NULLIF(chosen.title, ''), chosen.abbreviated_title))
                                 || ' ' || COALESCE(%(nicknames)s::jsonb ->> chosen.code, '')), 'A')
           || setweight(to_tsvector('english', unaccent(chosen.abbreviated_title) || ' ' || chosen.subject_name), 'B')
           || setweight(to_tsvector('simple', lower(chosen.subject_id || ' ' || chosen.spellings || ' '
                                                     || COALESCE(%(everyday)s::jsonb ->> chosen.subject_id, ''))), 'B')
               AS title_vector,
           setweight(to_tsvector('english', unaccent(COALESCE(names.instructors, ''))), 'C') AS names_vector,
           setweight(to_tsvector('english', unaccent(chosen.description)), 'D') AS description_vector
    FROM chosen
    LEFT JOIN names ON names.course_id = chosen.id
    LEFT JOIN taken ON taken.course_id = chosen.id
)
INSERT INTO search_coursedocument
    (course_id, title, instructors, nicknames, popularity, introductory, place, title_vector, names_vector, vector,
     refreshed_at)
SELECT course_id, title, instructors, nicknames, popularity, introductory, place, title_vector, names_vector,
       title_vector || names_vector || description_vector, now()
FROM parts
ON CONFLICT (course_id) DO UPDATE SET
    title = EXCLUDED.title, instructors = EXCLUDED.instructors, nicknames = EXCLUDED.nicknames,
    popularity = EXCLUDED.popularity, introductory = EXCLUDED.introductory, place = EXCLUDED.place,
    title_vector = EXCLUDED.title_vector, names_vector = EXCLUDED.names_vector, vector = EXCLUDED.vector,
    refreshed_at = EXCLUDED.refreshed_at
"""

# Words of three letters or more in titles, subject names, instructors and descriptions.
_WORDS = """
INSERT INTO search_word (word, frequency)
SELECT word, count(*) FROM (
    SELECT regexp_split_to_table(
        lower(unaccent(d.title || ' ' || c.abbreviated_title || ' ' || s.name || ' ' || d.instructors
                       || ' ' || c.description)),
        '[^a-z0-9]+') AS word
    FROM search_coursedocument d
    JOIN catalog_course c ON c.id = d.course_id
    JOIN catalog_subject s ON s.code = c.subject_id
) words
WHERE length(word) BETWEEN 3 AND 64 AND word !~ '^[0-9]+$'
GROUP BY word
"""


def everyday_words_by_subject() -> dict[str, str]:
    """{"COMPSCI": "cs eecs", ...}: the everyday names each subject answers to."""
    words: dict[str, list[str]] = {}
    for name, subjects in everyday_names().items():
        for subject in subjects:
            words.setdefault(subject, []).append(name.lower())
    return {subject: " ".join(names) for subject, names in words.items()}


def nicknames_by_course() -> dict[str, str]:
    """{"CHEM 3A": "organic chemistry", ...}: everyday names of single courses (shorthand.yaml)."""
    return {code: "; ".join(names) for code, names in shorthand().courses.items()}


def _words_pattern(words) -> str:
    return "|".join(re.escape(word.lower()) for word in words)


def _shorthand_params() -> dict:
    table = shorthand()
    return {
        "nicknames": json.dumps(nicknames_by_course()),
        # Whole words of either title; the first words of the description ("An introduction to ...").
        "introductory_titles": rf"\m({_words_pattern(table.introductory_titles)})\M",
        "introductory_openings": rf"^\W*((an?|the)\s+)?({_words_pattern(table.introductory_openings)})\M",
    }


_GIN_INDEXES = [
    index.name for model in (CourseDocument, Word) for index in model._meta.indexes if isinstance(index, GinIndex)
]


def refresh_documents(course_ids: Iterable[int] | None = None) -> int:
    """Rebuild the documents of ``course_ids`` (every course when None) and the word list; returns how many."""
    ids = None if course_ids is None else sorted(set(course_ids))
    if ids == []:
        return 0
    with transaction.atomic(), connection.cursor() as cursor:
        cursor.execute(
            _REFRESH, {"ids": ids, "everyday": json.dumps(everyday_words_by_subject()), **_shorthand_params()}
        )
        count = cursor.rowcount
        cursor.execute(f"DELETE FROM {Word._meta.db_table}")  # noqa: S608 - a table name, not input
        cursor.execute(_WORDS)
        if ids is None or len(ids) > 1000:
            # Fresh statistics, so the planner reads the vectors through their index for broad words.
            cursor.execute(f"ANALYZE {CourseDocument._meta.db_table}, {Word._meta.db_table}")
        # New entries wait in each GIN index's pending list until autovacuum
        # merges them; while it is long the planner rightly prefers reading the
        # whole table, and searches ran 5 to 30 times slower after an import.
        # Merging now costs little (the lists are mostly flushed as they fill).
        for index in _GIN_INDEXES:
            cursor.execute("SELECT gin_clean_pending_list(%s::regclass)", [index])
    logger.info("search: refreshed %d course documents", count)
    return count


def courses_without_documents() -> list[int]:
    """Courses without a document: after a migration, before the first refresh."""
    return list(Course.objects.filter(search_document__isnull=True).values_list("id", flat=True))


def all_course_ids() -> list[int]:
    return list(Course.objects.values_list("id", flat=True))


def iter_documents(course_ids: Iterable[int] | None = None, chunk: int = 2000) -> Iterator[dict]:
    """The documents as the Elasticsearch index stores them, read from PostgreSQL in chunks."""
    queryset = CourseDocument.objects.select_related("course", "course__subject").order_by("course_id")
    if course_ids is not None:
        queryset = queryset.filter(course_id__in=list(course_ids))
    everyday = everyday_words_by_subject()
    aliases: dict[int, list[str]] = {}
    alias_rows = CourseAlias.objects.values_list("course_id", "code")
    if course_ids is not None:
        alias_rows = alias_rows.filter(course_id__in=list(course_ids))
    for course_id, code in alias_rows:
        aliases.setdefault(course_id, []).append(code)
    for document in queryset.iterator(chunk_size=chunk):
        course = document.course
        subject = course.subject
        codes = [course.code, course.code_compact, *aliases.get(course.id, [])]
        subject_words = " ".join([subject.code, *subject.spellings, subject.name, everyday.get(subject.code, "")])
        yield {
            "id": course.id,
            "code": course.code,
            "subject": course.subject_id,
            "number": course.number,
            "codes": codes,
            "subject_words": subject_words.strip(),
            "headline": " ".join([*codes, document.title, document.nicknames, course.abbreviated_title, subject_words]),
            "title": document.title,
            "abbreviated_title": course.abbreviated_title,
            "description": course.description,
            "instructors": document.instructors,
            "level": course.level,
            "popularity": document.popularity,
            "introductory": document.introductory,
            "place": document.place,
        }
