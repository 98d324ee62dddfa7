"""The project's operations home: health check, backups and restores, lockout page."""

from django.apps import AppConfig


class ReportsiteConfig(AppConfig):
    name = "reportsite"
    verbose_name = "Site operations"

    def ready(self):
        from . import checks  # noqa: F401  (registers the system checks)
