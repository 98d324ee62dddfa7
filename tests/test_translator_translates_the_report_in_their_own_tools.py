"""The report itself goes through the translators' round trip: the editor exports French,
and the web edition's chapters, sections, figures, tables and notes are units beside the
site's other content; the translator returns the file; the import makes a draft French
version of the edition (previewed, then published through the editorial core), refuses what
would break a page, and the status of each part follows the English text.

The files are read and written with translate-toolkit and polib, as translators' tools do;
the XLIFF is checked against the OASIS schema and the PO with gettext's `msgfmt --check`.
"""

import re
import shutil
import subprocess

import polib
import pytest
from django.core.files.storage import default_storage
from translate.storage import xliff
from translate.storage.placeables import StringElem
from translate.storage.placeables import xliff as placeables

from editions.models import Edition, EditionVersion
from editions.translating import edition_status
from editorial.actions import Publish, Unpublish
from tests.editions_helpers import imported, publish, sample
from tests.test_translator_translates_content_in_their_own_tools import (
    assert_valid_xliff_12,
    export,
    send,
)
from tests.test_visitor_reads_every_language_without_stray_english import nu_errors
from translations.status import CURRENT, MISSING, OUT_OF_DATE

pytestmark = pytest.mark.django_db
PAGE = "/fr/publication/report/read/chapter-1/"


@pytest.fixture
def report(tmp_path, make_publication, editor):
    path, _ = sample(tmp_path, chapters=1, sections=2, figures=1, tables=1, references=2)
    publication = make_publication(slug="report", title="The report")
    version = imported(path, publication)
    publish(version, editor)
    return publication, path


def result(html):
    """The import's result as text (for assertion messages)."""
    return re.sub(r"\s+", " ", re.sub("<[^>]+>", " ", html[html.find("Import result"):]))


def edition_units(store):
    """{(kind, field, identifier): unit} of the web edition's units in an XLIFF store."""
    found = {}
    for unit in store.units:
        key = unit.xmlelement.get("id").rsplit(":", 2)[0]
        if key.startswith("edition:"):
            _prefix, _pk, kind, field, identifier = key.split(":", 4)
            found[(kind, field, identifier)] = unit
    return found


def french_version():
    return EditionVersion.objects.filter(edition__language="fr").order_by("-number").first()


def figure_files(figure):
    renditions = figure.renditions
    return [figure.image, renditions["fallback"]["name"], *(r["name"] for r in renditions["webp"])]


def test_an_xliff_round_trip_makes_a_french_draft_version_refuses_a_broken_unit_and_tracks_status(
    client, editor_client, editor, report, tmp_path
):
    publication, source = report
    english = Edition.objects.get(language="en").current_version
    section = english.sections.get(identifier="sec-1-1")
    english.sections.get(identifier="sec-1-2").errata.create(text="A corrected number.")
    assert edition_status(publication, "fr")[MISSING] > 0

    data = export(editor_client, scope="all")
    assert_valid_xliff_12(data)
    store = xliff.xlifffile.parsestring(data)
    units = edition_units(store)
    body = units[("section", "html", "sec-1-1")]
    # The markup is protected: the translator sees placeholders and text, no tags.
    assert "<x id=" in bytes(store).decode() and "<p>" not in body.source
    assert "section “1.1" in body.getnotes() and "/publication/report/read/chapter-1/" in body.getnotes()
    assert ("figure", "caption", "fig-1") in units and ("table", "body_html", "tbl-1") in units
    assert ("footnote", "html", "chapter-1#1") in units

    # Two units translated; a third breaks its markup (one placeholder dropped).
    units[("section", "title", "sec-1-1")].target = "Première section"
    body.rich_target = [StringElem([
        e if isinstance(e, placeables.X) else "Le texte en français avec R&D < 2 " for e in body.rich_source[0].flatten()
    ])]
    caption = units[("figure", "caption", "fig-1")]
    caption.target = "Légende traduite"
    broken = units[("section", "html", "sec-1-2")]
    broken.rich_target = [StringElem([str(e) for e in broken.rich_source[0].flatten() if not isinstance(e, placeables.X)])]
    assert_valid_xliff_12(bytes(store))
    html = send(editor_client, bytes(store), "fr.xlf").content.decode()
    assert "3 units accepted, 1 refused; 1 draft saved." in html, result(html)
    assert re.search(r"Report “The report”, section “1.2 [^”]*”, html</td><td><strong>Refused</strong></td><td>"
                     r"Placeholders do not match the English text: missing 1", html), html

    draft = french_version()
    assert draft.status == EditionVersion.Status.DRAFT and draft.translation_of_id == english.pk
    assert draft.sections.get(identifier="sec-1-1").title == "Première section"
    # What the translator typed is text, never markup.
    assert "R&amp;D &lt; 2" in draft.sections.get(identifier="sec-1-1").html
    assert f'href="/fr/admin/editions/editionversion/{draft.pk}/change/"' in html or f"/admin/editions/editionversion/{draft.pk}/change/" in html
    # Visitors see nothing of it, not even the figure files copied for it; the preview shows
    # it, and the part still in English is marked.
    assert "Première section" not in client.get(PAGE).text
    assert not any(default_storage.exists(name) for name in figure_files(draft.figures.get()))
    preview = editor_client.get(f"/fr/preview/edition/{draft.pk}/chapter-1/").content.decode()
    assert "Première section" in preview and "Légende traduite" in preview
    assert re.search(r'<section class="reader-section" aria-labelledby="sec-1-2" lang="en" dir="ltr">', preview)

    Publish(draft, editor).execute()
    page = client.get(PAGE).text
    assert "Première section" in page and "Légende traduite" in page
    assert re.search(r'<section class="reader-section" aria-labelledby="sec-1-1">', page)
    assert re.search(r'<section class="reader-section" aria-labelledby="sec-1-2" lang="en" dir="ltr">', page)
    assert '<span lang="en" dir="ltr">A corrected number.</span>' in page  # not translated: marked
    # The report's title is still the English one (the publication has no French title): marked.
    assert '<p class="reader-kicker"><a href="/fr/publication/report/read/" lang="en" dir="ltr">' in page
    # The French version owns copies of the figure's files; they are public now, and
    # taking French off the site leaves the English edition's files where they are.
    french_figure = draft.figures.get()
    assert set(figure_files(french_figure)).isdisjoint(figure_files(english.figures.get()))
    assert all(default_storage.exists(name) for name in figure_files(french_figure))
    assert french_figure.renditions["fallback"]["name"] in page
    # The marks are valid HTML on every kind of page the translated version makes.
    pages = {path: client.get(path).text for path in [
        PAGE, "/fr/publication/report/read/", "/fr/publication/report/read/fig-1/", "/fr/publication/report/read/tbl-1/",
    ]}
    assert "Légende traduite" in pages["/fr/publication/report/read/fig-1/"]
    assert nu_errors(pages, tmp_path) == []

    status = edition_status(publication, "fr")
    states = {(u.kind, u.field, u.identifier): u.state for u in _units(publication)}
    assert states[("section", "title", "sec-1-1")] == CURRENT
    assert states[("section", "html", "sec-1-1")] == CURRENT
    assert states[("section", "html", "sec-1-2")] == MISSING
    assert status[CURRENT] == 1 and status[MISSING] > 0  # section 1.1 is the one part translated in full
    # Editors see it in the editions list, on the version's page and on the dashboard.
    listing = editor_client.get("/admin/editions/edition/").content.decode()
    assert f"{status[MISSING]} parts missing, 0 out of date, 1 current" in listing
    assert "1 current" in editor_client.get(f"/admin/editions/editionversion/{draft.pk}/change/").content.decode()
    dashboard = editor_client.get("/admin/").content.decode()
    french_row = re.search(r"<tr><th scope=\"row\"><a [^>]*>Français</a></th><td>(\d+)</td><td>(\d+)</td><td>(\d+)</td>", dashboard)
    assert french_row and int(french_row[3]) >= 1, dashboard[dashboard.find("dashboard-translations"):][:800]

    # The authors change the English text of section 1.1; the new English version is published.
    text = source.read_text()
    first_words = section.text.split()[:4]
    changed = text.replace(" ".join(first_words), "Rewritten " + " ".join(first_words), 1)
    assert changed != text
    source.write_text(changed)
    publish(imported(source, publication), editor)
    states = {(u.kind, u.field, u.identifier): u.state for u in _units(publication)}
    assert states[("section", "html", "sec-1-1")] == OUT_OF_DATE
    assert states[("section", "title", "sec-1-1")] == CURRENT
    again = edition_units(xliff.xlifffile.parsestring(export(editor_client)))
    assert ("section", "html", "sec-1-1") in again and ("section", "title", "sec-1-1") not in again
    assert "Le texte en français" in str(again[("section", "html", "sec-1-1")].target)

    Unpublish(EditionVersion.objects.get(pk=draft.pk), editor).execute()
    assert all(default_storage.exists(name) for name in figure_files(english.figures.get()))


def _units(publication):
    from editions.translating import Report

    return Report.load(publication, "fr").units()


def test_a_po_round_trip_passes_msgfmt_and_a_second_import_adds_to_the_same_draft(
    editor_client, editor, report, tmp_path
):
    data = export(editor_client, fmt="po", scope="all")
    catalogue = polib.pofile(data.decode())
    entries = {e.msgctxt.rsplit(":", 2)[0]: e for e in catalogue if e.msgctxt.startswith("edition:")}
    publication_pk = report[0].pk
    title = entries[f"edition:{publication_pk}:chapter:title:chapter-1"]
    title.msgstr = "Premier chapitre"
    note = entries[f"edition:{publication_pk}:footnote:html:chapter-1#1"]
    assert note.msgid.startswith("%(m1)sNote 1: ") and note.msgid.endswith("%(m2)s")  # <p> and </p>
    note.msgstr = "%(m1)sNote 1 : une note traduite, 20 %% des cas.%(m2)s"
    path = tmp_path / "fr.po"
    catalogue.save(str(path))
    check = subprocess.run([shutil.which("msgfmt"), "--check", "-o", "/dev/null", str(path)], capture_output=True, text=True)
    assert check.returncode == 0, check.stderr
    html = send(editor_client, path.read_bytes(), "fr.po").content.decode()
    assert "2 units accepted, 0 refused; 1 draft saved." in html, result(html)
    draft = french_version()
    assert draft.chapters.get().title == "Premier chapitre"
    assert draft.footnotes.get(number=1).html == "<p>Note 1 : une note traduite, 20 % des cas.</p>"

    # A second file, before the draft is published: it adds to the same draft.
    again = polib.pofile(export(editor_client, fmt="po", scope="todo").decode())
    caption = next(e for e in again if e.msgctxt.startswith(f"edition:{publication_pk}:table:caption:"))
    caption.msgstr = "Tableau traduit"
    html = send(editor_client, str(again).encode(), "fr.po").content.decode()
    assert "1 draft saved." in html
    assert EditionVersion.objects.filter(edition__language="fr").count() == 1
    draft = french_version()
    assert draft.chapters.get().title == "Premier chapitre" and draft.tables.get().caption == "Tableau traduit"

    # Published, the title is current; the authors retitle the chapter in English: out of
    # date, and the next PO of what needs doing holds it, with the French title to revise.
    publish(draft, editor)
    publication, source = report
    states = {(u.kind, u.field, u.identifier): u.state for u in _units(publication)}
    assert states[("chapter", "title", "chapter-1")] == CURRENT
    assert "Premier chapitre" in editor_client.get(PAGE).content.decode()
    source.write_text(source.read_text().replace("# Chapter 1 findings", "# Chapter 1 key findings", 1))
    publish(imported(source, publication), editor)
    states = {(u.kind, u.field, u.identifier): u.state for u in _units(publication)}
    assert states[("chapter", "title", "chapter-1")] == OUT_OF_DATE
    todo = {e.msgctxt.rsplit(":", 2)[0]: e for e in polib.pofile(export(editor_client, fmt="po", scope="todo").decode())}
    entry = todo[f"edition:{publication_pk}:chapter:title:chapter-1"]
    assert entry.msgid == "Chapter 1 key findings" and entry.msgstr == "Premier chapitre"


def test_people_who_may_not_make_versions_cannot_import_the_report(client, django_user_model, report):
    from django.contrib.auth.models import Group, Permission

    from tests.conftest import logged_in, staff_member

    translators = Group.objects.create(name="Translators")
    translators.permissions.add(
        Permission.objects.get(codename="exchange_translations"),
        Permission.objects.get(codename="view_editionversion"),
    )
    translator = staff_member(django_user_model, "translator", translators)
    browser = logged_in(client, translator)
    store = xliff.xlifffile.parsestring(export(browser, scope="all"))
    units = edition_units(store)
    assert units, "a translator who may view versions exports the report"
    units[("chapter", "title", "chapter-1")].target = "Premier chapitre"
    html = send(browser, bytes(store), "fr.xlf").content.decode()
    assert "0 units accepted, 1 refused" in html and "You may not make versions of report editions." in html, result(html)
    assert not EditionVersion.objects.filter(edition__language="fr").exists()


@pytest.mark.parametrize("bad_key", [
    "edition:99999999999999999999999999:chapter:title:chapter-1",
    "edition:1:chapter:nofield:chapter-1",
    "edition:x:chapter:title:chapter-1",
    "publications.publication:abc:title",
    "publications.publication:99999999999999999999999999:title",
    "publications.publication:3000000000:title",  # beyond PostgreSQL's integer
    "publications.nomodel:1:title",
])
def test_a_unit_id_the_site_never_made_is_refused_not_an_error(editor_client, report, bad_key):
    store = xliff.xlifffile.parsestring(export(editor_client, scope="all"))
    unit = edition_units(store)[("chapter", "title", "chapter-1")]
    source, base = unit.xmlelement.get("id").rsplit(":", 2)[1:]
    unit.setid(f"{bad_key}:{source}:{base}")
    unit.target = "Premier chapitre"
    response = send(editor_client, bytes(store), "fr.xlf")
    assert response.status_code == 200
    assert "0 units accepted, 1 refused" in response.content.decode(), result(response.content.decode())


def test_the_editions_list_reads_the_english_report_once_whatever_the_languages(
    editor_client, report
):
    """Each row's status compares that language's version with the English one; the English
    version's parts (five queries, the whole report's text) are read once for the page."""
    from django.db import connection
    from django.test.utils import CaptureQueriesContext

    publication, _ = report

    def queries():
        with CaptureQueriesContext(connection) as captured:
            response = editor_client.get("/admin/editions/edition/")
        assert response.status_code == 200
        assert "parts missing" in response.content.decode()
        return [query["sql"] for query in captured.captured_queries]

    Edition.objects.create(publication=publication, language="es")
    one_language = queries()
    for code in ("ru", "zh-hans", "ar"):
        Edition.objects.create(publication=publication, language=code)
    four_languages = queries()
    section_reads = [sql for sql in four_languages if 'FROM "editions_section"' in sql]
    assert len(section_reads) == 1, section_reads
    # A row of its own costs its two editions and its latest version, no more.
    assert len(four_languages) - len(one_language) <= 3 * 3, four_languages[len(one_language):]
