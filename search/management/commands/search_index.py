"""Usage: manage.py search_index [--rebuild]

Without arguments: how many courses have search documents, and which index the
Elasticsearch alias points at. With --rebuild (what the nightly Kubernetes
CronJob runs): refresh every stored search document and the word list in
PostgreSQL, then, when ELASTICSEARCH_URL is set, fill a new versioned index from
PostgreSQL and move the alias to it in one step (searches never stop) and
delete the old index. Safe to re-run.
"""

from django.conf import settings
from django.core.management.base import BaseCommand, CommandError

from catalog.models import Course
from search import documents
from search.models import CourseDocument


class Command(BaseCommand):
    help = "Show or rebuild the search documents (PostgreSQL) and the Elasticsearch index behind its alias."

    def add_arguments(self, parser):
        parser.add_argument(
            "--rebuild", action="store_true", help="refresh every document; rebuild the index and swap the alias"
        )

    def handle(self, *args, rebuild: bool = False, **options):
        if rebuild:
            count = documents.refresh_documents(None)
            self.stdout.write(f"postgres: refreshed {count} course documents")
            if settings.ELASTICSEARCH_URL:
                self._rebuild_elasticsearch()
            else:
                self.stdout.write("elasticsearch: ELASTICSEARCH_URL is not set; nothing to rebuild")
        self._status()

    def _rebuild_elasticsearch(self) -> None:
        from search import index

        try:
            report = index.rebuild()
        except Exception as exc:
            raise CommandError(
                f"elasticsearch: rebuild failed, the alias still points at the old index: {exc}"
            ) from exc
        self.stdout.write(f"elasticsearch: indexed {report.indexed} courses into {report.index}")
        if report.removed:
            self.stdout.write(f"elasticsearch: deleted {', '.join(report.removed)}")

    def _status(self) -> None:
        courses, stored = Course.objects.count(), CourseDocument.objects.count()
        self.stdout.write(f"postgres: {stored} of {courses} courses have a search document")
        if not settings.ELASTICSEARCH_URL:
            return
        from search import index

        try:
            es = index.admin_client()
            current = index.current_indices(es)
            counts = {name: es.count(index=name)["count"] for name in current}
        except Exception as exc:
            raise CommandError(f"elasticsearch: cannot read the index: {exc}") from exc
        if not current:
            self.stdout.write(f"elasticsearch: no index behind alias {index.alias_name()}; run with --rebuild")
        for name in current:
            self.stdout.write(f"elasticsearch: alias {index.alias_name()} -> {name} ({counts[name]} courses)")
