"""The admin side of drafts: for an item visitors can see, the edit page saves a draft by
default and offers Preview, Share preview, Publish and Discard draft; an item never
published saves as a draft of its own and goes live only through Publish.

Every button is an action of editorial.actions (one write, one revision). The form carries
a version stamp (the item's latest revision): saving over a version someone saved since
shows who changed what and when, both versions side by side, and changes nothing until
the editor chooses (editorial.conflicts).
"""

from django.contrib import admin, messages
from django.contrib.admin.utils import unquote
from django.core.exceptions import PermissionDenied
from django.http import HttpResponseRedirect
from django.urls import reverse
from django.utils.html import format_html

from . import conflicts, files, registry
from .actions import DiscardDraft, Publish, Refused, SaveDraft, Unpublish
from .models import DraftRowMixin, PreviewLink, format_moment
from .previews import staff_file_base, staff_preview_url

SAVE_DRAFT = "_save_draft"
PREVIEW = "_preview"
SHARE_PREVIEW = "_share_preview"
PUBLISH = "_publish"
DISCARD_DRAFT = "_discard_draft"
UNPUBLISH = "_unpublish"
REVOKE_LINK = "_revoke_preview_link"
CONFIRM_PUBLISH = "_confirm_publish"


class DraftStatusFilter(admin.SimpleListFilter):
    """Items with or without unpublished changes (models without a richer status)."""

    title = "unpublished changes"
    parameter_name = "draft"

    def lookups(self, request, model_admin):
        return [("yes", "With unpublished changes"), ("no", "Without")]

    def queryset(self, request, queryset):
        if self.value() == "yes":
            return queryset.filter(draft__isnull=False)
        if self.value() == "no":
            return queryset.filter(draft__isnull=True)
        return queryset


class DraftAdminMixin:
    change_form_template = "admin/editorial/draft_change_form.html"

    class Media:
        css = {"all": ["editorial/admin-drafts.css"]}
        js = ["editorial/admin/unsaved-changes.js"]

    @admin.display(description="Status")
    def status_text(self, obj):
        return obj.lifecycle_text

    # The form edits the pending version when there is one; the stored item is kept on
    # the request, so that the operation reads it once.

    def get_object(self, request, object_id, from_field=None):
        obj = super().get_object(request, object_id, from_field)
        request.editorial_stored = obj
        # Always a copy: the form's values must not leak into the stored item.
        return obj.with_draft() if obj is not None else None

    def _stored(self, request, obj):
        stored = getattr(request, "editorial_stored", None)
        if stored is None or stored.pk != obj.pk:
            stored = self.model._default_manager.get(pk=obj.pk)
        return stored

    def delete_model(self, request, obj):
        # The stored item, not the edit page's copy with its draft applied: its live files
        # leave the public store (editorial.signals).
        self._stored(request, obj).delete()

    # Buttons that act without the form: discard a draft, revoke a preview link.

    def changeform_view(self, request, object_id=None, form_url="", extra_context=None):
        if request.method == "POST" and object_id and (
            DISCARD_DRAFT in request.POST or REVOKE_LINK in request.POST or UNPUBLISH in request.POST
        ):
            obj = self.get_object(request, unquote(object_id))
            if obj is None or not self.has_change_permission(request, obj):
                raise PermissionDenied
            live = self._stored(request, obj)
            if UNPUBLISH in request.POST:
                if not live.is_live:
                    messages.info(request, "Visitors do not see this item: nothing to take off the site.")
                else:
                    Unpublish(live, request.user).execute()
                    messages.success(request, f"Taken off the site. Status: {live.lifecycle_text}.")
            elif DISCARD_DRAFT in request.POST:
                DiscardDraft(live, request.user).execute()
                messages.success(request, "Draft discarded: the edit page shows the live version.")
            else:
                link_id = request.POST[REVOKE_LINK]
                link = (
                    PreviewLink.links_to(live).filter(pk=int(link_id)).first()
                    if link_id.isascii() and link_id.isdigit()
                    else None
                )
                if link is None:
                    messages.error(request, "That preview link does not exist.")
                else:
                    link.revoke()
                    messages.success(request, "Preview link revoked: it no longer opens the draft.")
            return HttpResponseRedirect(request.path)
        if request.method == "POST" and object_id:
            request.editorial_conflict = conflicts.detect(request, self.model, unquote(object_id))
        response = super().changeform_view(request, object_id, form_url, extra_context)
        stored = getattr(request, "editorial_stored", None)
        if stored is not None and hasattr(response, "render") and not response.is_rendered:
            # Files of the item (a draft's new cover) are shown through the staff preview.
            with files.addressed_under(staff_file_base(stored)):
                response.render()
        return response

    def get_form(self, request, obj=None, change=False, **kwargs):
        form_class = super().get_form(request, obj, change, **kwargs)
        return conflicts.checked_form(form_class, request, self._publication_warnings)

    def _publication_warnings(self, request, form):
        """Errors to show before publishing: what refuses it (no right to publish, a
        blocking problem), then what the editor may not mean (e.g. an expiry time that has
        passed), unless confirmed."""
        if PUBLISH not in request.POST:
            return []
        candidate = form.instance
        try:
            Publish(candidate, request.user).check()
        except (PermissionDenied, Refused) as refusal:
            request.editorial_publish_refused = True
            return [(None, str(refusal))]
        if request.POST.get(CONFIRM_PUBLISH):
            return []
        return candidate.publication_warnings(form.cleaned_data) if hasattr(candidate, "publication_warnings") else []

    # Saving: one action per button

    def save_model(self, request, obj, form, change):
        stored = self._stored(request, obj) if change else None
        if change and stored.is_live and PUBLISH not in request.POST:
            request.editorial_operation = "draft"  # saved with its rows in save_related
            return
        if PUBLISH in request.POST:
            obj.draft = None  # the form shows the draft: its values are the item's now
            request.editorial_operation = Publish(obj, request.user, live=stored)
            request.editorial_operation.prepare()
        else:
            request.editorial_operation = "save"
        super().save_model(request, obj, form, change)

    def save_related(self, request, form, formsets, change):
        obj = form.instance
        operation = getattr(request, "editorial_operation", None)
        if operation == "draft":
            live = self._stored(request, obj)
            SaveDraft(
                live,
                request.user,
                values=obj.draft_values(),
                related=lambda: any([save_rows_as_draft(formset, live) for formset in formsets]),
            ).execute()
            obj.draft = live.draft
            return
        super().save_related(request, form, formsets, change)
        if isinstance(operation, Publish):
            operation.finish()
        elif operation == "save":
            from . import history

            history.record(obj, request.user, "Created." if not change else "Saved.")

    # Where each button leads

    def _after_save(self, request, obj):
        change_url = reverse(
            f"admin:{obj._meta.app_label}_{obj._meta.model_name}_change", args=[obj.pk]
        )
        if SAVE_DRAFT in request.POST:
            if obj.draft is None:
                messages.info(request, "Nothing differs from the live version: no draft kept.")
            else:
                messages.success(
                    request,
                    "Draft saved. Visitors still see the live version until you publish.",
                )
            return HttpResponseRedirect(change_url)
        if PREVIEW in request.POST:
            return HttpResponseRedirect(staff_preview_url(obj))
        if SHARE_PREVIEW in request.POST:
            link = PreviewLink.create_for(obj, request.user)
            messages.success(
                request,
                format_html(
                    "Preview link made; anyone with it can see the draft until {}: "
                    '<a href="{}">{}</a>',
                    format_moment(link.expires_at),
                    link.get_absolute_url(),
                    link.absolute_url,
                ),
            )
            return HttpResponseRedirect(change_url)
        if PUBLISH in request.POST:
            messages.success(request, f"Published. Status: {obj.lifecycle_text}.")
            return HttpResponseRedirect(change_url)
        if not (SAVE_DRAFT in request.POST or "_continue" in request.POST or "_addanother" in request.POST):
            if not obj.is_live:
                messages.success(
                    request,
                    f"“{obj}” saved as a draft: visitors do not see it until you publish it.",
                )
                return HttpResponseRedirect(change_url)
        return None

    def response_change(self, request, obj):
        return self._after_save(request, obj) or super().response_change(request, obj)

    def response_add(self, request, obj, post_url_continue=None):
        return self._after_save(request, obj) or super().response_add(
            request, obj, post_url_continue
        )

    # What the edit page shows about the item's state

    def _may_publish(self, request):
        kind = registry.kind_of(self.model)
        return kind is None or request.user.has_perm(kind.permission("publish"))

    def render_change_form(self, request, context, add=False, change=False, form_url="", obj=None):
        live = self._stored(request, obj) if change and obj is not None and obj.pk else None
        context.update(
            {
                "draft_live": live,
                "draft_is_live": bool(live and live.is_live),
                "draft_preview_url": staff_preview_url(live) if live else "",
                "draft_preview_links": [
                    link for link in PreviewLink.links_to(live) if link.is_usable
                ]
                if live
                else [],
                "draft_can_publish": self._may_publish(request),
                # What refuses Publish now (editorial.models.DraftStateMixin.publication_blockers).
                "draft_publish_blockers": live.with_draft().publication_blockers() if live else [],
                "publish_needs_confirmation": bool(
                    request.method == "POST" and PUBLISH in request.POST
                    and not getattr(request, "editorial_publish_refused", False)
                    and any(
                        message for message in getattr(request, "editorial_publication_warnings", [])
                    )
                ),
                **conflicts.context(request, live, context),
            }
        )
        return super().render_change_form(request, context, add, change, form_url, obj)


def save_rows_as_draft(formset, parent):
    """Keep an inline formset's changes to a live item's rows in its draft; returns
    whether anything changed.

    New rows are stored marked "added"; an edited row becomes an "added" copy with the
    original marked "removed"; a deleted row is marked "removed". Visitors see neither
    until the draft is published (editorial.actions.Publish).
    """
    model = formset.model
    added, removed = DraftRowMixin.DraftChange.ADDED, DraftRowMixin.DraftChange.REMOVED
    # What the admin's change message reads, as formset.save() would leave it.
    formset.new_objects, formset.changed_objects, formset.deleted_objects = [], [], []
    for form in formset.initial_forms:
        row = form.instance
        if form in formset.deleted_forms:
            formset.deleted_objects.append(row)
            if row.draft_change == added:
                row.delete()
            else:
                model._default_manager.filter(pk=row.pk).update(draft_change=removed)
        elif form.has_changed():
            formset.changed_objects.append((row, form.changed_data))
            if row.draft_change == added:
                form.save()
            else:
                original_pk = row.pk
                copy = form.save(commit=False)
                copy.pk = copy.id = None
                copy._state.adding = True
                copy.draft_change = added
                copy.save()
                model._default_manager.filter(pk=original_pk).update(draft_change=removed)
    for form in formset.extra_forms:
        if form.has_changed() and form not in formset.deleted_forms:
            row = form.save(commit=False)
            setattr(row, formset.fk.name, parent)
            row.draft_change = added
            row.save()
            formset.new_objects.append(row)
    return bool(formset.new_objects or formset.changed_objects or formset.deleted_objects)
