from django.apps import AppConfig


class AlertsConfig(AppConfig):
    name = "alerts"
    verbose_name = "Seat alerts"
    default_auto_field = "django.db.models.BigAutoField"

    def ready(self) -> None:
        from berkeleytime.signals import enrollment_changed

        from . import services

        enrollment_changed.connect(services.on_enrollment_changed, dispatch_uid="alerts.on_enrollment_changed")
