from django.apps import AppConfig
from django.db.models.signals import post_delete, post_migrate, post_save


class TranslationsConfig(AppConfig):
    """Translation status of every translated model, and the translators' round trip (XLIFF
    and PO export and import). Content apps take part by registering their translated
    fields with django-modeltranslation; this app names none of them."""

    name = "translations"
    verbose_name = "Translations"

    def ready(self):
        from reportsite import dashboard, translated_content

        from . import panels, status

        def saved(sender, instance, update_fields=None, raw=False, **kwargs):
            if not raw and sender in status.translated_models():
                status.record(instance, update_fields)

        def deleted(sender, instance, **kwargs):
            if sender in status.translated_models():
                status.forget(instance)

        def migrated(sender, **kwargs):
            if sender is self:
                status.record_baseline()

        post_save.connect(saved, weak=False, dispatch_uid="translations.record")
        post_delete.connect(deleted, weak=False, dispatch_uid="translations.forget")
        post_migrate.connect(migrated, weak=False, dispatch_uid="translations.baseline")
        translated_content.register_status(status.statuses)
        dashboard.register(panels.translation_panel)
