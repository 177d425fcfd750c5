from django.apps import AppConfig
from django.db.models.signals import post_migrate


class SearchConfig(AppConfig):
    name = "search"
    default_auto_field = "django.db.models.BigAutoField"

    def ready(self) -> None:
        from berkeleytime.signals import data_imported

        from . import receivers

        data_imported.connect(receivers.on_data_imported, dispatch_uid="search.on_data_imported")
        post_migrate.connect(receivers.on_post_migrate, sender=self, dispatch_uid="search.on_post_migrate")
