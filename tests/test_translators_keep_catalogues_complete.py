"""The interface's catalogues: every string the templates and code translate is translated
in every language, nothing is fuzzy, and each committed .mo is the compiled .po.

Needs no gettext tools: strings are extracted with Django's own `templatize` (what
makemessages does) and Babel's Python extractor, and catalogues are read with Babel.
"""

import io
from pathlib import Path

import pytest
from babel.messages.extract import extract_python
from babel.messages.mofile import read_mo
from babel.messages.pofile import read_po
from django.conf import settings
from django.utils.translation.template import templatize

ROOT = Path(settings.BASE_DIR)
LANGUAGES = ["fr", "es", "ru", "zh_Hans", "ar"]
SOURCE_FOLDERS = ["citations", "consent", "editions", "publications", "reportsite", "search", "templates"]
# The project's catalogue, and the apps' own (editions keeps its strings in editions/locale).
CATALOGUE_FOLDERS = [ROOT / "locale", ROOT / "editions" / "locale"]
KEYWORDS = {
    "gettext": None,
    "gettext_lazy": None,
    "gettext_noop": None,
    "_": None,
    "ngettext": (1, 2),
    "ngettext_lazy": (1, 2),
    "pgettext": ((1, "c"), 2),
    "pgettext_lazy": ((1, "c"), 2),
    "npgettext": ((1, "c"), 2, 3),
}


def _sources():
    for folder in SOURCE_FOLDERS:
        for path in sorted((ROOT / folder).rglob("*")):
            if "migrations" in path.parts or not path.is_file():
                continue
            # The admin stays in English (editors' own pages, and copies of Django's admin
            # templates, which Django's catalogues translate).
            if path.suffix == ".html" and "admin" in path.relative_to(ROOT / folder).parts:
                continue
            if path.suffix in {".py", ".html", ".txt"}:
                yield path


def _messages_in(path):
    text = path.read_text(encoding="utf-8")
    if path.suffix != ".py":
        text = templatize(text, origin=str(path))
    found = set()
    for _line, function, message, _comments in extract_python(
        io.BytesIO(text.encode()), KEYWORDS.keys(), [], {}
    ):
        spec = KEYWORDS[function]
        if isinstance(message, str):
            message = (message,)
        if spec and isinstance(spec[0], tuple):
            context, message = message[0], message[1:]
        else:
            context = None
        if not message or not message[0]:
            continue
        found.add((context, message[0]))
    return found


def used_messages():
    used = set()
    for path in _sources():
        used |= {(context, msgid, str(path.relative_to(ROOT))) for context, msgid in _messages_in(path)}
    return used


def _catalogue(language, folder=None):
    """The catalogue of `language` in `folder`, or the messages of all of them."""
    if folder is not None:
        with open(folder / language / "LC_MESSAGES" / "django.po", "rb") as po:
            return read_po(po)
    return [message for each in CATALOGUE_FOLDERS for message in _catalogue(language, each)]


def _key(message):
    return (message.context, message.id[0] if isinstance(message.id, (tuple, list)) else message.id)


def _strings(message):
    string = message.string
    return tuple(string) if isinstance(string, (tuple, list)) else (string,)


def test_extraction_finds_the_interface_strings():
    """The check below would pass vacuously if extraction found nothing."""
    msgids = {msgid for _, msgid, _ in used_messages()}
    assert "Cookie settings" in msgids  # a template
    assert "Use of personal data and cookies" in msgids  # consent/state.py
    assert "%(counter)s publication" in msgids  # a plural in a template
    assert len(msgids) > 100


@pytest.mark.parametrize("language", LANGUAGES)
def test_every_interface_string_is_translated(language):
    catalogue = _catalogue(language)
    translated = {}
    for message in catalogue:
        if not message.id:
            continue
        if message.fuzzy or not all(_strings(message)):
            continue
        translated[_key(message)] = message
    missing = sorted(
        f"{where}: {msgid!r}" + (f" (context {context!r})" if context else "")
        for context, msgid, where in used_messages()
        if (context, msgid) not in translated
    )
    assert not missing, (
        f"{len(missing)} strings are missing, empty or fuzzy in locale/{language}: run "
        "`manage.py makemessages -l " + language + "`, translate them, then "
        "`manage.py compilemessages`:\n" + "\n".join(missing)
    )


@pytest.mark.parametrize("catalogues", CATALOGUE_FOLDERS, ids=lambda path: str(path.relative_to(ROOT)))
@pytest.mark.parametrize("language", LANGUAGES)
def test_compiled_catalogue_matches_its_source(language, catalogues):
    folder = catalogues / language / "LC_MESSAGES"
    source = _catalogue(language, catalogues)
    with open(folder / "django.mo", "rb") as mo:
        compiled = read_mo(mo)
    expected = {_key(m): _strings(m) for m in source if m.id and not m.fuzzy and all(_strings(m))}
    actual = {_key(m): _strings(m) for m in compiled if m.id}
    stale = sorted(
        repr(key[1]) for key in expected.keys() | actual.keys()
        if expected.get(key) != actual.get(key)
    )
    assert not stale, (
        f"locale/{language}/LC_MESSAGES/django.mo is stale; run `manage.py compilemessages` "
        "and commit the .mo. Differing: " + ", ".join(stale[:20])
    )
