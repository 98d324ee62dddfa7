from django.apps import AppConfig

from reportsite.apps import connect_after_every_app_migrated


class PublicationsConfig(AppConfig):
    default_auto_field = "django.db.models.BigAutoField"
    name = "publications"

    def ready(self):
        from .editors import sync_editors_group

        connect_after_every_app_migrated(sync_editors_group, "publications.sync_editors_group")

        from editorial import registry

        from . import views
        from .models import PartnerOrganisation, Publication, PublicationDocument, SiteContent

        # What the editorial core serves (drafts, publishing, previews, history, files).
        registry.register(Publication, segment="publication", preview=views.preview_publication)
        registry.register(
            PartnerOrganisation, segment="partner", preview=views.preview_partner, label="Partner"
        )
        registry.register(
            SiteContent, segment="site-texts", preview=views.preview_site_texts, label="Site texts"
        )

        from . import file_addresses, search

        file_addresses.connect()
        search.connect()

        from reportsite import pagecache

        pagecache.invalidate_on_change(
            Publication, PublicationDocument, PartnerOrganisation, SiteContent
        )
        # A publication scheduled for later appears on time, without anyone saving.
        pagecache.register_expiry(Publication.objects.seconds_until_next_scheduled)

