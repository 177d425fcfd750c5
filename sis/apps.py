from django.apps import AppConfig


class SisConfig(AppConfig):
    name = "sis"
    verbose_name = "SIS sync"
    default_auto_field = "django.db.models.BigAutoField"

    def ready(self) -> None:
        from berkeleytime import metrics

        from .metrics import SyncCollector

        metrics.register_database_collector(SyncCollector())
