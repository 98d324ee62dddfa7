from django.apps import AppConfig


class EditorialConfig(AppConfig):
    default_auto_field = "django.db.models.BigAutoField"
    name = "editorial"

    def ready(self):
        from reportsite import dashboard

        from . import checks  # noqa: F401 - registers the system checks
        from . import dashboard as panels

        dashboard.register(panels.drafts_panel)
        dashboard.register(panels.schedule_panel)
