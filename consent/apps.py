import re

from django.apps import AppConfig
from django.core import checks
from django.db.models.signals import post_delete, post_save, pre_delete

from reportsite.apps import connect_after_every_app_migrated


class ConsentConfig(AppConfig):
    default_auto_field = "django.db.models.BigAutoField"
    name = "consent"
    verbose_name = "Consent and privacy"

    def ready(self):
        from .privacy_officers import sync_privacy_officers_group

        # Consent is managed by privacy officers, not editors (see consent.privacy_officers).
        connect_after_every_app_migrated(
            sync_privacy_officers_group, "consent.sync_privacy_officers_group"
        )
        checks.register(check_rate_limit, checks.Tags.caches)

        from reportsite import dashboard, pagecache

        from . import notice, state
        from .dashboard import consent_panel
        from .models import PolicyVersion, Purpose, refuse_to_delete_recorded_purposes

        pre_delete.connect(
            refuse_to_delete_recorded_purposes, sender=Purpose,
            dispatch_uid="consent.refuse_to_delete_recorded_purposes",
        )
        # The banner's texts are on every page (see consent.state.consent_config): a save
        # makes cached pages stale, and this process forgets its copy of the texts.
        pagecache.invalidate_on_change(Purpose, PolicyVersion)
        dashboard.register(consent_panel)
        for model in (Purpose, PolicyVersion):
            for signal in (post_save, post_delete):
                signal.connect(
                    state.forget_config,
                    sender=model,
                    dispatch_uid=f"consent.forget_config:{model.__name__}:{signal is post_save}",
                )
        # Public pages differ per visitor only in their consent state.
        pagecache.register_variant(
            "consent", state.page_variant, vary_on_headers=("Cookie", "Sec-GPC"),
            # New visitors: the front server tells these apart by Sec-GPC alone.
            header_values=("new", "new-gpc"),
        )
        # A page that confirms a decision is rendered for the visitor and never stored.
        # Visitors without a decision to be told of ("-") need no variant cookie for it.
        pagecache.register_variant(
            "consent-notice", notice.page_variant, vary_on_headers=("Cookie",), header_values=("-",)
        )


def check_rate_limit(app_configs, **kwargs):
    """A mistyped CONSENT_RATE_LIMIT is reported at start-up, not as a 500 on every decision."""
    from . import conf

    rate = conf.CONSENT_RATE_LIMIT
    if rate and not re.fullmatch(r"[1-9][0-9]*/[0-9]*[smhd]", rate):
        return [
            checks.Error(
                f"CONSENT_RATE_LIMIT must look like 60/m or 300/5m (got {rate!r}).",
                hint="A number of decisions, a slash, an optional count and s, m, h or d.",
                id="consent.E001",
            )
        ]
    return []
