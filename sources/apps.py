from django.apps import AppConfig


class SourcesConfig(AppConfig):
    name = "sources"
    verbose_name = "Data sources"
    default_auto_field = "django.db.models.BigAutoField"

    def ready(self) -> None:
        from berkeleytime import metrics

        from .metrics import LastImportCollector

        metrics.register_database_collector(LastImportCollector())
