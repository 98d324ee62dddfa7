"""The consent summary on the admin home (reportsite.dashboard), for whoever may see the
consent overview: last week's and this week's share of visitors allowing each purpose.
"""

from django.urls import reverse

from . import overview


def consent_panel(request):
    from .admin import OVERVIEW_PERMISSION

    if not request.user.has_perm(OVERVIEW_PERMISSION):
        return None
    last_week, this_week = overview.weekly_shares(weeks=2)
    return {
        "template": "consent/dashboard_panel.html",
        "purposes": overview.optional_purposes(),
        "weeks": [(" (so far)", this_week), ("", last_week)],
        "overview_url": reverse("admin:consent_consentrecord_overview"),
    }
