from django.apps import AppConfig


class EditionsConfig(AppConfig):
    default_auto_field = "django.db.models.BigAutoField"
    name = "editions"
    verbose_name = "Report editions"

    def ready(self):
        from publications.discovery import register_sitemap
        from publications.editors import register_editor_models
        from reportsite import pagecache

        register_editor_models(
            ("editions", "edition"), ("editions", "editionversion"), ("editions", "editionimport"),
            ("editions", "figure"), ("editions", "table"), ("editions", "section"), ("editions", "erratum"),
        )

        from publications.views import register_publication_link

        from . import search

        search.connect()

        from .discovery import EditionSitemap, read_online_link

        register_sitemap("editions", EditionSitemap)
        register_publication_link(read_online_link)

        from editorial import registry

        from . import views
        from .models import Chapter, Edition, EditionVersion, Erratum, Figure, Section, Table

        # A version is draftable content of the editorial core: its Publish, previews,
        # share links and history; figures' and tables' data files follow its state.
        registry.register(
            EditionVersion, segment=views.PREVIEW_SEGMENT, preview=views.preview_version,
            label="Report edition version", file_rows=(Figure, Table),
        )

        # Translators translate the edition's texts in their own tools (XLIFF, PO).
        from translations.exchange import register_source

        from .translating import EditionUnits

        register_source(EditionUnits)

        # Publishing moves Edition.current_version; editors' fixes of alt texts, captions
        # and errata show at once.
        pagecache.invalidate_on_change(Edition, EditionVersion, Chapter, Section, Figure, Table, Erratum)
