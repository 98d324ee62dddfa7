"""An editor imports the report's source (Markdown, Word, LaTeX, HTML made with pandoc):
every chapter, section, figure, table, footnote, reference and equation is on the pages,
and nothing is visible before Publish."""

import re

import pytest
from django.contrib.auth.models import Permission
from django.core.files.storage import default_storage

from editions.models import Edition, EditionVersion
from editorial.actions import Refused
from tests.editions_helpers import imported, publish, sample

pytestmark = pytest.mark.django_db


@pytest.fixture
def publisher(editor):
    editor.user_permissions.add(Permission.objects.get(codename="publish_editionversion"))
    return editor


def page_counts(client, slug):
    home = client.get(f"/publication/{slug}/read/")
    assert home.status_code == 200
    chapter_links = [
        identifier for identifier in re.findall(rf'<h3><a href="/publication/{slug}/read/([^/"]+)/"', home.text)
        if identifier != "references"
    ]
    counts = {"chapters": len(chapter_links), "sections": 0, "figures": 0, "tables": 0, "footnotes": 0, "equations": 0}
    for identifier in chapter_links:
        page = client.get(f"/publication/{slug}/read/{identifier}/").text
        counts["sections"] += len(re.findall(r'<section class="reader-section" aria-labelledby=', page))
        counts["figures"] += page.count('<figure class="reader-figure"')
        # Real tables: header cells with their scope, and data cells.
        tables = re.findall(r"<table>.*?</table>", page, re.S)
        counts["tables"] += sum(1 for table in tables if '<th scope="col"' in table and "<td" in table)
        counts["footnotes"] += len(re.findall(r'<li id="fn-\d+">', page))
        counts["equations"] += page.count("<math")
    references = client.get(f"/publication/{slug}/read/references/").text
    counts["references"] = len(re.findall(r'<li id="ref-', references))
    return counts


@pytest.mark.parametrize("extension", [".md", ".docx", ".html", ".tex"])
def test_every_element_of_the_source_is_on_the_pages(client, tmp_path, make_publication, publisher, extension):
    publication = make_publication(slug="report")
    path, expected = sample(tmp_path, extension)
    version = imported(path, publication)
    assert version.status == EditionVersion.Status.DRAFT

    # Nothing before Publish: no reading page, no figure file.
    assert client.get("/publication/report/read/").status_code == 404
    chapter = version.chapters.first()
    assert client.get(f"/publication/report/read/{chapter.identifier}/").status_code == 404
    figure = version.figures.first()
    assert client.get(f"/media/{figure.image}").status_code == 404

    publish(version, publisher)
    counts = page_counts(client, "report")
    wanted = {
        "chapters": expected.chapters, "sections": expected.sections, "figures": expected.figures,
        "tables": expected.tables, "footnotes": expected.footnotes, "equations": expected.equations,
        "references": expected.references,
    }
    if extension == ".tex":
        # pandoc's LaTeX writer keeps citations as text; its reference list is not marked up.
        wanted.pop("references")
        counts.pop("references")
    assert counts == wanted
    assert client.get(f"/media/{figure.image}").status_code == 200


def test_a_figure_without_alt_text_blocks_publishing_until_fixed_in_the_admin(
    client, tmp_path, make_publication, publisher
):
    publication = make_publication(slug="report")
    path, _ = sample(tmp_path)
    text = path.read_text()
    path.write_text(text.replace("![Bar chart 1: compute used for training grew each year](figure-1.png)", "![](figure-1.png)"))
    version = imported(path, publication)
    figure = version.figures.get(identifier="fig-1")
    assert figure.alt == ""

    client.force_login(publisher)
    page = client.get(f"/admin/editions/editionversion/{version.pk}/change/")
    assert "Blocking:" in page.text and f"/admin/editions/figure/{figure.pk}/change/" in page.text
    with pytest.raises(Refused, match="has no alt text"):
        publish(version, publisher)
    # The edit page's Publish (the editorial core's) says why, and changes nothing.
    response = client.post(f"/admin/editions/editionversion/{version.pk}/change/", {"note": "", "_publish": "Publish"})
    assert response.status_code == 200 and "Publishing is refused" in response.text
    version.refresh_from_db()
    assert version.status == EditionVersion.Status.DRAFT

    response = client.post(f"/admin/editions/figure/{figure.pk}/change/", {
        "alt": "Bars rising from left to right", "caption": "Compute grew", "long_description": "",
        "source_note": "",
    })
    assert response.status_code == 302, response.content
    response = client.post(f"/admin/editions/editionversion/{version.pk}/change/", {"note": "", "_publish": "Publish"})
    assert response.status_code == 302, response.content
    version.refresh_from_db()
    assert version.status == EditionVersion.Status.PUBLISHED
    assert Edition.objects.get().current_version == version
    page = client.get("/publication/report/read/chapter-1/")
    assert 'alt="Bars rising from left to right"' in page.text


def test_staff_preview_a_draft_and_visitors_cannot(client, tmp_path, make_publication, publisher):
    publication = make_publication(slug="report")
    path, _ = sample(tmp_path)
    version = imported(path, publication)
    figure = version.figures.first()
    # The editorial core's preview rules: a plain 404 to visitors, naming no admin address.
    for address in (f"/preview/edition/{version.pk}/", f"/preview/edition/{version.pk}/chapter-1/",
                    f"/preview/edition/{version.pk}/files/{figure.image}"):
        response = client.get(address)
        assert response.status_code == 404 and "/admin/" not in response.text, address
    client.force_login(publisher)
    for address in (f"/preview/edition/{version.pk}/", f"/preview/edition/{version.pk}/chapter-1/"):
        page = client.get(address)
        assert page.status_code == 200, address
        assert "no-store" in page["Cache-Control"] and page["X-Robots-Tag"] == "noindex"
    # The chapter's figures are addressed as the preview's own files.
    fallback = figure.renditions["fallback"]["name"]
    assert f'src="/preview/edition/{version.pk}/files/{fallback}"' in page.text
    image = client.get(f"/preview/edition/{version.pk}/files/{figure.image}")
    assert image.status_code == 200 and "no-store" in image["Cache-Control"]
    # The figure and every rendition of it are in the private store only, served to staff
    # by the preview; none is in the public store before Publish.
    names = [figure.image, figure.renditions["fallback"]["name"], *(r["name"] for r in figure.renditions["webp"])]
    for name in names:
        assert not default_storage.exists(name), name
        assert client.get(f"/preview/edition/{version.pk}/files/{name}").status_code == 200, name
    publish(version, publisher)
    assert all(default_storage.exists(name) for name in names)
