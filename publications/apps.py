from django.apps import AppConfig
from django.core import checks
from django.db.models.signals import post_migrate


class PublicationsConfig(AppConfig):
    default_auto_field = "django.db.models.BigAutoField"
    name = "publications"

    def ready(self):
        from .editors import sync_editors_group

        post_migrate.connect(sync_editors_group, dispatch_uid="publications.sync_editors_group")
        checks.register(check_pending_uploads_folder)

        from reportsite import dashboard

        from . import dashboard as panels
        from . import history

        history.register_models()
        dashboard.register(panels.drafts_panel)
        dashboard.register(panels.schedule_panel)

        from . import file_addresses, search

        file_addresses.connect()
        search.connect()

        from reportsite import pagecache

        from .models import PartnerOrganisation, Publication, PublicationDocument, SiteContent

        pagecache.invalidate_on_change(
            Publication, PublicationDocument, PartnerOrganisation, SiteContent
        )
        # A publication scheduled for later appears on time, without anyone saving.
        pagecache.register_expiry(Publication.objects.seconds_until_next_scheduled)


def check_pending_uploads_folder(app_configs, **kwargs):
    """At start-up: the kept-uploads folder is this site's user's alone (0700)."""
    from .pending_uploads import folder_problems

    return [
        checks.Error(
            problem,
            hint="Set PENDING_UPLOADS_DIR to a folder of the site's own (default "
                 "var/pending-uploads in the project folder), or fix the owner and mode: "
                 "chown <site user> <folder>; chmod 700 <folder>.",
            id="publications.pending_uploads.E001",
        )
        for problem in folder_problems()
    ]
