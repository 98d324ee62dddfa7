"""An edition version is content of the editorial core like a publication: the same Publish
and Unpublish (one write, one revision, the right to publish checked), the same edit page,
previews and share links, and its files (figures, data files) follow its state."""

import io
import re
import zipfile

import openpyxl
import pytest
from django.contrib.auth.models import Permission
from django.core.exceptions import PermissionDenied
from django.core.files.storage import default_storage
from django.core.files.uploadedfile import SimpleUploadedFile
from django.db import connection
from django.test.utils import CaptureQueriesContext
from reversion.models import Revision

from editions.models import Edition, EditionVersion
from editorial.actions import Publish, Unpublish
from editorial.files import private_storage
from tests.conftest import logged_in, staff_member
from tests.editions_helpers import imported, sample
from tests.test_editor_publishes_through_one_service import inserts_into, writes_to

pytestmark = pytest.mark.django_db


@pytest.fixture
def version(tmp_path, make_publication):
    path, _ = sample(tmp_path, chapters=1, sections=2, figures=1, tables=1, references=2)
    return imported(path, make_publication(slug="report"))


def figure_files(version):
    figure = version.figures.get()
    return [figure.image, figure.renditions["fallback"]["name"], *(r["name"] for r in figure.renditions["webp"])]


def change_url(version):
    return f"/admin/editions/editionversion/{version.pk}/change/"


def test_publishing_a_version_writes_it_once_records_one_revision_and_unpublishing_withdraws_it(
    client, version, editor
):
    revisions = Revision.objects.count()
    with CaptureQueriesContext(connection) as queries:
        Publish(version, editor).execute()
    assert len(writes_to(queries, "editions_editionversion")) == 1, writes_to(queries, "editions_editionversion")
    assert len(inserts_into(queries, "reversion_revision")) == 1
    assert Revision.objects.count() == revisions + 1
    assert Edition.objects.get().current_version_id == version.pk
    assert all(default_storage.exists(name) for name in figure_files(version))
    assert client.get("/publication/report/read/chapter-1/").status_code == 200

    Unpublish(EditionVersion.objects.get(pk=version.pk), editor).execute()
    assert Edition.objects.get().current_version is None
    assert EditionVersion.objects.get(pk=version.pk).status == EditionVersion.Status.DRAFT
    assert client.get("/publication/report/read/chapter-1/").status_code == 404
    # Its files leave the public store and stay in the private one.
    for name in figure_files(version):
        assert not default_storage.exists(name) and private_storage().exists(name), name
    comments = list(Revision.objects.order_by("-pk").values_list("comment", flat=True)[:2])
    assert comments == ["Unpublished: visitors no longer see it.", "Published."]


def test_staff_without_the_right_to_publish_see_no_publish_button_and_cannot_publish(
    client, version, django_user_model
):
    from django.contrib.auth.models import Group

    reviewers = Group.objects.create(name="Edition reviewers")
    reviewers.permissions.set(Permission.objects.filter(
        content_type__app_label="editions", codename__in=["view_editionversion", "change_editionversion"],
    ))
    reviewer = staff_member(django_user_model, "reviewer", reviewers)
    with pytest.raises(PermissionDenied):
        Publish(version, reviewer).execute()
    logged_in(client, reviewer)
    page = client.get(change_url(version)).text
    assert 'name="_save"' in page and 'name="_publish"' not in page and 'name="_unpublish"' not in page
    response = client.post(change_url(version), {"note": "Ready", "_publish": "Publish"})
    assert response.status_code == 200 and "You may not publish this item." in response.text
    assert EditionVersion.objects.get(pk=version.pk).status == EditionVersion.Status.DRAFT
    assert not any(default_storage.exists(name) for name in figure_files(version))


def test_editor_publishes_and_unpublishes_a_version_from_its_edit_page(client, version, editor):
    logged_in(client, editor)
    page = client.get(change_url(version)).text
    assert "Checks before publishing" in page and 'name="_publish"' in page
    response = client.post(change_url(version), {"note": "First version.", "_publish": "Publish"})
    assert response.status_code == 302, response.content.decode()[:3000]
    version.refresh_from_db()
    assert version.is_published and version.note == "First version."
    # A note changed on a published version is a draft until published again.
    response = client.post(change_url(version), {"note": "Corrected note.", "_save_draft": "Save draft"})
    assert response.status_code == 302
    version.refresh_from_db()
    assert version.note == "First version." and version.draft == {"note": "Corrected note."}
    assert "First version." in client.get("/publication/report/read/versions/").text

    response = client.post(change_url(version), {"_unpublish": "Unpublish"}, follow=True)
    assert "Taken off the site" in response.text
    version.refresh_from_db()
    assert version.status == EditionVersion.Status.DRAFT
    assert client.get("/publication/report/read/").status_code == 404


def test_a_data_file_follows_its_version_private_while_draft_public_once_published(client, version, editor):
    logged_in(client, editor)
    figure = version.figures.get()
    form = {"alt": figure.alt, "caption": figure.caption, "long_description": "", "source_note": ""}
    response = client.post(
        f"/admin/editions/figure/{figure.pk}/change/",
        {**form, "data_file": SimpleUploadedFile("my data (final).csv", b"year,value\n2024,1\n")},
    )
    assert response.status_code == 302, response.content.decode()[:3000]
    figure.refresh_from_db()
    name = figure.data_file.name
    # Named after the figure and its content, never the uploader's file name.
    assert re.fullmatch(r"edition-data/fig-1-[0-9a-f]{16}\.csv", name), name
    assert private_storage().exists(name) and not default_storage.exists(name)
    client.logout()
    assert client.get(f"/media/{name}").status_code == 404

    Publish(version, editor).execute()
    assert default_storage.exists(name)
    # A data file added to a table of the published version is public with it at once.
    table = version.tables.get()
    logged_in(client, editor)
    response = client.post(
        f"/admin/editions/table/{table.pk}/change/",
        {"caption": table.caption, "data_file": SimpleUploadedFile("t.csv", b"a,b\n1,2\n")},
    )
    assert response.status_code == 302, response.content.decode()[:3000]
    table.refresh_from_db()
    assert default_storage.exists(table.data_file.name)


def test_a_reviewer_reads_a_shared_preview_of_a_draft_version_until_it_is_revoked(client, version, editor):
    logged_in(client, editor)
    response = client.post(change_url(version), {"note": "", "_share_preview": "Share preview"}, follow=True)
    link = re.search(r'href="(/preview/shared/[^"]+/)"', response.text)[1]
    link_id = re.search(r'name="_revoke_preview_link" value="(\d+)"', response.text)[1]
    reviewer = client.__class__()
    page = reviewer.get(link)
    assert page.status_code == 200 and "no-store" in page["Cache-Control"]
    assert version.chapters.get().title in page.text
    client.post(change_url(version), {"_revoke_preview_link": link_id})
    assert reviewer.get(link).status_code == 410


def test_a_spreadsheet_data_file_loses_who_made_it_and_keeps_its_data(client, version, editor):
    workbook = openpyxl.Workbook()
    workbook.active.append(["year", "compute"])
    workbook.active.append([2024, 1.5])
    workbook.properties.creator = "Jane Author"
    workbook.properties.lastModifiedBy = "C:/Users/jane.author"
    workbook.properties.title = "Internal draft, do not share"
    buffer = io.BytesIO()
    workbook.save(buffer)
    with zipfile.ZipFile(buffer) as package:
        assert b"Jane Author" in package.read("docProps/core.xml")

    logged_in(client, editor)
    figure = version.figures.get()
    response = client.post(f"/admin/editions/figure/{figure.pk}/change/", {
        "alt": figure.alt, "caption": figure.caption, "long_description": "", "source_note": "",
        "data_file": SimpleUploadedFile("data.xlsx", buffer.getvalue()),
    })
    assert response.status_code == 302, response.content.decode()[:3000]
    figure.refresh_from_db()
    Publish(version, editor).execute()
    client.logout()
    stored = client.get(f"/media/{figure.data_file.name}")
    assert stored.status_code == 200
    data = b"".join(stored.streaming_content) if stored.streaming else stored.content
    with zipfile.ZipFile(io.BytesIO(data)) as package:
        properties = package.read("docProps/core.xml")
        assert b"Jane" not in properties and b"jane" not in properties and b"Internal draft" not in properties
    assert list(openpyxl.load_workbook(io.BytesIO(data)).active.values) == [("year", "compute"), (2024, 1.5)]


def test_a_published_version_cannot_be_deleted_a_discarded_import_can(client, version, editor):
    logged_in(client, editor)
    delete_url = f"/admin/editions/editionversion/{version.pk}/delete/"
    assert "deletelink" in client.get(change_url(version)).text
    Publish(version, editor).execute()
    assert "deletelink" not in client.get(change_url(version)).text
    assert client.post(delete_url, {"post": "yes"}).status_code == 403
    # Nor in bulk from the list.
    client.post("/admin/editions/editionversion/", {"action": "delete_selected", "_selected_action": [version.pk], "post": "yes"})
    assert EditionVersion.objects.filter(pk=version.pk).exists()
    assert client.get("/publication/report/read/chapter-1/").status_code == 200


def test_a_versions_sections_are_found_only_while_it_is_the_one_visitors_read(client, tmp_path, make_publication, editor):
    from django.test import TestCase

    path, _ = sample(tmp_path, chapters=1, sections=2, figures=1, tables=1, references=2)
    text = path.read_text()
    path.write_text(text.replace("{#sec-1-2}\n\n", "{#sec-1-2}\n\nThe quokkanomics of compute.\n\n", 1))
    publication = make_publication(slug="report")

    def found(query="quokkanomics", prefix=""):
        html = client.get(f"{prefix}/search/", {"q": query}).content.decode()
        return re.findall(r'<h3 class="search-result__title"><a href="([^"]*)"', html)

    with TestCase.captureOnCommitCallbacks(execute=True):
        draft = imported(path, publication)
    assert found() == []  # a draft's words are not found
    with TestCase.captureOnCommitCallbacks(execute=True):
        Publish(draft, editor).execute()
    assert found() == ["/publication/report/read/chapter-1/#sec-1-2"]
    # The kind filter knows report sections.
    assert found(prefix="") == found() and "Report sections" in client.get("/search/", {"q": "quokkanomics"}).text

    # Version 2 without the word: it is no longer found; the new text is.
    path.write_text(text.replace("{#sec-1-2}\n\n", "{#sec-1-2}\n\nThe wallabynomics of compute.\n\n", 1))
    with TestCase.captureOnCommitCallbacks(execute=True):
        second = imported(path, publication)
    assert found() == ["/publication/report/read/chapter-1/#sec-1-2"]  # still version 1 until Publish
    with TestCase.captureOnCommitCallbacks(execute=True):
        Publish(second, editor).execute()
    assert found() == [] and found("wallabynomics") == ["/publication/report/read/chapter-1/#sec-1-2"]

    with TestCase.captureOnCommitCallbacks(execute=True):
        Unpublish(EditionVersion.objects.get(pk=second.pk), editor).execute()
    assert found("wallabynomics") == [] and len(found()) == 1  # version 1 is current again
    # Unpublishing the publication takes its report's sections out of search.
    with TestCase.captureOnCommitCallbacks(execute=True):
        Unpublish(publication, editor).execute()
    assert found() == []


def test_figures_and_tables_are_found_by_caption_alt_text_and_cells(client, tmp_path, make_publication, editor):
    from django.test import TestCase

    path, _ = sample(tmp_path, chapters=1, sections=2, figures=1, tables=1, references=2)
    text = path.read_text().replace("| 2018 |", "| Platypusware |", 1)
    path.write_text(text)
    publication = make_publication(slug="report")

    def found(query, kind="figure"):
        html = client.get("/search/", {"q": query, "kind": kind}).content.decode()
        return re.findall(r'<h3 class="search-result__title"><a href="([^"]*)"', html)

    with TestCase.captureOnCommitCallbacks(execute=True):
        draft = imported(path, publication)
    assert found("platypusware") == []  # a draft's table is not found
    with TestCase.captureOnCommitCallbacks(execute=True):
        Publish(draft, editor).execute()
    # A table by a word in its cells, a figure by its caption: each leads to its own page.
    assert found("platypusware") == ["/publication/report/read/tbl-1/"]
    assert "/publication/report/read/fig-1/" in found("compute training")
    assert "Figures and tables" in client.get("/search/", {"q": "platypusware"}).text

    # An alt text corrected on the version visitors read is found at once.
    figure = draft.figures.get(identifier="fig-1")
    with TestCase.captureOnCommitCallbacks(execute=True):
        figure.alt = "Echidnagram of training compute"
        figure.save()
    assert found("echidnagram") == ["/publication/report/read/fig-1/"]
    # An edit of a draft's figure is not.
    path.write_text(text)
    with TestCase.captureOnCommitCallbacks(execute=True):
        second = imported(path, publication)
        second_figure = second.figures.get(identifier="fig-1")
        second_figure.alt = "Numbatchart of compute"
        second_figure.save()
    assert found("numbatchart") == []

    with TestCase.captureOnCommitCallbacks(execute=True):
        Unpublish(publication, editor).execute()
    assert found("platypusware") == [] and found("echidnagram") == []
