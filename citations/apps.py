from django.apps import AppConfig


class CitationsConfig(AppConfig):
    default_auto_field = "django.db.models.BigAutoField"
    name = "citations"
    verbose_name = "Citations"

    def ready(self):
        from . import checks  # noqa: F401  (registers the system checks)
