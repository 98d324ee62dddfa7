"""System checks: a content model plugged into the editorial core in a way that cannot
work is refused at start-up, with what to change."""

from django.conf import settings
from django.core.checks import Error, Tags, register
from django.db.models import FileField

from . import registry
from .files import EditorialStorage
from .models import DraftRowMixin, DraftStateMixin


def _error(message, obj, number, hint=None):
    return Error(message, hint=hint, obj=obj, id=f"editorial.E{number:03d}")


@register(Tags.models)
def check_registered_content(app_configs=None, **kwargs):
    errors = []
    segments = {}
    for kind in registry.kinds():
        model = kind.model
        if not issubclass(model, DraftStateMixin):
            errors.append(_error(
                f"{model._meta.label} is registered as editorial content but does not mix in "
                "editorial.models.DraftStateMixin.", model, 1,
            ))
            continue
        if not model.draft_field_names:
            errors.append(_error(
                f"{model._meta.label} lists no draft_field_names: its drafts would hold nothing.",
                model, 2,
            ))
        for name in model.draft_field_names:
            try:
                model._meta.get_field(name)
            except Exception:  # noqa: BLE001 - FieldDoesNotExist and friends
                errors.append(_error(f"{model._meta.label}.draft_field_names names no field {name!r}.", model, 2))
        for field in model._meta.concrete_fields:
            if isinstance(field, FileField) and not isinstance(field.storage, EditorialStorage):
                errors.append(_error(
                    f"{model._meta.label}.{field.name} stores files outside the editorial storage: "
                    "a draft's file would be public and uncleaned.", model, 3,
                    hint="Give it storage=editorial.files.editorial_storage.",
                ))
        for name in model.editorial_related:
            row_model = model._meta.get_field(name).related_model
            if not issubclass(row_model, DraftRowMixin):
                errors.append(_error(
                    f"{model._meta.label}.editorial_related names {name!r}, whose model "
                    f"{row_model._meta.label} does not mix in editorial.models.DraftRowMixin.", model, 4,
                ))
                continue
            for field in row_model._meta.concrete_fields:
                if isinstance(field, FileField) and not isinstance(field.storage, EditorialStorage):
                    errors.append(_error(
                        f"{row_model._meta.label}.{field.name} stores files outside the editorial storage.",
                        row_model, 3, hint="Give it storage=editorial.files.editorial_storage.",
                    ))
        if kind.segment in segments:
            errors.append(_error(
                f"{model._meta.label} and {segments[kind.segment]._meta.label} share the preview "
                f"segment {kind.segment!r}.", model, 5,
            ))
        segments[kind.segment] = model
    return errors


@register(Tags.files)
def check_private_store(app_configs=None, **kwargs):
    if "drafts" not in settings.STORAGES:
        return [Error("STORAGES has no 'drafts' (private) store for editorial files.", id="editorial.E006")]
    private = getattr(settings, "PRIVATE_MEDIA_ROOT", None)
    if settings.STORAGES["drafts"]["BACKEND"].endswith("PrivateFileSystemStorage") and private:
        from pathlib import Path

        media, private = Path(settings.MEDIA_ROOT).resolve(), Path(private).resolve()
        if private == media or media in private.parents:
            return [Error(
                "PRIVATE_MEDIA_ROOT is inside MEDIA_ROOT: drafts' files would be public.",
                hint="Point PRIVATE_MEDIA_ROOT at a folder outside MEDIA_ROOT.", id="editorial.E007",
            )]
    return []


@register()
def check_pending_uploads_folder(app_configs=None, **kwargs):
    """At start-up: the kept-uploads folder is this site's user's alone (0700)."""
    from .pending_uploads import folder_problems

    return [
        Error(
            problem,
            hint="Set PENDING_UPLOADS_DIR to a folder of the site's own (default "
                 "var/pending-uploads in the project folder), or fix the owner and mode: "
                 "chown <site user> <folder>; chmod 700 <folder>.",
            id="editorial.pending_uploads.E001",
        )
        for problem in folder_problems()
    ]
