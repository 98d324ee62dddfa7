"""The one admin base class for draftable content.

    @admin.register(Publication)
    class PublicationAdmin(DraftableAdmin):
        ...

gives the edit page Save draft / Preview / Share preview / Publish / Discard draft (every
button an action of editorial.actions), the version stamp and conflict page
(editorial.conflicts), the warning before leaving with unsaved changes, history with
restore and recovery of deleted items (editorial.admin_history), kept uploads and the
error summary (editorial.admin_forms). No list column is editable: a list would change
live content outside the publish actions.
"""


from django.core import checks

from reportsite.adminlists import SafeFilterAdmin

from .admin_forms import EditorFormAdminMixin
from .admin_history import RevisionHistoryMixin
from .draft_admin import DraftAdminMixin


class DraftableAdmin(RevisionHistoryMixin, DraftAdminMixin, EditorFormAdminMixin, SafeFilterAdmin):
    change_list_template = "admin/editorial/change_list.html"
    # Editable list columns would bypass drafts and the publish actions.
    list_editable = ()

    def check(self, **kwargs):
        errors = super().check(**kwargs)
        if self.list_editable:
            errors.append(checks.Error(
                f"{type(self).__name__}.list_editable would change live content outside the "
                "publish actions (no draft, no revision).",
                hint="Remove list_editable; editors change items from their edit page.",
                obj=type(self), id="editorial.E008",
            ))
        return errors
