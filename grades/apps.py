from django.apps import AppConfig


class GradesConfig(AppConfig):
    name = "grades"
    default_auto_field = "django.db.models.BigAutoField"

    def ready(self) -> None:
        from catalog.signals import course_merged

        from . import quality, receivers

        course_merged.connect(receivers.on_course_merged, dispatch_uid="grades.on_course_merged")
        quality.register()
