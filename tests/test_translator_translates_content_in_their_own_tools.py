"""A translator works in their own tool: the editor exports French as XLIFF (or PO), the
translator fills in units, the editor imports the file; the site saves drafts to preview and
publish, refuses what would break a page or overwrite someone's work, and keeps track of
which translations are missing, current or out of date.

The files are read and written here with translate-toolkit and polib, as translators' tools
read them, and the PO is checked by gettext's `msgfmt --check`.
"""

import shutil
import subprocess

import polib
import pytest
from lxml import etree
from translate.storage import xliff
from translate.storage.placeables import StringElem
from translate.storage.placeables import xliff as placeables

from editorial.actions import Publish, SaveDraft
from translations.status import CURRENT, MISSING, OUT_OF_DATE, status_of

pytestmark = pytest.mark.django_db
EXPORT = "/admin/translations/translationsource/export/"
IMPORT = "/admin/translations/translationsource/import/"
BODY = "Read the [full report](https://example.org/report.pdf) and <abbr title=\"Artificial intelligence\">AI</abbr> news."


@pytest.fixture
def publications(make_publication):
    first = make_publication(title="Risk management", summary="How developers manage risks.", body=BODY)
    second = make_publication(title="Open questions", summary="What is still unknown.")
    return first, second


def export(client, fmt="xliff", scope="todo", language="fr"):
    response = client.get(EXPORT, {"language": language, "scope": scope, "format": fmt})
    assert response.status_code == 200, response.content[:500]
    assert "no-store" in response["Cache-Control"]
    return response.content


# The OASIS XLIFF 1.2 schema (strict) and the W3C schema it imports for xml:lang, as Debian
# ships them (package php-symfony-translation, installed by make test and .ci/run).
XLIFF_SCHEMAS = "/usr/share/php/Symfony/Component/Translation/Resources/schemas"


class LocalSchemas(etree.Resolver):
    """Resolves the schema's import of http://www.w3.org/2001/xml.xsd to the local copy."""

    def resolve(self, url, public_id, context):
        if url == "http://www.w3.org/2001/xml.xsd":
            return self.resolve_filename(f"{XLIFF_SCHEMAS}/xml.xsd", context)
        return None


def assert_valid_xliff_12(data):
    parser = etree.XMLParser(no_network=True)
    parser.resolvers.add(LocalSchemas())
    schema = etree.XMLSchema(etree.parse(f"{XLIFF_SCHEMAS}/xliff-core-1.2-strict.xsd", parser))
    document = etree.fromstring(data)
    assert schema.validate(document), "\n".join(str(error) for error in schema.error_log)


def units_by_field(store):
    """{(model, pk, field): unit} of an XLIFF store."""
    found = {}
    for unit in store.units:
        model, pk, field, _source, _base = unit.xmlelement.get("id").split(":")
        found[(model, int(pk), field)] = unit
    return found


def send(client, data, name, language="fr"):
    from django.core.files.uploadedfile import SimpleUploadedFile

    return client.post(IMPORT, {"language": language, "file": SimpleUploadedFile(name, data)})


def test_an_xliff_round_trip_makes_drafts_refuses_a_broken_placeholder_and_tracks_status(
    editor_client, editor, publications
):
    first, second = publications
    assert status_of(first).state("fr") == MISSING

    data = export(editor_client)
    assert_valid_xliff_12(data)
    store = xliff.xlifffile.parsestring(data)
    root = store.document.getroot()
    assert root.get("version") == "1.2" and root.tag == "{urn:oasis:names:tc:xliff:document:1.2}xliff"
    units = units_by_field(store)
    key = "publications.publication"
    body = units[(key, first.pk, "body")]
    # The markup is protected: the source holds placeholders, not the link or the tag.
    source = bytes(store).decode()
    assert "https://example.org/report.pdf" not in source and '<x id="1"/>' in source
    assert "Publication “Risk management”, title" in units[(key, first.pk, "title")].getnotes()

    units[(key, first.pk, "title")].target = "Gestion des risques"
    units[(key, second.pk, "summary")].target = "Ce qui reste inconnu."
    # The third breaks the markup: the link's placeholder is dropped.
    body.rich_target = [StringElem(["Lisez le rapport complet et les ", placeables.X(id="3"), "IA", placeables.X(id="4"), "."])]
    assert_valid_xliff_12(bytes(store))  # what the translator sends back is XLIFF 1.2 too
    response = send(editor_client, bytes(store), "fr.xlf")
    assert response.status_code == 200
    html = response.content.decode()
    assert "2 units accepted, 1 refused; 2 drafts saved." in html
    assert "Placeholders do not match the English text: missing 1 (](https://example.org/report.pdf))" in html.replace("&quot;", '"')
    assert "Publication “Risk management”, body" in html

    first.refresh_from_db()
    second.refresh_from_db()
    # Drafts, not live: visitors still read no French title.
    assert first.title_fr in (None, "") and first.draft["title_fr"] == "Gestion des risques"
    assert second.draft["summary_fr"] == "Ce qui reste inconnu."
    assert first.draft.get("body_fr") in (None, "")
    preview = editor_client.get(f"/fr/preview/publication/{first.pk}/")
    assert "Gestion des risques" in preview.content.decode()
    assert "Gestion des risques" not in editor_client.get(first.get_absolute_url().replace("/publication/", "/fr/publication/", 1)).content.decode()

    Publish(first, editor).execute()
    first.refresh_from_db()
    assert first.title_fr == "Gestion des risques"
    status = status_of(first)
    assert "title" not in status.languages["fr"][MISSING] and "title" not in status.languages["fr"][OUT_OF_DATE]

    # The English title changes: the French one is now out of date, and the next export of
    # what needs doing holds it again (it did not after the publish).
    SaveDraft(first, editor, values={"title_en": "Managing risks"}).execute()
    Publish(first, editor).execute()
    first.refresh_from_db()
    assert status_of(first).languages["fr"][OUT_OF_DATE] == ["title"]
    again = units_by_field(xliff.xlifffile.parsestring(export(editor_client)))
    assert (key, first.pk, "title") in again
    assert again[(key, first.pk, "title")].target == "Gestion des risques"

    # Translated again, published: current.
    store = xliff.xlifffile.parsestring(export(editor_client))
    units_by_field(store)[(key, first.pk, "title")].target = "Gérer les risques"
    assert "1 unit accepted, 0 refused" in send(editor_client, bytes(store), "fr.xlf").content.decode()
    first.refresh_from_db()
    Publish(first, editor).execute()
    first.refresh_from_db()
    assert status_of(first).languages["fr"][OUT_OF_DATE] == []
    assert status_of(first).state("fr") in (CURRENT, MISSING)


def test_a_po_round_trip_passes_msgfmt_and_imports_as_drafts(editor_client, editor, publications, tmp_path):
    first, _second = publications
    data = export(editor_client, fmt="po")
    catalogue = polib.pofile(data.decode())
    assert catalogue.metadata["Language"] == "fr"
    body = next(e for e in catalogue if e.msgctxt.startswith(f"publications.publication:{first.pk}:body:"))
    assert "%(m1)s" in body.msgid and "https://" not in body.msgid
    body.msgstr = body.msgid.replace("Read the", "Lisez le").replace("and", "et les").replace("news", "actualités")
    title = next(e for e in catalogue if e.msgctxt.startswith(f"publications.publication:{first.pk}:title:"))
    title.msgstr = "Gestion des risques"
    path = str(tmp_path / "fr.po")
    catalogue.save(path)
    msgfmt = shutil.which("msgfmt")
    check = subprocess.run([msgfmt, "--check", "-o", "/dev/null", path], capture_output=True, text=True)
    assert check.returncode == 0, check.stderr
    # A translator who drops a placeholder: msgfmt says so, and so does the import.
    broken = polib.pofile(path)
    next(e for e in broken if e.msgctxt == body.msgctxt).msgstr = "Lisez le rapport."
    broken.save(path + ".broken")
    assert subprocess.run([msgfmt, "--check", "-o", "/dev/null", path + ".broken"], capture_output=True).returncode != 0

    html = send(editor_client, open(path, "rb").read(), "fr.po").content.decode()
    assert "2 units accepted, 0 refused; 1 draft saved." in html
    first.refresh_from_db()
    assert first.draft["body_fr"].startswith("Lisez le [full report](https://example.org/report.pdf) et les <abbr")
    assert first.draft["title_fr"] == "Gestion des risques"


def test_an_import_never_overwrites_a_translation_changed_after_the_export(editor_client, editor, publications):
    first, _second = publications
    store = xliff.xlifffile.parsestring(export(editor_client))
    units_by_field(store)[("publications.publication", first.pk, "title")].target = "Gestion des risques"
    # Meanwhile, someone types a French title on the site and publishes it.
    SaveDraft(first, editor, values={"title_fr": "Gestion du risque"}).execute()
    Publish(first, editor).execute()
    html = send(editor_client, bytes(store), "fr.xlf").content.decode()
    assert "0 units accepted, 1 refused" in html
    assert "was changed on the site after the export; it was not overwritten" in html
    first.refresh_from_db()
    assert first.title_fr == "Gestion du risque" and first.draft is None


@pytest.mark.parametrize(
    "data, message",
    [
        (b"not a translation file", "neither XLIFF nor a valid PO file"),
        (b"<xliff version='1.2'><broken", "not valid XLIFF"),
        ("\ud800".encode("utf-8", "surrogatepass"), "not UTF-8"),
    ],
)
def test_a_file_that_is_not_a_translation_is_refused_with_a_reason(editor_client, publications, data, message):
    response = send(editor_client, data, "x.xlf")
    assert response.status_code == 400
    assert message in response.content.decode()


def test_a_file_for_another_language_is_refused(editor_client, publications):
    data = export(editor_client, language="es")
    response = send(editor_client, data, "es.xlf", language="fr")
    assert response.status_code == 400 and "not fr" in response.content.decode()


def test_people_without_the_right_cannot_export_or_import(
    privacy_officer_client, publications, django_user_model, consent_seed
):
    from django.test import Client

    query = {"language": "fr", "scope": "all", "format": "po"}
    assert Client().get(EXPORT, query).status_code == 302  # to the login page
    staff = Client()
    staff.force_login(django_user_model.objects.create_user("clerk", password="x", is_staff=True))
    assert staff.get(EXPORT, query).status_code == 403
    assert staff.post(IMPORT, {"language": "fr"}).status_code == 403
    # A privacy officer exports only what they may see: the purposes and the policy.
    data = privacy_officer_client.get(EXPORT, query).content.decode()
    contexts = [entry.msgctxt for entry in polib.pofile(data)]
    assert contexts and all(context.startswith("consent.") for context in contexts)


def test_markup_repeated_in_a_text_comes_back_in_place(editor_client, make_publication):
    publication = make_publication(title="Terms", body="<abbr>AI</abbr> and <abbr>ML</abbr> and <abbr>RL</abbr>.")
    store = xliff.xlifffile.parsestring(export(editor_client, scope="all"))
    body = units_by_field(store)[("publications.publication", publication.pk, "body")]
    # Each occurrence has a placeholder of its own: 1 <abbr>, 2 </abbr>, 3 <abbr>, ...
    assert [e.id for e in body.rich_source[0].flatten() if isinstance(e, placeables.X)] == ["1", "2", "3", "4", "5", "6"]
    body.rich_target = [StringElem([
        placeables.X(id="1"), "IA", placeables.X(id="2"), " et ", placeables.X(id="3"), "AA",
        placeables.X(id="4"), " et ", placeables.X(id="5"), "AR", placeables.X(id="6"), ".",
    ])]
    html = send(editor_client, bytes(store), "fr.xlf").content.decode()
    assert "1 unit accepted, 0 refused" in html
    publication.refresh_from_db()
    assert publication.draft["body_fr"] == "<abbr>IA</abbr> et <abbr>AA</abbr> et <abbr>AR</abbr>."
