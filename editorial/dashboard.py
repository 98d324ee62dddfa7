"""The editors' panels of the admin home: their drafts, other unpublished changes, what is
scheduled or expiring, and what was published lately (registered in reportsite.dashboard),
for every registered kind of content (editorial.registry).

Each panel runs a fixed number of queries per kind and shows at most PANEL_SIZE items,
whatever the number of items and revisions.
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

from . import registry
from .models import ScheduledPublishingMixin, format_moment

PANEL_SIZE = 10
# Expiry shown on the dashboard this long before and after it happens.
EXPIRY_WINDOW = datetime.timedelta(days=30)
TEMPLATE = "editorial/dashboard_panel.html"


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


def _kinds(request, action):
    return [kind for kind in registry.kinds() if request.user.has_perm(kind.permission(action))]


def _scheduled_kinds(request):
    return [kind for kind in _kinds(request, "view") if issubclass(kind.model, ScheduledPublishingMixin)]


def _draft_line(obj):
    who = obj.draft_saved_by.get_username() if obj.draft_saved_by else "someone"
    return f"draft saved {format_moment(obj.draft_saved_at)} by {who}" if obj.draft_saved_at else ""


def _line(kind, obj, when=""):
    return Item(str(obj), kind.label, _edit_url(obj), obj.lifecycle_text, when)


def _unpublished(kind):
    """Items with a draft, and items never published, with who last saved them."""
    model = kind.model
    last_editor = Subquery(
        Version.objects.filter(
            content_type=ContentType.objects.get_for_model(model),
            object_id=Cast(OuterRef("pk"), output_field=CharField()),
        )
        .order_by("-pk")
        .values("revision__user")[:1]
    )
    waiting = Q(draft__isnull=False)
    if issubclass(model, ScheduledPublishingMixin):
        waiting |= Q(status=ScheduledPublishingMixin.Status.DRAFT)
    return list(
        model._default_manager.filter(waiting)
        .select_related("draft_saved_by")
        .annotate(last_editor=last_editor)
        .order_by("-draft_saved_at", "-pk")[: PANEL_SIZE * 3]
    )


def _is_mine(obj, user):
    if obj.draft_saved_by_id is not None:
        return obj.draft_saved_by_id == user.pk
    return getattr(obj, "last_editor", None) == user.pk


def drafts_panel(request):
    """Yours first, then other people's: drafts never published and unpublished changes."""
    kinds = _kinds(request, "change")
    if not kinds:
        return None
    everything = [(kind, obj) for kind in kinds for obj in _unpublished(kind)]
    mine = [_line(kind, obj, _draft_line(obj)) for kind, obj in everything if _is_mine(obj, request.user)]
    theirs = [_line(kind, obj, _draft_line(obj)) for kind, obj in everything if not _is_mine(obj, request.user)]
    return {
        "template": TEMPLATE,
        "panels": [
            {
                "id": "your-drafts",
                "title": "Your drafts and unpublished changes",
                "items": mine[:PANEL_SIZE],
                "empty": "You have no drafts in progress.",
            },
            {
                "id": "other-drafts",
                "title": "Unpublished changes by others",
                "items": theirs[:PANEL_SIZE],
                "empty": "Nobody else has changes waiting.",
            },
        ],
    }


def schedule_panel(request):
    kinds = _scheduled_kinds(request)
    if not kinds:
        return None
    now = timezone.now()
    scheduled, expiring, published = [], [], []
    for kind in kinds:
        items = kind.model._default_manager
        scheduled += [
            (obj.publish_at, _line(kind, obj))
            for obj in items.in_lifecycle(ScheduledPublishingMixin.Lifecycle.SCHEDULED).order_by("publish_at")[:PANEL_SIZE]
        ]
        expiring += [
            (obj.expire_at, _line(kind, obj))
            for obj in items.expiring_around(now, EXPIRY_WINDOW).order_by("expire_at")[:PANEL_SIZE]
        ]
        published += [
            (obj.publish_at, _line(kind, obj, f"live since {format_moment(obj.publish_at)}"))
            for obj in items.published().order_by("-publish_at")[:PANEL_SIZE]
        ]

    def first(pairs, reverse=False):
        return [line for _when, line in sorted(pairs, key=lambda pair: pair[0], reverse=reverse)][:PANEL_SIZE]

    return {
        "template": TEMPLATE,
        "panels": [
            {
                "id": "scheduled",
                "title": "Scheduled",
                "items": first(scheduled),
                "empty": "Nothing is scheduled.",
            },
            {
                "id": "expiring",
                "title": "Expiring soon or lately expired",
                "items": first(expiring),
                "empty": "Nothing expires within 30 days, and nothing expired in the last 30.",
            },
            {
                "id": "recently-published",
                "title": "Recently published",
                "items": first(published, reverse=True),
                "empty": "Nothing is live yet.",
            },
        ],
    }
