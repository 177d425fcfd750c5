from django.apps import AppConfig


class ForecastsConfig(AppConfig):
    name = "forecasts"
    default_auto_field = "django.db.models.BigAutoField"

    def ready(self) -> None:
        from berkeleytime.signals import data_imported

        from . import receivers

        data_imported.connect(receivers.on_data_imported, dispatch_uid="forecasts.on_data_imported")
