from django.apps import AppConfig


class BerkeleytimeConfig(AppConfig):
    name = "berkeleytime"
    verbose_name = "Berkeleytime"

    def ready(self) -> None:
        from . import metrics

        metrics.connect_signals()
