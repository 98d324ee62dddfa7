"""Admin pages for the history of an item: its revisions with what changed, "Restore as
draft", and recovery of deleted items (editorial.history and editorial.actions do the work).
"""

from django.contrib import messages
from django.contrib.admin.utils import quote, unquote
from django.core.exceptions import PermissionDenied
from django.http import HttpResponseNotAllowed
from django.shortcuts import get_object_or_404, redirect
from django.template.response import TemplateResponse
from django.urls import path, reverse
from django.utils import timezone
from reversion.models import Version

from . import files, history
from .actions import Recover, RestoreRevision
from .models import DraftStateMixin, format_moment
from .previews import staff_file_base


class RevisionHistoryMixin:
    """For a ModelAdmin: every save and deletion made here is kept as a revision."""

    object_history_template = "admin/editorial/history.html"
    history_limit = 100

    # Saves record their revision in their action (editorial.actions); a deletion is
    # recorded while the rows still exist.

    def log_deletions(self, request, queryset):
        for obj in queryset:
            # As stored: the delete page's object is the edit copy, its draft applied.
            stored = getattr(request, "editorial_stored", None)
            if stored is None or stored.pk != obj.pk:
                stored = self.model._default_manager.get(pk=obj.pk)
            history.record(stored, request.user, "Deleted.")
        return super().log_deletions(request, queryset)

    def changeform_view(self, request, object_id=None, form_url="", extra_context=None):
        if object_id and request.method == "POST":
            history.keep_baseline(self.model, unquote(object_id))
        return super().changeform_view(request, object_id, form_url, extra_context)

    def _url_name(self, view):
        return f"{self.opts.app_label}_{self.opts.model_name}_{view}"

    def get_urls(self):
        view = self.admin_site.admin_view
        return [
            path("recover/", view(self.recoverlist_view), name=self._url_name("recoverlist")),
            path(
                "recover/<int:version_id>/",
                view(self.recover_view),
                name=self._url_name("recover"),
            ),
            path(
                "<path:object_id>/history/<int:version_id>/restore/",
                view(self.restore_view),
                name=self._url_name("restore"),
            ),
            *super().get_urls(),
        ]

    def may_recover(self, request):
        return self.has_add_permission(request) and self.has_change_permission(request)

    def changelist_view(self, request, extra_context=None):
        extra_context = extra_context or {}
        if self.may_recover(request):
            extra_context["recover_url"] = reverse(f"admin:{self._url_name('recoverlist')}")
        return super().changelist_view(request, extra_context)

    def _context(self, request, title, **context):
        request.current_app = self.admin_site.name
        return {
            **self.admin_site.each_context(request),
            "opts": self.opts,
            "title": title,
            "changelist_url": reverse(f"admin:{self._url_name('changelist')}"),
            **context,
        }

    def history_view(self, request, object_id, extra_context=None):
        obj = self.get_object(request, unquote(object_id))
        if obj is None:
            return self._get_obj_does_not_exist_redirect(request, self.opts, object_id)
        if not self.has_view_or_change_permission(request, obj):
            raise PermissionDenied
        can_restore = self.has_change_permission(request, obj) and isinstance(obj, DraftStateMixin)
        context = self._context(
            request,
            f"History of “{obj}”",
            object=obj,
            entries=history.history(obj, self.history_limit),
            history_limit=self.history_limit,
            can_restore=can_restore,
            change_url=reverse(f"admin:{self._url_name('change')}", args=[quote(obj.pk)]),
            **(extra_context or {}),
        )
        response = TemplateResponse(request, self.object_history_template, context)
        with files.addressed_under(staff_file_base(obj)):
            return response.render()

    def restore_view(self, request, object_id, version_id):
        if request.method != "POST":
            return HttpResponseNotAllowed(["POST"])
        obj = self.get_object(request, unquote(object_id))
        if obj is None:
            return self._get_obj_does_not_exist_redirect(request, self.opts, object_id)
        if not self.has_change_permission(request, obj) or not isinstance(obj, DraftStateMixin):
            raise PermissionDenied
        try:
            version = history.version_of(self.model, str(obj.pk), version_id)
        except Version.DoesNotExist:
            messages.error(request, "That revision does not exist (any more).")
            return redirect(f"admin:{self._url_name('history')}", quote(obj.pk))
        use_draft = request.POST.get("part") == "draft"
        stored = self.model._default_manager.get(pk=obj.pk)
        RestoreRevision(stored, version, request.user, use_draft=use_draft).execute()
        when = timezone.localtime(version.revision.date_created)
        what = "The draft saved in the revision" if use_draft else "The revision"
        messages.success(
            request,
            f"{what} of {format_moment(when)} is now the draft of “{obj}”. Visitors "
            "still see the live version: review the draft, then publish it.",
        )
        return redirect(f"admin:{self._url_name('change')}", quote(obj.pk))

    def recoverlist_view(self, request):
        if not self.may_recover(request):
            raise PermissionDenied
        context = self._context(
            request,
            f"Recover deleted {self.opts.verbose_name_plural}",
            deleted=list(history.deleted_versions(self.model)[:200]),
        )
        return TemplateResponse(request, "admin/editorial/recover_list.html", context)

    def recover_view(self, request, version_id):
        if not self.may_recover(request):
            raise PermissionDenied
        version = get_object_or_404(
            history.deleted_versions(self.model).select_related("revision__user"), pk=version_id
        )
        if request.method == "POST":
            try:
                obj = Recover(version, request.user).execute()
            except history.RecoveryError as error:
                messages.error(request, str(error))
                return redirect(f"admin:{self._url_name('recoverlist')}")
            messages.success(request, f"“{obj}” is back, with its files, as it was when deleted.")
            return redirect(f"admin:{self._url_name('change')}", quote(obj.pk))
        entry = history.entries(self.model, [version], 1)[0]
        context = self._context(
            request,
            f"Recover “{version.object_repr}”",
            version=version,
            entry=entry,
            recoverlist_url=reverse(f"admin:{self._url_name('recoverlist')}"),
        )
        return TemplateResponse(request, "admin/editorial/recover_confirm.html", context)
