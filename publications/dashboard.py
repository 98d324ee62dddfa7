"""The editors' panels of the admin home: their drafts, other unpublished changes, what is
scheduled or expiring, and what was published lately (registered in reportsite.dashboard).

Each panel runs a fixed number of queries and shows at most PANEL_SIZE items, whatever the
number of publications and revisions.
"""

import datetime
from dataclasses import dataclass

from django.contrib.admin.utils import quote
from django.contrib.contenttypes.models import ContentType
from django.db.models import CharField, OuterRef, Q, Subquery
from django.db.models.functions import Cast
from django.urls import reverse
from django.utils import timezone
from reversion.models import Version

from .models import PartnerOrganisation, Publication, SiteContent, format_moment

PANEL_SIZE = 10
# Expiry shown on the dashboard this long before and after it happens.
EXPIRY_WINDOW = datetime.timedelta(days=30)
TEMPLATE = "publications/dashboard_panel.html"


@dataclass
class Item:
    """One line of a panel: what it is, its state, and where to edit it."""

    label: str
    kind: str
    url: str
    status: str
    when: str = ""


def _edit_url(obj):
    opts = obj._meta
    return reverse(f"admin:{opts.app_label}_{opts.model_name}_change", args=[quote(obj.pk)])


def _may_edit(request):
    user = request.user
    return any(
        user.has_perm(f"publications.change_{model._meta.model_name}")
        for model in (Publication, PartnerOrganisation, SiteContent)
    )


def _draft_line(obj):
    who = obj.draft_saved_by.get_username() if obj.draft_saved_by else "someone"
    return f"draft saved {format_moment(obj.draft_saved_at)} by {who}" if obj.draft_saved_at else ""


def _publication(obj, when=""):
    return Item(obj.title, "Publication", _edit_url(obj), obj.lifecycle_text, when)


def _unpublished():
    """Everything with a draft, and publications never published, in three queries."""
    last_editor = Subquery(
        Version.objects.filter(
            content_type=ContentType.objects.get_for_model(Publication),
            object_id=Cast(OuterRef("pk"), output_field=CharField()),
        )
        .order_by("-pk")
        .values("revision__user")[:1]
    )
    publications = (
        Publication.objects.filter(Q(draft__isnull=False) | Q(status=Publication.Status.DRAFT))
        .select_related("draft_saved_by")
        .annotate(last_editor=last_editor)
        .order_by("-draft_saved_at", "-updated_at")[: PANEL_SIZE * 3]
    )
    others = [
        *PartnerOrganisation.objects.filter(draft__isnull=False)
        .select_related("draft_saved_by")
        .order_by("-draft_saved_at")[:PANEL_SIZE],
        *SiteContent.objects.filter(draft__isnull=False).select_related("draft_saved_by"),
    ]
    return list(publications), others


def _is_mine(obj, user):
    if obj.draft_saved_by_id is not None:
        return obj.draft_saved_by_id == user.pk
    return getattr(obj, "last_editor", None) == user.pk


def _lines(objects):
    items = []
    for obj in objects:
        if isinstance(obj, Publication):
            items.append(_publication(obj, _draft_line(obj)))
        else:
            kind = "Partner" if isinstance(obj, PartnerOrganisation) else "Site texts"
            items.append(Item(str(obj), kind, _edit_url(obj), obj.lifecycle_text, _draft_line(obj)))
    return items[:PANEL_SIZE]


def drafts_panel(request):
    """Yours first, then other people's: drafts never published and unpublished changes."""
    if not _may_edit(request):
        return None
    publications, others = _unpublished()
    everything = publications + others
    mine = [obj for obj in everything if _is_mine(obj, request.user)]
    theirs = [obj for obj in everything if not _is_mine(obj, request.user)]
    return {
        "template": TEMPLATE,
        "panels": [
            {
                "id": "your-drafts",
                "title": "Your drafts and unpublished changes",
                "items": _lines(mine),
                "empty": "You have no drafts in progress.",
            },
            {
                "id": "other-drafts",
                "title": "Unpublished changes by others",
                "items": _lines(theirs),
                "empty": "Nobody else has changes waiting.",
            },
        ],
    }


def schedule_panel(request):
    if not request.user.has_perm("publications.view_publication"):
        return None
    now = timezone.now()
    scheduled = Publication.objects.in_lifecycle(Publication.Lifecycle.SCHEDULED).order_by(
        "publish_at"
    )[:PANEL_SIZE]
    expiring = (
        Publication.objects.filter(
            status=Publication.Status.PUBLISHED,
            expire_at__gt=now - EXPIRY_WINDOW,
            expire_at__lte=now + EXPIRY_WINDOW,
        )
        .order_by("expire_at")[:PANEL_SIZE]
    )
    published = Publication.objects.published().order_by("-publish_at")[:PANEL_SIZE]
    return {
        "template": TEMPLATE,
        "panels": [
            {
                "id": "scheduled",
                "title": "Scheduled",
                "items": [_publication(obj) for obj in scheduled],
                "empty": "Nothing is scheduled.",
            },
            {
                "id": "expiring",
                "title": "Expiring soon or lately expired",
                "items": [_publication(obj) for obj in expiring],
                "empty": "Nothing expires within 30 days, and nothing expired in the last 30.",
            },
            {
                "id": "recently-published",
                "title": "Recently published",
                "items": [
                    _publication(obj, f"live since {format_moment(obj.publish_at)}")
                    for obj in published
                ],
                "empty": "Nothing is live yet.",
            },
        ],
    }
