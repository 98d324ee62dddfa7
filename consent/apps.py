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

        from django.db.models.signals import post_delete, post_save

        from reportsite import pagecache

        from . import state
        from .models import PolicyVersion, Purpose

        # The banner's texts are on every page (see consent.state.consent_config): a save
        # makes cached pages stale, and this process forgets its copy of the texts.
        pagecache.invalidate_on_change(Purpose, PolicyVersion)
        for model in (Purpose, PolicyVersion):
            for signal in (post_save, post_delete):
                signal.connect(
                    state.forget_config,
                    sender=model,
                    dispatch_uid=f"consent.forget_config:{model.__name__}:{signal is post_save}",
                )
        # Public pages differ per visitor only in their consent state.
        pagecache.register_variant(
            "consent", state.page_variant, vary_on_headers=("Cookie", "Sec-GPC")
        )
