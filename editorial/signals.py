"""What happens to every registered item whatever saves or deletes it (admin, action,
shell, fixture, import): its files follow its state (editorial.files), and a deleted
item's share links die for good."""

from django.db.models import FileField, ForeignKey
from django.db.models.signals import post_delete, post_save

from . import files
from .models import DraftRowMixin, DraftStateMixin, PreviewLink


def _parent(row):
    field = row.editorial_parent_field()
    try:
        return getattr(row, field.name)
    except field.related_model.DoesNotExist:
        return None


def item_saved(sender, instance, raw=False, update_fields=None, **kwargs):
    if raw or (update_fields is not None and set(update_fields) <= set(instance.pagecache_ignored_fields)):
        return  # a draft saved: nothing visitors may see changed
    if instance.public_files_wanted():
        files.publish_files(instance.editorial_file_names(live=True, draft=False))


def item_deleted(sender, instance, **kwargs):
    PreviewLink.revoke_all(instance)
    files.withdraw_files(_own_live_names(instance))


def _own_live_names(instance):
    return {getattr(instance, f.attname).name or "" for f in instance.draft_file_fields()}


def row_saved(sender, instance, raw=False, **kwargs):
    if raw or instance.draft_change == DraftRowMixin.DraftChange.ADDED:
        return
    parent = _parent(instance)
    if parent is not None and parent.public_files_wanted():
        files.publish_files(instance.file_names())


def row_deleted(sender, instance, **kwargs):
    parent = _parent(instance)
    still_used = parent.editorial_file_names(live=True, draft=True) if parent is not None else set()
    files.withdraw_files(instance.file_names() - still_used)


def file_row_saved(sender, instance, raw=False, **kwargs):
    """A row edited in place (registry `file_rows`): its files follow its item's state."""
    if raw:
        return
    parent = next(
        (getattr(instance, field.name) for field in instance._meta.concrete_fields
         if isinstance(field, ForeignKey) and issubclass(field.related_model, DraftStateMixin)),
        None,
    )
    if parent is not None and parent.public_files_wanted():
        files.publish_files(
            {getattr(instance, field.attname).name or "" for field in instance._meta.concrete_fields
             if isinstance(field, FileField)}
        )


def connect(model, file_rows=()):
    """The registered kind `model` (editorial.registry.register) follows these rules."""
    post_save.connect(item_saved, sender=model, dispatch_uid=f"editorial.saved.{model._meta.label}")
    post_delete.connect(item_deleted, sender=model, dispatch_uid=f"editorial.deleted.{model._meta.label}")
    for name in model.editorial_related:
        row_model = model._meta.get_field(name).related_model
        post_save.connect(row_saved, sender=row_model, dispatch_uid=f"editorial.row.{row_model._meta.label}")
        post_delete.connect(
            row_deleted, sender=row_model, dispatch_uid=f"editorial.rowdel.{row_model._meta.label}"
        )
    for row_model in file_rows:
        post_save.connect(file_row_saved, sender=row_model, dispatch_uid=f"editorial.filerow.{row_model._meta.label}")
