"""Previews of drafts through the real public templates: for staff, from the edit page, and
for reviewers without an account, through a shared link (editorial.models.PreviewLink).

Each registered kind renders itself (its `preview` callable, editorial.registry); this
module decides who may see what. A preview is never stored in the page cache (these
views are not public pages), never cached on the way, never indexed, and says at the top
what it shows. Its files (a draft's new cover or PDF, in the private store) are served
by `staff_file` / `shared_file`, only if they are the previewed item's, `no-store`.

Anonymous requests to staff preview addresses get a plain 404: nothing names the admin.
"""

from django.core.exceptions import PermissionDenied
from django.http import Http404
from django.shortcuts import get_object_or_404, render
from django.urls import reverse
from django.utils.translation import gettext
from django.views.decorators.http import require_safe

from . import files, registry
from .models import PreviewLink


def staff_preview_url(target):
    kind = registry.kind_of(target)
    return reverse("editorial:preview", kwargs={"kind": kind.segment, "pk": target.pk})


def staff_file_base(target):
    kind = registry.kind_of(target)
    return reverse("editorial:preview-file", kwargs={"kind": kind.segment, "pk": target.pk, "name": "x"})[:-1]


def edit_url(target):
    opts = target._meta
    return reverse(f"admin:{opts.app_label}_{opts.model_name}_change", args=[target.pk])


def _subject(target, shared):
    """What the banner says is shown, in the page's language (reviewers read it too)."""
    name = str(target)
    if target.has_unpublished_changes:
        what = gettext("Unpublished changes to “%(name)s”.") % {"name": name}
    elif not getattr(target, "is_visible", True):
        if shared:
            what = gettext("“%(name)s”, which visitors cannot see now.") % {"name": name}
        else:
            # The status in the editors' words, as the admin shows it.
            what = f"“{name}” ({target.lifecycle_text})."
    else:
        what = gettext("“%(name)s”, as it is live.") % {"name": name}
    if shared:
        return f"{what} " + gettext("Shared for review; visitors do not see unpublished changes.")
    return f"{what} " + gettext("Visitors do not see unpublished changes.")


def mark_as_preview(response):
    """A preview is never cached on the way (nor by the page cache) and never indexed."""
    response["Cache-Control"] = "private, no-store"
    response["X-Robots-Tag"] = "noindex"
    return response


def _render(request, kind, target, banner, file_base):
    with files.addressed_under(file_base):
        return kind.preview(request, target.with_draft(), banner)


def staff_target(request, kind_segment, pk):
    """The item a staff member may preview, or Http404 / PermissionDenied."""
    user = request.user
    if not (user.is_active and user.is_staff):
        raise Http404(gettext("No page at this address."))
    kind = registry.by_segment(kind_segment)
    if kind is None:
        raise Http404("Nothing of that kind can be previewed.")
    if not user.has_perm(kind.permission("view")) and not user.has_perm(kind.permission("change")):
        raise PermissionDenied
    return kind, get_object_or_404(kind.model, pk=pk)


@require_safe
def staff_preview(request, kind, pk):
    """An editor's preview of an item's draft (or of the item, when it has none)."""
    kind, target = staff_target(request, kind, pk)
    banner = {"subject": _subject(target, shared=False), "edit_url": edit_url(target)}
    return mark_as_preview(_render(request, kind, target, banner, staff_file_base(target)))


def _belongs(target, name, with_history=False):
    if name in target.editorial_file_names(live=True, draft=True):
        return True
    if with_history and files.is_content_addressed(name):
        from .history import file_in_history

        return file_in_history(target, name)
    return False


def _file(name):
    try:
        return files.file_response(name)
    except (FileNotFoundError, OSError):
        raise Http404(gettext("No such file."))


@require_safe
def staff_file(request, kind, pk, name):
    """A file of an item (its draft's, its live version's or an old revision's), for staff
    with rights on the item."""
    kind, target = staff_target(request, kind, pk)
    if not _belongs(target, name, with_history=True):
        raise Http404(gettext("No such file."))
    return _file(name)


def _unusable(request, unusable):
    response = render(
        request,
        "editorial/preview_link_unusable.html",
        {"reason": str(unusable), "preview": True},
        status=410 if unusable.gone else 404,
    )
    response["Referrer-Policy"] = "no-referrer"
    return mark_as_preview(response)


@require_safe
def shared_preview(request, token):
    """A reviewer's view of a draft through a link; a bad link is a 404, a dead one a 410."""
    try:
        link = PreviewLink.open(token)
    except PreviewLink.Unusable as unusable:
        return _unusable(request, unusable)
    target = link.target
    kind = registry.kind_of(target)
    banner = {"subject": _subject(target, shared=True), "edit_url": None}
    base = reverse("editorial:shared-file", kwargs={"token": token, "name": "x"})[:-1]
    response = _render(request, kind, target, banner, base)
    # The token must not leak to the sites the page links to.
    response["Referrer-Policy"] = "no-referrer"
    return mark_as_preview(response)


@require_safe
def shared_file(request, token, name):
    """A file of the draft a share link shows, while the link is usable."""
    try:
        link = PreviewLink.open(token)
    except PreviewLink.Unusable as unusable:
        return _unusable(request, unusable)
    if not _belongs(link.target, name):
        raise Http404(gettext("No such file."))
    response = _file(name)
    response["Referrer-Policy"] = "no-referrer"
    return response
