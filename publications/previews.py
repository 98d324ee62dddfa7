"""Previews of drafts through the real public templates: for staff, from the edit page, and
for reviewers without an account, through a shared link (models.PreviewLink).

A preview is never stored in the page cache (these views are not `public_page`), never
cached on the way, never indexed, and says at the top what it shows.
"""

from django.contrib.auth.views import redirect_to_login
from django.core.exceptions import PermissionDenied
from django.http import Http404
from django.shortcuts import get_object_or_404, render
from django.urls import reverse
from django.views.decorators.http import require_safe

from .models import PartnerOrganisation, PreviewLink, Publication, SiteContent
from .views import mark_as_preview, render_home, render_publication

# The address segment that names each previewable model.
PREVIEWABLE = {
    "publication": Publication,
    "partner": PartnerOrganisation,
    "site-texts": SiteContent,
}
_SEGMENTS = {model: segment for segment, model in PREVIEWABLE.items()}


def staff_preview_url(target):
    return reverse(
        "publications:preview", kwargs={"kind": _SEGMENTS[type(target)], "pk": target.pk}
    )


def edit_url(target):
    opts = target._meta
    return reverse(f"admin:{opts.app_label}_{opts.model_name}_change", args=[target.pk])


def _subject(target, shared):
    if target.has_unpublished_changes:
        what = f"Unpublished changes to the {target._meta.verbose_name} “{target}”."
    elif isinstance(target, Publication) and not target.is_visible:
        what = f"The {target._meta.verbose_name} “{target}” ({target.lifecycle_text})."
    else:
        what = f"The {target._meta.verbose_name} “{target}”, as it is live."
    if shared:
        return f"{what} Shared for review; visitors do not see unpublished changes."
    return f"{what} Visitors do not see unpublished changes."


def _render_draft(request, target, preview):
    draft = target.with_draft()
    if isinstance(target, Publication):
        return render_publication(request, draft, list(target.draft_documents()), preview)
    partners = list(PartnerOrganisation.objects.filter(active=True))
    site = SiteContent.load()
    if isinstance(target, PartnerOrganisation):
        # The partner as its draft would show it, in its place among the others.
        partners = [partner for partner in partners if partner.pk != target.pk]
        if draft.active:
            partners = sorted([*partners, draft], key=lambda partner: (partner.order, partner.name))
    else:
        site = draft
    return render_home(request, site, partners, preview)


@require_safe
def staff_preview(request, kind, pk):
    """An editor's preview of an item's draft (or of the item, when it has none)."""
    if not (request.user.is_active and request.user.is_staff):
        return redirect_to_login(request.get_full_path(), reverse("admin:login"))
    model = PREVIEWABLE.get(kind)
    if model is None:
        raise Http404("Nothing of that kind can be previewed.")
    opts = model._meta
    if not request.user.has_perm(f"{opts.app_label}.view_{opts.model_name}"):
        raise PermissionDenied
    target = get_object_or_404(model, pk=pk)
    preview = {"subject": _subject(target, shared=False), "edit_url": edit_url(target)}
    return mark_as_preview(_render_draft(request, target, preview))


@require_safe
def shared_preview(request, token):
    """A reviewer's view of a draft through a link; a bad link is a 404, a dead one a 410."""
    try:
        link = PreviewLink.open(token)
    except PreviewLink.Unusable as unusable:
        response = render(
            request,
            "publications/preview_link_unusable.html",
            {"site": SiteContent.load(), "reason": str(unusable), "preview": True},
            status=410 if unusable.gone else 404,
        )
    else:
        preview = {"subject": _subject(link.target, shared=True), "edit_url": None}
        response = _render_draft(request, link.target, preview)
    # The token must not leak to the sites the page links to.
    response["Referrer-Policy"] = "no-referrer"
    return mark_as_preview(response)
