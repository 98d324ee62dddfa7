"""A maintainer adding a kind of content to the editorial core is stopped at start-up when
the combination cannot work (system checks editorial.E001-E008)."""

import pytest
from django.contrib import admin

from editorial import registry
from editorial.admin import DraftableAdmin
from editorial.checks import check_registered_content
from publications.models import PartnerOrganisation, Publication, PublicationDocument


@pytest.fixture
def extra_kind():
    added = []

    def register(model, segment):
        registry._kinds[model] = registry.Kind(model, segment, lambda *args: None, "Test")
        added.append(model)

    yield register
    for model in added:
        registry._kinds.pop(model, None)


def ids():
    return sorted(error.id for error in check_registered_content())


def test_the_sites_own_content_passes_the_checks():
    assert ids() == []
    assert {kind.segment for kind in registry.kinds()} >= {"publication", "partner", "site-texts"}


def test_a_model_without_drafts_is_refused(extra_kind):
    extra_kind(PublicationDocument, "document")
    assert ids() == ["editorial.E001"]


def test_two_kinds_on_one_preview_address_are_refused(extra_kind, monkeypatch):
    monkeypatch.setitem(
        registry._kinds, Publication, registry.Kind(Publication, "partner", lambda *args: None, "P")
    )
    assert "editorial.E005" in ids()


def test_a_file_field_outside_the_editorial_storage_is_refused(monkeypatch):
    from django.core.files.storage import default_storage

    field = PartnerOrganisation._meta.get_field("logo")
    monkeypatch.setattr(field, "storage", default_storage)
    assert ids() == ["editorial.E003"]


def test_an_editable_list_column_is_refused():
    class PartnerListAdmin(DraftableAdmin):
        list_display = ("name", "active")
        list_editable = ("active",)

    errors = PartnerListAdmin(PartnerOrganisation, admin.AdminSite()).check()
    assert "editorial.E008" in [error.id for error in errors]
