"""The admin side of drafts (publications.drafts): for an item visitors can see, the edit
page saves a draft by default and offers Preview, Share preview, Publish and Discard draft;
an item never published saves as before and can be published from the same page.

Used by the ModelAdmins of publications, partners and the site texts (publications.admin).
"""

from django.contrib import admin, messages
from django.contrib.admin.utils import unquote
from django.core.exceptions import PermissionDenied
from django.http import HttpResponseRedirect
from django.urls import reverse
from django.utils.html import format_html

from .models import PreviewLink, format_moment
from .previews import staff_preview_url

SAVE_DRAFT = "_save_draft"
PREVIEW = "_preview"
SHARE_PREVIEW = "_share_preview"
PUBLISH = "_publish"
DISCARD_DRAFT = "_discard_draft"
REVOKE_LINK = "_revoke_preview_link"


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
    change_form_template = "admin/publications/draft_change_form.html"

    class Media:
        css = {"all": ["publications/admin-drafts.css"]}

    @admin.display(description="Status")
    def status_text(self, obj):
        return obj.lifecycle_text

    # The form edits the pending version when there is one.

    def get_object(self, request, object_id, from_field=None):
        obj = super().get_object(request, object_id, from_field)
        if obj is not None and obj.has_unpublished_changes:
            return obj.with_draft()
        return obj

    def _live(self, obj):
        return self.model._default_manager.get(pk=obj.pk)

    # Buttons that act without the form: discard a draft, revoke a preview link.

    def changeform_view(self, request, object_id=None, form_url="", extra_context=None):
        if request.method == "POST" and object_id and (
            DISCARD_DRAFT in request.POST or REVOKE_LINK in request.POST
        ):
            obj = self.get_object(request, unquote(object_id))
            if obj is None or not self.has_change_permission(request, obj):
                raise PermissionDenied
            live = self._live(obj)
            if DISCARD_DRAFT in request.POST:
                live.discard_draft()
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
        return super().changeform_view(request, object_id, form_url, extra_context)

    # Saving

    def save_model(self, request, obj, form, change):
        if request.resolver_match and request.resolver_match.url_name.endswith("_changelist"):
            # Editable list columns (a partner's order, shown or not) change the live item
            # at once, as the list says; a pending draft stays as it is.
            return super().save_model(request, obj, form, change)
        if change and PUBLISH not in request.POST:
            live = self._live(obj)
            if live.is_live:
                live.save_draft(obj.draft_values(), request.user)
                obj.draft = live.draft
                obj._saved_as_draft = True
                return
        # Never published (or published now): the form's values are the item itself.
        obj.draft = obj.draft_saved_at = obj.draft_saved_by = None
        super().save_model(request, obj, form, change)

    def save_related(self, request, form, formsets, change):
        obj = form.instance
        if getattr(obj, "_saved_as_draft", False):
            for formset in formsets:
                save_rows_as_draft(formset, obj)
            live = self._live(obj)
            if not live.draft_changes_anything:
                # Saved (or previewed) without a change: nothing is pending.
                live.discard_draft()
                obj.draft = None
            return
        super().save_related(request, form, formsets, change)
        if PUBLISH in request.POST:
            obj.publish(request.user)

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
            messages.success(request, f"Published. Status: {self._live(obj).lifecycle_text}.")
            return HttpResponseRedirect(change_url)
        return None

    def response_change(self, request, obj):
        return self._after_save(request, obj) or super().response_change(request, obj)

    def response_add(self, request, obj, post_url_continue=None):
        return self._after_save(request, obj) or super().response_add(
            request, obj, post_url_continue
        )

    # What the edit page shows about the item's state

    def render_change_form(self, request, context, add=False, change=False, form_url="", obj=None):
        live = self._live(obj) if change and obj is not None and obj.pk else None
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
            }
        )
        return super().render_change_form(request, context, add, change, form_url, obj)


def save_rows_as_draft(formset, parent):
    """Keep an inline formset's changes to a live item's rows in its draft.

    New rows are stored marked "added"; an edited row becomes an "added" copy with the
    original marked "removed"; a deleted row is marked "removed". Visitors see neither
    until the draft is published (see Publication.publish_related).
    """
    model = formset.model
    added, removed = model.DraftChange.ADDED, model.DraftChange.REMOVED
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
