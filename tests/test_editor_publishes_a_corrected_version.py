"""A corrected source imported as version 2 (a section moved, one renamed, one deleted, a
typo fixed): every address of version 1 still leads to its content, "what changed" lists
exactly the four changes, and version 1 stays readable at its own address."""

import re

import pytest
from django.contrib.auth.models import Permission

from editions.models import Anchor
from tests.editions_helpers import imported, publish, sample

pytestmark = pytest.mark.django_db


@pytest.fixture
def publisher(editor):
    editor.user_permissions.add(Permission.objects.get(codename="publish_editionversion"))
    return editor


def sections_of(text):
    """The Markdown split at its level-2 headings: [(heading line, body)], and the rest."""
    parts = re.split(r"(?m)^(## .*)$", text)
    return parts


def without_section_ids(text):
    # Sections matched by title and number, not by identifiers written in the source.
    return re.sub(r"(?m)^(## .*?) \{#sec-\d+-\d+\}$", r"\1", text)


def test_every_version_1_address_leads_to_its_content_in_version_2(client, tmp_path, make_publication, publisher):
    publication = make_publication(slug="report")
    path, _ = sample(tmp_path, chapters=3, sections=3, figures=2, tables=1)
    v1_text = without_section_ids(path.read_text())
    v1_text = v1_text.replace("## Topic 3.1 in depth\n\n", "## Topic 3.1 in depth\n\nWe checked teh results twice.\n\n")
    path.write_text(v1_text)
    v1 = publish(imported(path, publication, note="First edition"), publisher)

    # Version 2: 1.3 moves to the end of chapter 2, 2.1 is renamed, 3.2 is deleted, a typo is fixed.
    text = v1_text.replace("teh results", "the results")
    moved = re.search(r"(?s)## Topic 1\.3 in depth\n.*?(?=\n# Chapter 2 )", text).group(0)
    text = text.replace(moved, "")
    text = text.replace("\n# Chapter 3 ", "\n" + moved + "\n\n# Chapter 3 ", 1)
    text = text.replace("## Topic 2.1 in depth", "## Topic 2.1 revisited")
    deleted = re.search(r"(?s)## Topic 3\.2 in depth\n.*?(?=## Topic 3\.3)", text).group(0)
    text = text.replace(deleted, "")
    path.write_text(text)
    v2 = publish(imported(path, publication, note="Corrections"), publisher)
    assert v2.number == 2

    sections = {s.title: s for s in v2.sections.filter(level=2)}
    old = {s.title: s for s in v1.sections.filter(level=2)}
    assert sections["Topic 1.3 in depth"].identifier == old["Topic 1.3 in depth"].identifier
    assert sections["Topic 1.3 in depth"].chapter.identifier == "chapter-2"
    assert sections["Topic 2.1 revisited"].identifier == old["Topic 2.1 in depth"].identifier
    assert sections["Topic 3.3 in depth"].identifier == old["Topic 3.3 in depth"].identifier

    deleted_id = old["Topic 3.2 in depth"].identifier
    gone = set(v1.anchors.values_list("identifier", flat=True)) - set(v2.anchors.values_list("identifier", flat=True))
    for anchor in v1.anchors.exclude(kind=Anchor.Kind.REFERENCE):
        response = client.get(f"/publication/report/read/{anchor.identifier}/")
        if anchor.identifier in gone:
            assert response.status_code == 410, anchor.identifier
            assert "removed in version 2" in response.text
            assert f'href="/publication/report/read/v1/{anchor.identifier}/"' in response.text
            continue
        if response.status_code == 302:
            target, _, fragment = response["Location"].partition("#")
            assert fragment == anchor.identifier
            response = client.get(target)
        assert response.status_code == 200, anchor.identifier
        assert f'id="{anchor.identifier}"' in response.text
    assert deleted_id in gone

    # Version 1 at its own address, with the deleted section.
    v1_chapter = client.get("/publication/report/read/v1/chapter-3/")
    assert v1_chapter.status_code == 200 and f'id="{deleted_id}"' in v1_chapter.text
    assert "An earlier version." in v1_chapter.text
    assert f'id="{deleted_id}"' not in client.get("/publication/report/read/chapter-3/").text

    changes = client.get("/publication/report/read/v2/changes/").text
    kinds = re.findall(r'class="reader-change reader-change--(\w+)"', changes)
    assert sorted(kinds) == ["changed", "moved", "removed", "renamed"]
    assert "<del>teh</del>" in changes and "<ins>the</ins>" in changes

    versions = client.get("/publication/report/read/versions/").text
    assert "Corrections" in versions and "First edition" in versions
    assert 'href="/publication/report/read/v2/changes/"' in versions


def test_an_identifier_from_the_source_wins_and_errata_show_without_a_reimport(client, tmp_path, make_publication, publisher):
    publication = make_publication(slug="report")
    path, _ = sample(tmp_path, chapters=2, sections=2, figures=1, tables=1)
    version = publish(imported(path, publication), publisher)
    section = version.sections.get(identifier="sec-1-2")
    section.errata.create(text="The figure for 2024 was corrected.")
    page = client.get("/publication/report/read/chapter-1/")
    assert "The figure for 2024 was corrected." in page.text


def test_an_identifier_newly_set_in_the_source_keeps_the_old_address_working(client, tmp_path, make_publication, publisher):
    publication = make_publication(slug="report")
    path, _ = sample(tmp_path, chapters=2, sections=2, figures=1, tables=1)
    text = without_section_ids(path.read_text())
    path.write_text(text)
    v1 = publish(imported(path, publication), publisher)
    old = v1.sections.get(title="Topic 2.2 in depth").identifier
    path.write_text(text.replace("## Topic 2.2 in depth\n", "## Topic 2.2 in depth {#sec-evidence}\n"))
    v2 = publish(imported(path, publication), publisher)
    assert v2.sections.filter(identifier="sec-evidence").exists()
    response = client.get(f"/publication/report/read/{old}/")
    assert response.status_code == 301 and response["Location"] == "/publication/report/read/sec-evidence/"
    response = client.get(response["Location"])
    assert response["Location"] == "/publication/report/read/chapter-2/#sec-evidence"
    # The same section under a new name: not "removed" and "added".
    changes = client.get("/publication/report/read/v2/changes/").text
    assert re.findall(r'class="reader-change reader-change--(\w+)"', changes) == []
