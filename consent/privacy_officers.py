"""The "Privacy officers" group: staff who manage consent, and nothing else.

They word the purposes, publish cookie-policy versions, retire purposes, and read the
consent records, their overview and export. Editors hold none of this. Kept in sync after
every migrate (as the "Editors" group is), so the permissions never need a manual step.
"""

from django.contrib.auth.models import Group, Permission
from django.db.models import Q

PRIVACY_OFFICERS_GROUP = "Privacy officers"

# (app_label, model, actions); the record permissions stop at "view": the proof is never edited.
PRIVACY_OFFICER_PERMISSIONS = [
    ("consent", "purpose", ("add", "change", "delete", "view")),
    ("consent", "policyversion", ("add", "change", "delete", "view")),
    ("consent", "consentrecord", ("view",)),
    ("consent", "showntexts", ("view",)),
]
# The purposes and the policy go to translators with the rest of the content.
EXTRA_CODENAMES = [("consent", "view_consent_overview"), ("translations", "exchange_translations")]


def sync_privacy_officers_group(**kwargs):
    group, _ = Group.objects.get_or_create(name=PRIVACY_OFFICERS_GROUP)
    wanted = Q(pk__in=[])
    for app_label, model, actions in PRIVACY_OFFICER_PERMISSIONS:
        wanted |= Q(
            content_type__app_label=app_label,
            codename__in=[f"{action}_{model}" for action in actions],
        )
    for app_label, codename in EXTRA_CODENAMES:
        wanted |= Q(content_type__app_label=app_label, codename=codename)
    group.permissions.set(Permission.objects.filter(wanted))
    return group
