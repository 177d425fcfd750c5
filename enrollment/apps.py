from django.apps import AppConfig


class EnrollmentConfig(AppConfig):
    name = "enrollment"
    default_auto_field = "django.db.models.BigAutoField"

    def ready(self) -> None:
        from catalog.signals import course_merged

        from . import receivers

        course_merged.connect(receivers.on_course_merged, dispatch_uid="enrollment.on_course_merged")
