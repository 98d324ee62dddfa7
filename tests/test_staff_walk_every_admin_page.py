"""Every admin page of every registered model, walked as a superuser, an editor and a privacy
officer on seeded data: never a 500, and each role gets exactly the pages it should (403
everywhere else).
"""

from urllib.parse import urlencode

import pytest
from axes.models import AccessFailureLog
from django.contrib import admin
from django.contrib.admin.utils import quote
from django.contrib.auth.models import Group
from django.test import Client
from django.urls import reverse

from publications.seed import load_seed_content
from tests.conftest import SAME_ORIGIN, STAFF_PASSWORD
from tests.editions_helpers import import_small_edition

pytestmark = pytest.mark.django_db

PAGES = ("changelist", "add", "change", "history")
FULL = dict.fromkeys(PAGES, 200)
# Read-only admins: the records are proof, never added through the site.
READ_ONLY = {**FULL, "add": 403}
# The translators' page: export and import; a record of what a translation was made from
# can be opened, never added or edited.
TRANSLATIONS = READ_ONLY
# One record only: the list goes to it, and a second cannot be added.
SINGLETON = {**FULL, "changelist": 302, "add": 403}

# The web edition (editions): imports are added; versions, sections, figures and tables come
# from an import only (their add page is a 403).
EDITIONS = {
    "editions.editionimport": FULL,
    "editions.edition": READ_ONLY,
    "editions.editionversion": READ_ONLY,
    "editions.section": READ_ONLY,
    "editions.figure": READ_ONLY,
    "editions.table": READ_ONLY,
}

# What each role may open, by model; every other page of every registered model is a 403.
# Extra admin pages (recovery of deleted items, consent overview) are named by URL name.
EXPECTED = {
    "superuser": {
        "auth.group": FULL,
        "auth.user": FULL,
        "axes.accessattempt": READ_ONLY,
        "axes.accesslog": READ_ONLY,
        "axes.accessfailurelog": READ_ONLY,
        "publications.publication": FULL,
        "publications.partnerorganisation": FULL,
        "publications.sitecontent": SINGLETON,
        "consent.purpose": FULL,
        "consent.policyversion": FULL,
        "consent.consentrecord": READ_ONLY,
        "consent.showntexts": READ_ONLY,
        "publications_publication_recoverlist": 200,
        "publications_partnerorganisation_recoverlist": 200,
        "consent_consentrecord_overview": 200,
        "translations.translationsource": TRANSLATIONS,
        **EDITIONS,
    },
    # Editors manage content, and nothing of consent (issue 9, point 8).
    "editor": {
        "publications.publication": FULL,
        "publications.partnerorganisation": FULL,
        "publications.sitecontent": SINGLETON,
        "publications_publication_recoverlist": 200,
        "publications_partnerorganisation_recoverlist": 200,
        "translations.translationsource": TRANSLATIONS,
        **EDITIONS,
    },
    # Privacy officers manage consent: purposes, policy versions, records, overview, export.
    "privacy officer": {
        "consent.purpose": FULL,
        "consent.policyversion": FULL,
        "consent.consentrecord": READ_ONLY,
        "consent.showntexts": READ_ONLY,
        "consent_consentrecord_overview": 200,
        "translations.translationsource": TRANSLATIONS,
    },
}
EXTRA_PAGES = (
    "publications_publication_recoverlist",
    "publications_partnerorganisation_recoverlist",
    "consent_consentrecord_overview",
)


@pytest.fixture
def seeded(consent_seed, django_user_model, tmp_path):
    """The launch content, a visitor's consent decision, one failed admin login, and an
    imported edition with its import."""
    load_seed_content()
    import_small_edition(tmp_path)
    visitor = Client()
    response = visitor.post(
        "/consent/",
        urlencode({"action": "decline", "next": "/"}),
        content_type="application/x-www-form-urlencoded",
        headers=SAME_ORIGIN,
    )
    assert response.status_code == 303
    # django-axes records it: its attempts then have a row to open.
    Client().post("/admin/login/", {"username": "nobody", "password": "wrong"})
    # Its failure log is off unless AXES_ENABLE_ACCESS_FAILURE_LOG; its admin is not.
    AccessFailureLog.objects.create(
        username="nobody", ip_address="127.0.0.1", user_agent="test", path_info="/admin/login/"
    )


def user_for(role, django_user_model):
    if role == "superuser":
        return django_user_model.objects.create_superuser("admin", password=STAFF_PASSWORD)
    user = django_user_model.objects.create_user(
        role.replace(" ", "-"), password=STAFF_PASSWORD, is_staff=True
    )
    # Both groups are kept in sync after every migrate (publications.editors and
    # consent.privacy_officers).
    group = {"editor": "Editors", "privacy officer": "Privacy officers"}[role]
    user.groups.add(Group.objects.get(name=group))
    return user


def admin_pages():
    """(key, page, URL) of every changelist, add, change and history page, and the extras."""
    pages = []
    for model in admin.site._registry:
        opts = model._meta
        obj = model._default_manager.order_by("pk").first()
        assert obj is not None, f"the seeded data has no {opts.label_lower} to open"
        for page in PAGES:
            args = [quote(obj.pk)] if page in ("change", "history") else []
            url = reverse(f"admin:{opts.app_label}_{opts.model_name}_{page}", args=args)
            pages.append((opts.label_lower, page, url))
    for name in EXTRA_PAGES:
        pages.append((name, None, reverse(f"admin:{name}")))
    return pages


def expected_status(role, key, page):
    allowed = EXPECTED[role].get(key)
    if allowed is None:
        return 403
    return allowed if page is None else allowed.get(page, 403)


@pytest.mark.parametrize("role", list(EXPECTED))
def test_each_role_opens_exactly_its_admin_pages_and_none_fails(seeded, django_user_model, role):
    registered = {model._meta.label_lower for model in admin.site._registry}
    known = {key for key in EXPECTED["superuser"] if "." in key}
    assert registered == known, "a model was added to or removed from the admin: update EXPECTED"

    client = Client(raise_request_exception=False)
    user = user_for(role, django_user_model)
    assert client.login(username=user.get_username(), password=STAFF_PASSWORD)
    home = client.get("/admin/")
    assert home.status_code == 200

    wrong = []
    for key, page, url in admin_pages():
        status = client.get(url).status_code
        if status != expected_status(role, key, page):
            wrong.append(f"{url}: {status}, expected {expected_status(role, key, page)}")
    assert not wrong, f"{role}:\n" + "\n".join(wrong)
