"""The project's operations home: health check, backups and restores, lockout page."""

from django.apps import AppConfig, apps
from django.db.models.signals import post_migrate


def connect_after_every_app_migrated(receiver, dispatch_uid):
    """Call `receiver` once per migrate (or test-database flush), after every app's own
    post_migrate work, such as creating its permissions, is done.

    Django sends post_migrate once per app that has models, in INSTALLED_APPS order, so a
    receiver connected without a sender runs once per app (seventeen times here) and one
    connected to its own app runs before the apps listed after it have their permissions.
    The last app's signal comes after all of them. Call from an AppConfig's ready(): the
    registry knows every app by then.
    """
    last = [config for config in apps.get_app_configs() if config.models_module is not None][-1]
    post_migrate.connect(receiver, sender=last, dispatch_uid=dispatch_uid)


class ReportsiteConfig(AppConfig):
    name = "reportsite"
    verbose_name = "Site operations"

    def ready(self):
        from . import checks  # noqa: F401  (registers the system checks)
