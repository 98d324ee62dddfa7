from django.apps import AppConfig


class ConsentConfig(AppConfig):
    default_auto_field = "django.db.models.BigAutoField"
    name = "consent"
    verbose_name = "Consent and privacy"

    def ready(self):
        from publications.editors import register_editor_models

        # Editors word the purposes and publish policy versions; consent records are
        # personal data and need the dedicated permissions (see ConsentRecord.Meta).
        register_editor_models(("consent", "purpose"), ("consent", "policyversion"))

        from reportsite import dashboard, pagecache

        from .dashboard import consent_panel
        from .models import PolicyVersion, Purpose

        # The banner's texts are on every page (see consent.state.consent_config).
        pagecache.invalidate_on_change(Purpose, PolicyVersion)
        dashboard.register(consent_panel)
