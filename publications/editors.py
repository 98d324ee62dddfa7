"""The "Editors" group: staff who run the site's content but cannot manage users.

Kept in sync after every migrate, so new models' permissions reach editors without a
manual step. Other apps list their editor-managed models in EDITOR_MODELS.
"""

from django.contrib.auth.models import Group, Permission

EDITORS_GROUP = "Editors"

# (app_label, model) pairs whose add/change/delete/view permissions editors hold.
EDITOR_MODELS = [
    ("publications", "publication"),
    ("publications", "publicationdocument"),
    ("publications", "partnerorganisation"),
    ("publications", "sitecontent"),
    # The translators' export and import (its "exchange translations" permission).
    ("translations", "translationsource"),
]


def register_editor_models(*models):
    for pair in models:
        if pair not in EDITOR_MODELS:
            EDITOR_MODELS.append(pair)


def sync_editors_group(**kwargs):
    group, _ = Group.objects.get_or_create(name=EDITORS_GROUP)
    wanted = Permission.objects.none()
    for app_label, model in EDITOR_MODELS:
        wanted |= Permission.objects.filter(
            content_type__app_label=app_label, content_type__model=model
        )
    group.permissions.set(wanted)
    return group
