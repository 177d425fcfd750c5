"""Keep search in step with the data: after every import, after migrations."""

from __future__ import annotations

import logging

from django.conf import settings

from catalog.subject_names import subject_names

from . import documents
from .models import CourseDocument

logger = logging.getLogger(__name__)


def on_data_imported(sender, importer: str, course_ids=None, **kwargs) -> None:
    """Refresh the stored documents of the courses an import changed (all when it does not say), then
    update them in the Elasticsearch index when there is one. The import has committed already: a
    search failure here is logged, never raised, and the nightly rebuild catches up."""
    subject_names.forget()
    count = documents.refresh_documents(course_ids)
    logger.info("search: %s import refreshed %d documents", importer, count)
    if not settings.ELASTICSEARCH_URL:
        return
    from . import index

    ids = course_ids if course_ids is not None else documents.all_course_ids()
    try:
        indexed = index.index_courses(ids)
    except Exception:
        logger.exception("search: could not update the Elasticsearch index after the %s import", importer)
        return
    logger.info("search: %s import updated %d documents in Elasticsearch", importer, indexed)


def on_post_migrate(sender, apps=None, plan=None, **kwargs) -> None:
    """Courses that have no search document yet get one (a new database, or this app just installed);
    after a search migration every document is rebuilt, since it may have changed what they hold."""
    try:
        migrated = apps.get_model("search", "CourseDocument") if apps is not None else CourseDocument
    except LookupError:  # migrated back to before the documents existed
        return
    if {f.column for f in migrated._meta.fields} != {f.column for f in CourseDocument._meta.fields}:
        return  # migrated to another state than this code's: its statements would not fit the table
    if any(migration.app_label == "search" and not backwards for migration, backwards in plan or ()):
        documents.refresh_documents(None)
        return
    missing = documents.courses_without_documents()
    if missing:
        documents.refresh_documents(missing)
